# mortality_forecast.R: a Bayesian Lee-Carter forecast of US life expectancy
# at birth (e0), with the posterior of the mortality index's random walk
# sampled by gma_sample() and checked against the exact posterior.
#
# Data: survival::survexp.us (daily hazards by age 0-109, sex, 1940-2014).
# Run from the top of the checkout:
#   Rscript examples/r/mortality_forecast.R [output_dir]
# Writes <output_dir>/mortality_e0_fan.png (output_dir defaults to
# tempdir()).
# Exits with an error if a check fails.

t_start <- proc.time()[["elapsed"]]
suppressPackageStartupMessages({
  library(survival)
  library(gma)
})
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else tempdir()
note_dir <- if (length(args) >= 1) "" else
  " (a temporary directory: give output_dir to keep the file)"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
set.seed(20240601)
seed_gma <- 1940

# Print a data frame of numbers rounded to `digits`.
show <- function(x, digits = 3) print(format(x, digits = digits, nsmall = 2))

## Step 1. Annual death rates m(x, t): daily hazards times 365.25 ----------
rates <- survexp.us * 365.25            # age x sex x year
years_all <- as.integer(dimnames(rates)$year)
n_all <- length(years_all)

## Step 2. Which years are observed? ----------------------------------------
# Between observed tables the years were filled in by interpolation. If it is
# linear in the rates, an interpolated year equals the mean of its two
# neighbours exactly (second difference in time = 0). Measure, for every
# inner year, the largest relative second difference over ages and sexes,
# on the rate scale and on the log scale.
second_diff <- function(x) {
  inner <- 2:(n_all - 1)
  sapply(inner, function(j) {
    mid <- (x[, , j - 1] + x[, , j + 1]) / 2
    max(abs(x[, , j] - mid) / abs(x[, , j]))
  })
}
dev_rate <- second_diff(rates)
dev_log <- second_diff(log(rates))
inner_years <- years_all[2:(n_all - 1)]
interp <- dev_rate < 1e-10               # exact to rounding: interpolated
# The two end years cannot be tested; take them as observed.
obs_years <- c(years_all[1], inner_years[!interp], years_all[n_all])
cat("== Which years of survexp.us are observed ==\n")
cat("Largest relative 2nd difference in time, interpolated years:\n")
cat(sprintf("  rates %.1e, log rates %.1e (so linear in the rates)\n",
            max(dev_rate[interp]), max(dev_log[interp])))
cat(sprintf("Smallest one in the other inner years: rates %.1e\n",
            min(dev_rate[!interp])))
cat("Observed years (", length(obs_years), "):\n", sep = "")
cat(strwrap(paste(obs_years, collapse = " "), 76, prefix = "  "), sep = "\n")
cat("All others are linear interpolations and are not used.\n\n")
expected <- c(seq(1940, 1990, by = 10), 2000:2014)
if (!identical(as.numeric(obs_years), as.numeric(expected)))
  stop("observed years differ from the decennial + annual pattern")

## Step 3. Lee-Carter fit by SVD ---------------------------------------------
# Both sexes combined: the plain average of the male and female rates (the
# table has no population counts to weight by). Ages 0-100, observed years.
ages <- 0:100
yr <- as.character(obs_years)
m_obs <- (rates[ages + 1, "male", yr] + rates[ages + 1, "female", yr]) / 2
log_m <- log(m_obs)
a_x <- rowMeans(log_m)
sv <- svd(log_m - a_x)
b_x <- sv$u[, 1] / sum(sv$u[, 1])               # sum b_x = 1
k_t <- sv$d[1] * sv$v[, 1] * sum(sv$u[, 1])     # sum k_t = 0 (centred rows)
names(k_t) <- yr
cat("== Lee-Carter, both sexes averaged, ages 0-100 ==\n")
cat(sprintf("Share of variance explained by the 1st singular value: %.4f\n",
            sv$d[1]^2 / sum(sv$d^2)))
cat(sprintf("sum b_x = %.3f, sum k_t = %.1e, k_t from %.1f (%d) to %.1f (%d)",
            sum(b_x), sum(k_t), k_t[1], obs_years[1], k_t[length(k_t)],
            obs_years[length(k_t)]), "\n\n")

## Step 4. Life expectancy at birth from a life table -----------------------
# Rows of M are life tables, columns ages 0..100; the last is the open group
# 100+, closed by L = l / m. The fraction of the year lived by those who die
# is 0.5, except 0.1 at age 0.
life_e0 <- function(M, a0 = 0.1) {
  M <- matrix(M, ncol = length(ages))
  ax <- c(a0, rep(0.5, ncol(M) - 2))
  l <- rep(1, nrow(M))
  e0 <- 0
  for (x in seq_len(ncol(M) - 1)) {
    q <- M[, x] / (1 + (1 - ax[x]) * M[, x])
    d <- l * q
    e0 <- e0 + l - (1 - ax[x]) * d        # person-years L_x
    l <- l - d
  }
  e0 + l / M[, ncol(M)]
}
e0_obs <- apply(m_obs, 2, life_e0)
e0_fit <- sapply(k_t, function(k) life_e0(exp(a_x + b_x * k)))
last <- length(obs_years)
cat(sprintf("e0 in %d: %.2f from the data, %.2f from the Lee-Carter fit\n\n",
            obs_years[last], e0_obs[last], e0_fit[last]))
if (abs(e0_obs[last] - e0_fit[last]) > 1 || e0_obs[last] < 76 ||
    e0_obs[last] > 81) stop("sanity check of e0 failed")

## Step 5. Random walk with drift for k_t, seen only at the observed years --
# Increment over D years: y = k(t + D) - k(t) ~ N(theta D, sigma^2 D).
# Priors (proper, weak on the scale of k, which moves ~1.5 a year):
#   theta ~ N(0, 10^2),  log(sigma) ~ N(0, 2^2).
# Sampled parameters: z = (theta, log sigma).
y <- diff(k_t)
D <- diff(obs_years)
n_inc <- length(y)
S_D <- sum(D); S_y <- sum(y); S_yy <- sum(y^2 / D)   # sufficient statistics
log_post <- function(theta, log_sigma) {
  rss <- S_yy - 2 * theta * S_y + theta^2 * S_D      # sum (y-theta D)^2 / D
  -n_inc * log_sigma - rss / (2 * exp(2 * log_sigma)) +
    dnorm(theta, 0, 10, log = TRUE) + dnorm(log_sigma, 0, 2, log = TRUE)
}
log_density <- function(z) log_post(z[, 1], z[, 2])  # one point per row

# Box: weighted least squares estimates +- 8 standard errors.
theta_hat <- S_y / S_D
sigma_hat <- sqrt((S_yy - S_y^2 / S_D) / (n_inc - 1))
se_theta <- sigma_hat / sqrt(S_D)
se_logsig <- 1 / sqrt(2 * (n_inc - 1))
half <- 8
lower <- c(theta = theta_hat - half * se_theta,
           log_sigma = log(sigma_hat) - half * se_logsig)
upper <- c(theta = theta_hat + half * se_theta,
           log_sigma = log(sigma_hat) + half * se_logsig)
cat("== Random walk with drift: posterior of (theta, log sigma) ==\n")
cat(sprintf("%d increments (%d over 10 years, %d over 1 year)\n", n_inc,
            sum(D == 10), sum(D == 1)))
cat(sprintf("Least squares: theta %.3f (se %.3f), sigma %.3f\n", theta_hat,
            se_theta, sigma_hat))
cat("Priors: theta ~ N(0, 10^2), log sigma ~ N(0, 2^2)\n")
cat(sprintf("Box (LS +- %d se): theta [%.3f, %.3f], log sigma [%.3f, %.3f]\n",
            half, lower[1], upper[1], lower[2], upper[2]))

fit <- gma_sample(log_density, lower = lower, upper = upper,
                  vectorized = TRUE, seed = seed_gma)
draws <- fit$draws
stopifnot(ncol(draws) == 2, all(is.finite(draws)))
d <- fit$diagnostics
cat("gma_sample diagnostics (defaults, box only):\n")
cat(sprintf("  components %d, evaluations %d, effective components %.1f\n",
            d$components, d$evaluations, d$effective_components))
cat(sprintf("  elbo %.3f, run time %.3f s, draws %d (%d distinct)\n",
            d$elbo, d$run_time, nrow(draws), nrow(unique(draws))))
# Importance-sampling diagnostics, in package versions that report them.
psis_line <- function(d) if (!is.null(d$pareto_k))
  cat(sprintf("  Pareto k %.2f (threshold %.2f), IS ess %.0f, log Z %.3f\n",
              d$pareto_k, d$pareto_k_threshold, d$ess, d$log_evidence))
psis_line(d)
cat("\n")

## Step 6. The exact posterior by quadrature on a 400 x 400 grid -----------
# Given the increments the model is a normal regression with known weights
# 1/D; the grid covers the same box with the same priors.
ng <- 400
g_theta <- lower[1] + (seq_len(ng) - 0.5) * (upper[1] - lower[1]) / ng
g_lsig <- lower[2] + (seq_len(ng) - 0.5) * (upper[2] - lower[2]) / ng
lp <- outer(g_theta, g_lsig, log_post)
p <- exp(lp - max(lp))
p <- p / sum(p)
edge <- max(p[c(1, ng), ], p[, c(1, ng)]) / max(p)
cat(sprintf("Exact posterior: largest density on the box edge / mode: %.1e\n",
            edge))
log_z <- max(lp) + log(sum(exp(lp - max(lp))) * prod((upper - lower) / ng))
cat(sprintf("Exact log Z (same unnormalised density): %.3f\n", log_z))
if (edge > 1e-6) stop("the box cuts off posterior mass")

# Summaries of a marginal on a grid: mean, sd and quantiles (by
# interpolating the cumulative distribution between cell edges).
probs <- c(0.05, 0.5, 0.95)
grid_summary <- function(x, w, f = identity) {
  h <- x[2] - x[1]
  q <- approx(c(0, cumsum(w)), c(x - h / 2, x[length(x)] + h / 2),
              xout = probs, ties = "ordered")$y
  mu <- sum(f(x) * w)
  c(mean = mu, sd = sqrt(sum((f(x) - mu)^2 * w)), f(q))
}
draw_summary <- function(v) c(mean = mean(v), sd = sd(v), quantile(v, probs))
exact <- rbind(theta = grid_summary(g_theta, rowSums(p)),
               sigma = grid_summary(g_lsig, colSums(p), exp))

## Step 7. Compare gma with the exact posterior -----------------------------
# Tolerances: |mean difference| <= 0.2 exact sd, sd ratio in [0.9, 1.11].
# The resampled draws repeat bank points (about 600 distinct of 6750), so
# the Monte Carlo error is that of a few hundred independent draws: over
# gma seeds 1-40 the mean differences had sd 0.04 exact sd (all within
# 0.1) and the sd ratios sd 0.02 (all in 0.95-1.07). The tolerances are
# about 5 of those sds: a correct sampler passes at any seed, while draws
# spread over the box, mis-centred by 0.2 sd or 10% too wide or narrow
# fail.
check <- function(g, ex, tol_z = 0.2, tol_r = c(0.9, 1.11)) {
  z <- (g[, "mean"] - ex[, "mean"]) / ex[, "sd"]
  r <- g[, "sd"] / ex[, "sd"]
  list(z = z, r = r, ok = abs(z) <= tol_z & r >= tol_r[1] & r <= tol_r[2])
}
report <- function(g, ex, ck) {
  show(data.frame(gma_mean = g[, "mean"], exact_mean = ex[, "mean"],
                  diff_in_sd = ck$z, gma_sd = g[, "sd"], exact_sd = ex[, "sd"],
                  sd_ratio = ck$r, row.names = rownames(ex)), 4)
  qt <- cbind(g[, 3:5], ex[, 3:5])
  colnames(qt) <- c(paste("gma", c("q05", "q50", "q95")),
                    paste("exact", c("q05", "q50", "q95")))
  show(as.data.frame(qt), 4)
}
summ2 <- function(v) rbind(theta = draw_summary(v[, 1]),
                           sigma = draw_summary(exp(v[, 2])))
g_norm <- summ2(draws)
ck <- check(g_norm, exact)
cat("\n== gma vs exact posterior (quadrature) ==\n")
report(g_norm, exact, ck)
# The same check must reject draws spread uniformly over the box.
bad <- check(summ2(cbind(runif(nrow(draws), lower[1], upper[1]),
                         runif(nrow(draws), lower[2], upper[2]))), exact)
cat(sprintf("Check of gma draws: %s; of uniform draws over the box: %s\n",
            if (all(ck$ok)) "pass" else "FAIL",
            if (all(bad$ok)) "pass (check too weak!)" else "fail, as it must"))
if (all(bad$ok)) stop("the check cannot tell a broken sampler")
if (!all(ck$ok)) stop("gma posterior differs from the exact posterior")

## Step 8. Forecast k_t and e0, 2015-2050 -----------------------------------
# One path per posterior draw: parameter and innovation uncertainty.
h_years <- (obs_years[last] + 1):2050
H <- length(h_years)
theta <- draws[, 1]
sigma <- exp(draws[, 2])
n_path <- length(theta)
eps <- matrix(rnorm(n_path * H), n_path, H) * sigma
k_path <- k_t[last] + outer(theta, seq_len(H)) + t(apply(eps, 1, cumsum))
e0_path <- sapply(seq_len(H), function(h)
  life_e0(exp(outer(k_path[, h], b_x) + rep(a_x, each = n_path))))
colnames(e0_path) <- h_years
band <- apply(e0_path, 2, quantile, c(0.05, 0.25, 0.5, 0.75, 0.95))
cat("\n== Forecast of e0 (both sexes), from", n_path, "paths ==\n")
sel <- as.character(c(2020, 2030, 2040, 2050))
show(data.frame(median = band[3, sel], lo50 = band[2, sel],
                hi50 = band[4, sel], lo90 = band[1, sel],
                hi90 = band[5, sel], row.names = sel), 4)

## Step 9. Student-t increments with unknown degrees of freedom ----------
# y = theta D + sigma sqrt(D) e with e ~ t(nu): heavier tails for the large
# decade steps. Same priors, plus nu ~ Gamma(2, rate 0.1) (mean 20),
# sampled as log nu (with its Jacobian). Box: as before, with log nu in
# [log 0.2, log 200] (prior mass outside: ~2e-4).
log_t <- function(r, nu)              # log density of t(nu), vectorised
  lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(nu * pi) -
    (nu + 1) / 2 * log1p(r^2 / nu)
log_post_t <- function(z) {
  nu <- exp(z[, 3])
  r <- (matrix(y, nrow(z), n_inc, byrow = TRUE) - outer(z[, 1], D)) /
    outer(exp(z[, 2]), sqrt(D))
  rowSums(log_t(r, nu)) - n_inc * z[, 2] + dnorm(z[, 1], 0, 10, log = TRUE) +
    dnorm(z[, 2], 0, 2, log = TRUE) + dgamma(nu, 2, 0.1, log = TRUE) + z[, 3]
}
lower_t <- c(lower, log_nu = log(0.2))
upper_t <- c(upper, log_nu = log(200))

# Exact posterior on a 64^3 grid over the box.
ng3 <- 64
grid3 <- lapply(1:3, function(j)
  lower_t[j] + (seq_len(ng3) - 0.5) * (upper_t[j] - lower_t[j]) / ng3)
lp3 <- array(log_post_t(as.matrix(expand.grid(grid3))), rep(ng3, 3))
p3 <- exp(lp3 - max(lp3))
log_z_t <- max(lp3) + log(sum(p3) * prod((upper_t - lower_t) / ng3))
p3 <- p3 / sum(p3)
marg <- lapply(1:3, function(j) apply(p3, j, sum))
exact_t <- rbind(theta = grid_summary(grid3[[1]], marg[[1]]),
                 sigma = grid_summary(grid3[[2]], marg[[2]], exp),
                 nu = grid_summary(grid3[[3]], marg[[3]], exp))

# gma: the defaults (120 components, placed at the mode in 3-D) are shown
# and pass the check (mean differences within 0.03 sd, sd ratios
# 0.94-1.03 at this seed); the checked run has 1000 components of 10
# points (at this seed mean differences within 0.03 sd, sd ratios
# 0.98-1.03). Its tolerances, 0.25 sd and sd ratios in 0.8-1.25, are wider
# than Step 7's: nu's posterior is skewed and heavy-tailed.
summ3 <- function(v) rbind(summ2(v), nu = draw_summary(exp(v[, 3])))
fit_t0 <- gma_sample(log_post_t, lower = lower_t, upper = upper_t,
                     vectorized = TRUE, seed = seed_gma)
ck0 <- check(summ3(fit_t0$draws), exact_t)
fit_t <- gma_sample(log_post_t, lower = lower_t, upper = upper_t,
                    components = 1000, points_per_component = 10,
                    vectorized = TRUE, seed = seed_gma)
g_t <- summ3(fit_t$draws)
ck_t <- check(g_t, exact_t, tol_z = 0.25, tol_r = c(0.8, 1.25))
cat("\n== Student-t increments: posterior of (theta, sigma, nu) ==\n")
cat(sprintf("Defaults (%d components), shown: check %s\n",
            fit_t0$diagnostics$components,
            if (all(ck0$ok)) "pass" else "FAIL"))
cat(sprintf("  mean differences %s sd, sd ratios %s\n",
            paste(sprintf("%.2f", ck0$z), collapse = " "),
            paste(sprintf("%.2f", ck0$r), collapse = " ")))
d <- fit_t$diagnostics
cat(sprintf("Checked run: components %d, evaluations %d, effective %.1f\n",
            d$components, d$evaluations, d$effective_components))
cat(sprintf("  elbo %.3f, run time %.2f s, draws %d (%d distinct)\n",
            d$elbo, d$run_time, nrow(fit_t$draws),
            nrow(unique(fit_t$draws))))
psis_line(d)
cat(sprintf("  exact log Z (64^3 grid): %.3f\n", log_z_t))
report(g_t, exact_t, ck_t)
cat(sprintf("Check (0.25 sd, sd ratio 0.8-1.25): %s\n",
            if (all(ck_t$ok)) "pass" else "FAIL"))
if (!all(ck_t$ok)) stop("gma t-model posterior differs from the exact one")

# Forecast with t innovations, side by side with the normal model.
th_t <- fit_t$draws[, 1]
sg_t <- exp(fit_t$draws[, 2])
nu_t <- exp(fit_t$draws[, 3])
n_t <- length(th_t)
eps_t <- matrix(rt(n_t * H, df = rep(nu_t, H)), n_t, H) * sg_t
k_t_path <- k_t[last] + outer(th_t, seq_len(H)) + t(apply(eps_t, 1, cumsum))
band_t <- sapply(match(sel, h_years), function(h)
  quantile(life_e0(exp(outer(k_t_path[, h], b_x) + rep(a_x, each = n_t))),
           c(0.05, 0.5, 0.95)))
colnames(band_t) <- sel
cat("e0 forecast, normal vs Student-t increments (median [90% interval]):\n")
for (yy in sel)
  cat(sprintf("  %s  normal %.2f [%.2f, %.2f]   t %.2f [%.2f, %.2f]\n", yy,
              band[3, yy], band[1, yy], band[5, yy], band_t[2, yy],
              band_t[1, yy], band_t[3, yy]))

## Step 10. Fan chart ---------------------------------------------------------
png_file <- file.path(out_dir, "mortality_e0_fan.png")
png(png_file, width = 900, height = 600, res = 110)
x_f <- c(obs_years[last], h_years)
b_f <- cbind(e0_fit[last], band)
plot(obs_years, e0_obs, xlim = c(1940, 2050), ylim = range(e0_obs, band),
     pch = 19, cex = 0.7, xlab = "Year", ylab = "Life expectancy at birth",
     main = "United States, both sexes: Lee-Carter forecast of e0")
polygon(c(x_f, rev(x_f)), c(b_f[1, ], rev(b_f[5, ])), col = "grey85",
        border = NA)
polygon(c(x_f, rev(x_f)), c(b_f[2, ], rev(b_f[4, ])), col = "grey65",
        border = NA)
lines(x_f, b_f[3, ], lwd = 2)
lines(obs_years, e0_obs)
points(obs_years, e0_obs, pch = 19, cex = 0.7)
lines(obs_years, e0_fit, lty = 2, col = "blue")
legend("topleft", bty = "n",
       legend = c("observed (census years, then annual)", "Lee-Carter fit",
                  "forecast median", "50% band", "90% band"),
       pch = c(19, NA, NA, 15, 15), lty = c(1, 2, 1, NA, NA),
       lwd = c(1, 1, 2, NA, NA), col = c("black", "blue", "black",
                                         "grey65", "grey85"), pt.cex = 1.5)
invisible(dev.off())
cat("\nWrote ", png_file, note_dir, "\n", sep = "")
cat(sprintf("Wall time: %.1f s\n", proc.time()[["elapsed"]] - t_start))
