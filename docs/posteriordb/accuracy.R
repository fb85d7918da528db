# Accuracy of gma_sample() against five posteriordb reference posteriors.
#
# Run from the top of the checkout, with R_LIBS pointing at a library that
# holds the gma package:
#
#   R_LIBS=build/Rlib Rscript docs/posteriordb/accuracy.R
#
# Writes docs/accuracy.md (the table) and docs/posteriordb/accuracy.csv
# (every number, one row per posterior and method).
#
# Every target is written on an unconstrained scale (log for positive
# parameters, logit for (0, 1), an exp-increment for the ordered means and
# a scaled logistic for garch's beta1), log-Jacobian included; draws are
# mapped back to the constrained scale before they are compared with the
# reference draws.

suppressPackageStartupMessages({
  library(jsonlite)
  library(gma)
})

t_script <- proc.time()[["elapsed"]]
root <- "docs/posteriordb"
if (!dir.exists(root)) stop("run from the top of the checkout")
SEED <- 20240601L
set.seed(SEED)

# ---------------------------------------------------------------- helpers
read_json_dir <- function(name) {
  fromJSON(file.path(root, name, "data.json"))
}
read_reference <- function(name) {
  zip <- file.path(root, name, "reference_draws.json.zip")
  inner <- unzip(zip, list = TRUE)$Name[1]
  chains <- fromJSON(unz(zip, inner), simplifyVector = FALSE)
  pars <- names(chains[[1]])
  out <- sapply(pars, function(p) unlist(lapply(chains, function(ch) unlist(ch[[p]]))))
  colnames(out) <- pars
  out
}
log1pexp <- function(x) ifelse(x > 30, x, log1p(exp(x)))
log_logistic <- function(x) -log1pexp(-x)       # log(1 / (1 + exp(-x)))
logistic <- function(x) 1 / (1 + exp(-x))
log_half_cauchy <- function(x, s) -log1p((x / s)^2)   # up to a constant
# rows of x: points; returns log-sum-exp of two n-vectors elementwise
lse2 <- function(a, b) pmax(a, b) + log1p(exp(-abs(a - b)))

# ---------------------------------------------------------------- targets
# Each target: names (unconstrained coordinates), log_density(X) for an
# n x d matrix X, constrain(X) -> matrix with the reference's columns, and
# init (a start for the MAP search).
targets <- list()

## eight schools, non-centred: (mu, log tau, theta_tilde[1..8])
local({
  dat <- read_json_dir("eight_schools-eight_schools_noncentered")
  J <- dat$J; y <- dat$y; s <- dat$sigma
  nm <- c("mu", "log_tau", paste0("theta_tilde[", 1:J, "]"))
  lp <- function(X) {
    X <- matrix(X, ncol = J + 2)
    mu <- X[, 1]; lt <- X[, 2]; tau <- exp(lt); tt <- X[, 3:(J + 2), drop = FALSE]
    theta <- mu + tau * tt
    ll <- -0.5 * rowSums(sweep(sweep(theta, 2, y, "-"), 2, s, "/")^2)
    ll - 0.5 * rowSums(tt^2) - 0.5 * (mu / 5)^2 + log_half_cauchy(tau, 5) + lt
  }
  con <- function(X) {
    tau <- exp(X[, 2])
    th <- X[, 1] + tau * X[, 3:(J + 2), drop = FALSE]
    out <- cbind(th, X[, 1], tau)
    colnames(out) <- c(paste0("theta[", 1:J, "]"), "mu", "tau")
    out
  }
  targets[["eight_schools_noncentered"]] <<- list(
    dir = "eight_schools-eight_schools_noncentered", names = nm,
    log_density = lp, constrain = con, init = c(mean(y), log(5), rep(0, J)))
})

## low_dim_gauss_mix: (mu1, delta, log sigma1, log sigma2, logit theta)
local({
  dat <- read_json_dir("low_dim_gauss_mix-low_dim_gauss_mix")
  y <- dat$y; N <- length(y)
  nm <- c("mu1", "log_dmu", "log_sigma1", "log_sigma2", "logit_theta")
  lp <- function(X) {
    X <- matrix(X, ncol = 5)
    mu1 <- X[, 1]; mu2 <- mu1 + exp(X[, 2])
    ls1 <- X[, 3]; ls2 <- X[, 4]; s1 <- exp(ls1); s2 <- exp(ls2)
    lth <- log_logistic(X[, 5]); l1th <- log_logistic(-X[, 5])
    n <- nrow(X)
    # n x N matrices of component log densities
    Y <- matrix(y, n, N, byrow = TRUE)
    a <- lth - ls1 - 0.5 * ((Y - mu1) / s1)^2
    b <- l1th - ls2 - 0.5 * ((Y - mu2) / s2)^2
    ll <- rowSums(lse2(a, b)) - N * 0.5 * log(2 * pi)
    prior <- -0.5 * (mu1 / 2)^2 - 0.5 * (mu2 / 2)^2 -
      0.5 * (s1 / 2)^2 - 0.5 * (s2 / 2)^2 + 4 * lth + 4 * l1th
    jac <- X[, 2] + ls1 + ls2 + lth + l1th
    ll + prior + jac
  }
  con <- function(X) {
    out <- cbind(X[, 1], X[, 1] + exp(X[, 2]), exp(X[, 3]), exp(X[, 4]),
                 logistic(X[, 5]))
    colnames(out) <- c("mu[1]", "mu[2]", "sigma[1]", "sigma[2]", "theta")
    out
  }
  init <- c(quantile(y, 0.25), log(diff(quantile(y, c(0.25, 0.75)))),
            log(sd(y) / 2), log(sd(y) / 2), 0)
  targets[["low_dim_gauss_mix"]] <<- list(
    dir = "low_dim_gauss_mix-low_dim_gauss_mix", names = nm,
    log_density = lp, constrain = con, init = unname(init))
})

## arK: (alpha, beta[1..K], log sigma)
local({
  dat <- read_json_dir("arK-arK")
  K <- dat$K; y <- dat$y; Tn <- length(y)
  Z <- cbind(1, sapply(1:K, function(k) y[(K + 1 - k):(Tn - k)]))  # (T-K) x (K+1)
  yt <- y[(K + 1):Tn]
  nm <- c("alpha", paste0("beta[", 1:K, "]"), "log_sigma")
  lp <- function(X) {
    X <- matrix(X, ncol = K + 2)
    coef <- X[, 1:(K + 1), drop = FALSE]; ls <- X[, K + 2]; s <- exp(ls)
    R <- yt - Z %*% t(coef)                 # (T-K) x n residuals
    ll <- -0.5 * colSums(R^2) / s^2 - length(yt) * ls
    ll - 0.5 * rowSums(coef^2) / 100 + log_half_cauchy(s, 2.5) + ls
  }
  con <- function(X) {
    out <- cbind(X[, 1:(K + 1), drop = FALSE], exp(X[, K + 2]))
    colnames(out) <- c("alpha", paste0("beta[", 1:K, "]"), "sigma")
    out
  }
  ols <- qr.solve(Z, yt)
  targets[["arK"]] <<- list(
    dir = "arK-arK", names = nm, log_density = lp, constrain = con,
    init = c(ols, log(sd(yt - Z %*% ols))))
})

## garch11: (mu, log alpha0, logit alpha1, b) with beta1 = (1 - alpha1) logistic(b)
local({
  dat <- read_json_dir("garch-garch11")
  y <- dat$y; Tn <- length(y); sigma1 <- dat$sigma1
  nm <- c("mu", "log_alpha0", "logit_alpha1", "b_beta1")
  lp <- function(X) {
    X <- matrix(X, ncol = 4)
    mu <- X[, 1]; la0 <- X[, 2]; a0 <- exp(la0)
    a1 <- logistic(X[, 3]); la1 <- log_logistic(X[, 3]); l1a1 <- log_logistic(-X[, 3])
    lsb <- log_logistic(X[, 4]); l1sb <- log_logistic(-X[, 4])
    b1 <- exp(l1a1 + lsb)
    s2 <- rep(sigma1^2, nrow(X))
    ll <- -0.5 * log(s2) - 0.5 * (y[1] - mu)^2 / s2
    for (t in 2:Tn) {
      s2 <- a0 + a1 * (y[t - 1] - mu)^2 + b1 * s2
      ll <- ll - 0.5 * log(s2) - 0.5 * (y[t] - mu)^2 / s2
    }
    jac <- la0 + (la1 + l1a1) + (l1a1 + lsb + l1sb)
    ll + jac
  }
  con <- function(X) {
    a1 <- logistic(X[, 3])
    out <- cbind(X[, 1], exp(X[, 2]), a1, (1 - a1) * logistic(X[, 4]))
    colnames(out) <- c("mu", "alpha0", "alpha1", "beta1")
    out
  }
  targets[["garch11"]] <<- list(
    dir = "garch-garch11", names = nm, log_density = lp, constrain = con,
    init = c(mean(y), log(var(y) / 4), qlogis(0.2), 0))
})

## kidiq kidscore_momiq: (beta1, beta2, log sigma)
local({
  dat <- read_json_dir("kidiq-kidscore_momiq")
  ks <- dat$kid_score; mi <- dat$mom_iq; N <- length(ks)
  nm <- c("beta1", "beta2", "log_sigma")
  lp <- function(X) {
    X <- matrix(X, ncol = 3)
    ls <- X[, 3]; s <- exp(ls)
    R <- ks - cbind(1, mi) %*% t(X[, 1:2, drop = FALSE])   # N x n
    -0.5 * colSums(R^2) / s^2 - N * ls + log_half_cauchy(s, 2.5) + ls
  }
  con <- function(X) {
    out <- cbind(X[, 1], X[, 2], exp(X[, 3]))
    colnames(out) <- c("beta[1]", "beta[2]", "sigma")
    out
  }
  fit0 <- lm(ks ~ mi)
  targets[["kidiq_momiq"]] <<- list(
    dir = "kidiq-kidscore_momiq", names = nm, log_density = lp, constrain = con,
    init = c(coef(fit0), log(sigma(fit0))))
})

# ---------------------------------------------------------------- placement
# Box: MAP on the unconstrained scale by optim (BFGS, then Nelder-Mead
# polish), sds from the inverse of the numerical Hessian of -log p at the
# MAP, box = MAP +/- 6 sd.
placement_box <- function(tg, width = 6) {
  f <- function(x) { v <- -tg$log_density(matrix(x, nrow = 1)); if (!is.finite(v)) 1e100 else v }
  o <- optim(tg$init, f, method = "BFGS", control = list(maxit = 2000, reltol = 1e-12))
  o <- optim(o$par, f, method = "BFGS", control = list(maxit = 2000, reltol = 1e-14))
  H <- optimHess(o$par, f)
  S <- tryCatch(solve(H), error = function(e) MASS::ginv(H))
  sds <- sqrt(pmax(diag(S), 1e-12))
  list(map = o$par, sd = sds, lower = setNames(o$par - width * sds, tg$names),
       upper = setNames(o$par + width * sds, tg$names), value = -o$value,
       convergence = o$convergence)
}

# ---------------------------------------------------------------- metrics
# energy distance between samples (rows), columns pre-standardised
edist <- function(A, B) {
  cross <- function(P, Q) {
    d2 <- outer(rowSums(P^2), rowSums(Q^2), "+") - 2 * tcrossprod(P, Q)
    mean(sqrt(pmax(d2, 0)))
  }
  2 * cross(A, B) - cross(A, A) - cross(B, B)
}
compare <- function(draws, ref, n_sub = 2000) {
  draws <- draws[, colnames(ref), drop = FALSE]
  rm <- colMeans(ref); rs <- apply(ref, 2, sd)
  ok_rows <- apply(is.finite(draws), 1, all)
  draws <- draws[ok_rows, , drop = FALSE]
  mean_err <- (colMeans(draws) - rm) / rs
  sd_ratio <- apply(draws, 2, sd) / rs
  std <- function(M) sweep(sweep(M, 2, rm, "-"), 2, rs, "/")
  A <- std(draws[sample.int(nrow(draws), min(n_sub, nrow(draws))), , drop = FALSE])
  B <- std(ref[sample.int(nrow(ref), min(n_sub, nrow(ref))), , drop = FALSE])
  list(mean_err = mean_err, sd_ratio = sd_ratio, energy = edist(A, B))
}
noise_floor <- function(ref, n_sub = 2000) {
  rm <- colMeans(ref); rs <- apply(ref, 2, sd)
  Z <- sweep(sweep(ref, 2, rm, "-"), 2, rs, "/")
  idx <- sample.int(nrow(Z))
  h <- nrow(Z) %/% 2
  edist(Z[idx[1:min(n_sub, h)], ], Z[idx[h + 1:min(n_sub, h)], ])
}

# ---------------------------------------------------------------- runs
methods <- c("wgma-md", "wgma-pgd", "wgma-stable", "wgma-refine", "lma",
             "lma-wgma", "em")
# Caps for slow (posterior, method) pairs; filled in from timing runs.
# Each entry is a list of extra arguments to gma_sample() and a note.
caps <- list()

rows <- list(); per_par <- list(); floors <- c(); boxes <- list()
for (pname in names(targets)) {
  tg <- targets[[pname]]
  ref <- read_reference(tg$dir)
  floors[pname] <- noise_floor(ref)
  bx <- placement_box(tg)
  boxes[[pname]] <- bx
  cat(sprintf("%s: d = %d, MAP log p = %.2f (optim code %d), noise floor %.4f\n",
              pname, length(tg$names), bx$value, bx$convergence, floors[pname]))
  for (m in methods) {
    key <- paste(pname, m)
    extra <- if (!is.null(caps[[key]])) caps[[key]]$args else list()
    note <- if (!is.null(caps[[key]])) caps[[key]]$note else ""
    warns <- character()
    t0 <- proc.time()[["elapsed"]]
    res <- tryCatch(withCallingHandlers({
      fit <- do.call(gma_sample, c(list(log_density = tg$log_density,
                                        lower = bx$lower, upper = bx$upper,
                                        method = m, vectorized = TRUE,
                                        seed = SEED), extra))
      list(fit = fit, error = NA_character_)
    }, warning = function(w) {
      warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning")
    }), error = function(e) list(fit = NULL, error = conditionMessage(e)))
    wall <- proc.time()[["elapsed"]] - t0
    row <- list(posterior = pname, method = m, max_abs_mean_err = NA,
                min_sd_ratio = NA, max_sd_ratio = NA, energy = NA,
                noise_floor = floors[[pname]], pareto_k = NA,
                pareto_k_threshold = NA, ess = NA, importance_draws = NA,
                evaluations = NA, run_time = NA, wall = wall,
                warnings = paste(unique(warns), collapse = " | "),
                error = res$error, note = note, verdict = "ERROR")
    if (!is.null(res$fit)) {
      fit <- res$fit
      dg <- fit$diagnostics
      g <- function(x) if (is.null(x) || length(x) == 0) NA else x[[1]]
      cmp <- tryCatch(compare(tg$constrain(fit$draws), ref),
                      error = function(e) { row$error <<- conditionMessage(e); NULL })
      imp <- g(fit$settings$importance_draws); if (is.na(imp)) imp <- 1000
      row$pareto_k <- g(dg$pareto_k); row$pareto_k_threshold <- g(dg$pareto_k_threshold)
      row$ess <- g(dg$ess); row$importance_draws <- imp
      row$evaluations <- g(dg$evaluations); row$run_time <- g(dg$run_time)
      if (!is.null(cmp)) {
        row$max_abs_mean_err <- max(abs(cmp$mean_err))
        row$min_sd_ratio <- min(cmp$sd_ratio); row$max_sd_ratio <- max(cmp$sd_ratio)
        row$energy <- cmp$energy
        per_par[[key]] <- data.frame(posterior = pname, method = m,
                                     parameter = names(cmp$mean_err),
                                     mean_err = cmp$mean_err, sd_ratio = cmp$sd_ratio)
        ok <- row$max_abs_mean_err < 0.2 && row$min_sd_ratio >= 0.8 &&
          row$max_sd_ratio <= 1.25
        thr <- if (is.na(row$pareto_k_threshold)) 0.7 else row$pareto_k_threshold
        flag <- (!is.na(row$pareto_k) && row$pareto_k > thr) ||
          (!is.na(row$ess) && row$ess < 0.1 * imp) || length(warns) > 0
        row$verdict <- if (ok) "ok" else if (flag) "flagged" else "MISSED"
      }
    }
    rows[[key]] <- row
    cat(sprintf("  %-12s err %6.3f sd [%5.2f, %5.2f] E %.4f k %6.2f ess %6.1f evals %7s %6.1fs %s %s\n",
                m, row$max_abs_mean_err, row$min_sd_ratio, row$max_sd_ratio,
                row$energy, row$pareto_k, row$ess, format(row$evaluations),
                wall, row$verdict, ifelse(is.na(row$error), "", row$error)))
  }
}

tab <- do.call(rbind, lapply(rows, function(r) as.data.frame(r, stringsAsFactors = FALSE)))
rownames(tab) <- NULL
write.csv(tab, file.path(root, "accuracy.csv"), row.names = FALSE)
pp <- do.call(rbind, per_par); rownames(pp) <- NULL
write.csv(pp, file.path(root, "accuracy_parameters.csv"), row.names = FALSE)
total <- proc.time()[["elapsed"]] - t_script
cat(sprintf("total %.1f s\n", total))

# ---------------------------------------------------------------- report
f <- function(x, d = 2) ifelse(is.na(x), "–", formatC(x, format = "f", digits = d))
fi <- function(x) ifelse(is.na(x), "–", format(round(x), big.mark = ","))
md <- c(
  "# Accuracy against posteriordb reference posteriors",
  "",
  "What is compared: the draws of `gma_sample()` (R package, every method at",
  "its defaults unless a note says otherwise) against 10,000 reference NUTS",
  "draws of five posteriors from posteriordb (described, with their source,",
  "in [posteriordb/README.md](posteriordb/README.md)). Each log density is",
  "written on an unconstrained scale (log for positive parameters, logit for",
  "(0, 1), mu2 = mu1 + exp(delta) for the ordered means, beta1 = (1 - alpha1)",
  "logistic(b) for garch) with its log-Jacobian; draws are mapped back before",
  "comparing. The box where components are placed is MAP +/- 6 sd on the",
  "unconstrained scale: the MAP from `optim()` (BFGS) and the sds from the",
  "inverse of the numerical Hessian at the MAP. All runs use the seed",
  sprintf("%d and `vectorized = TRUE`.", SEED),
  "",
  "Columns: *err* = max over parameters of |mean - reference mean| in",
  "reference sds; *sd ratio* = min and max over parameters of sd / reference",
  "sd; *E* = energy distance between 2000 draws and 2000 reference draws,",
  "each parameter standardised by the reference mean and sd, with *floor* the",
  "energy distance between two disjoint random halves (2000 each) of the",
  "reference (the Monte Carlo noise level); *k-hat*, *ESS* (out of the",
  "importance check's draws, 1000 by default), *evals* (target evaluations)",
  "and *s* (the run time the library reports) are from `fit$diagnostics`.",
  "Verdict: **ok** if err < 0.2 and every sd ratio is in [0.8, 1.25];",
  "otherwise **flagged** if k-hat exceeds `pareto_k_threshold`, ESS is below",
  "10% of the importance draws or a warning was raised, and **MISSED** if the",
  "fit is wrong and the diagnostics did not say so.",
  "",
  "Regenerate (from the top of the checkout; about",
  sprintf("%.0f minutes on a 2-core machine):", total / 60),
  "",
  "    R_LIBS=build/Rlib Rscript docs/posteriordb/accuracy.R",
  "",
  "which also writes `docs/posteriordb/accuracy.csv` and the per-parameter",
  "errors in `docs/posteriordb/accuracy_parameters.csv`.",
  "",
  "| posterior | method | err (sd) | sd ratio min | sd ratio max | E | floor | k-hat | ESS | evals | s | verdict |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|")
for (i in seq_len(nrow(tab))) {
  r <- tab[i, ]
  v <- if (r$verdict == "ERROR") paste0("ERROR: ", gsub("\\|", "/", substr(r$error, 1, 80))) else r$verdict
  if (nzchar(r$note)) v <- paste0(v, " (", r$note, ")")
  md <- c(md, sprintf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
                      r$posterior, r$method, f(r$max_abs_mean_err), f(r$min_sd_ratio),
                      f(r$max_sd_ratio), f(r$energy, 3), f(r$noise_floor, 3),
                      f(r$pareto_k), f(r$ess, 0), fi(r$evaluations), f(r$run_time, 1), v))
}
wr <- tab[nzchar(tab$warnings), c("posterior", "method", "warnings")]
if (nrow(wr) > 0) {
  md <- c(md, "", "Warnings raised by the runs:", "")
  for (i in seq_len(nrow(wr)))
    md <- c(md, sprintf("- %s / %s: %s", wr$posterior[i], wr$method[i],
                        substr(gsub("\n", " ", wr$warnings[i]), 1, 300)))
}
md <- c(md, "", sprintf("Total run time of the script: %.0f s.", total), "")
notes_file <- file.path(root, "accuracy_notes.md")
if (file.exists(notes_file)) md <- c(md, readLines(notes_file))
writeLines(md, "docs/accuracy.md")
