# mortality_forecast.R: a Bayesian Lee-Carter forecast of US life expectancy
# at birth (e0), with the posterior of the mortality index's random walk
# sampled by gma_sample() and checked against the exact posterior.
#
# Data: survival::survexp.us (daily hazards by age 0-109, sex, 1940-2014).
# Run from the top of the checkout:
#   Rscript examples/r/mortality_forecast.R [output_dir]
# Writes <output_dir>/mortality_e0_fan.png (output_dir defaults to ".").
# Exits with an error if a check fails.

t_start <- proc.time()[["elapsed"]]
suppressPackageStartupMessages({
  library(survival)
  library(gma)
})
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else "."
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
# 100+, closed by L = l / m. a_x = 0.5, except 0.1 at age 0.
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
cat(sprintf("  elbo %.3f, run time %.3f s, draws %d (%d distinct)\n\n",
            d$elbo, d$run_time, nrow(draws), nrow(unique(draws))))

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
# Tolerances: |mean difference| <= 0.2 exact sd and sd ratio in [0.8, 1.25].
# Monte Carlo error alone, with n_eff effective draws, is about 1/sqrt(n_eff)
# sd for a mean and 1/sqrt(2 n_eff) for an sd: the tolerance is met by a
# correct sampler down to n_eff ~ 100 (means, at 2 Monte Carlo sds) and
# leaves room for the small bias of a mixture of fixed components. Draws
# spread over the whole box, a mis-centred or a collapsed sample fail it.
compare <- function(v) {
  g <- rbind(theta = draw_summary(v[, 1]), sigma = draw_summary(exp(v[, 2])))
  z <- (g[, "mean"] - exact[, "mean"]) / exact[, "sd"]
  r <- g[, "sd"] / exact[, "sd"]
  list(g = g, z = z, r = r, ok = abs(z) <= 0.2 & r >= 0.8 & r <= 1.25)
}
cmp <- compare(draws)
cat("\n== gma vs exact posterior (quadrature) ==\n")
show(data.frame(gma_mean = cmp$g[, "mean"], exact_mean = exact[, "mean"],
                diff_in_sd = cmp$z, gma_sd = cmp$g[, "sd"],
                exact_sd = exact[, "sd"], sd_ratio = cmp$r,
                row.names = c("theta", "sigma")), 4)
qt <- cbind(cmp$g[, 3:5], exact[, 3:5])
colnames(qt) <- c(paste("gma", c("q05", "q50", "q95")),
                  paste("exact", c("q05", "q50", "q95")))
show(as.data.frame(qt), 4)
# The same check must reject draws spread uniformly over the box.
bad <- compare(cbind(runif(nrow(draws), lower[1], upper[1]),
                     runif(nrow(draws), lower[2], upper[2])))
cat(sprintf("Check of gma draws: %s; of uniform draws over the box: %s\n",
            if (all(cmp$ok)) "pass" else "FAIL",
            if (all(bad$ok)) "pass (check too weak!)" else "fail, as it must"))
if (all(bad$ok)) stop("the check cannot tell a broken sampler")
if (!all(cmp$ok)) stop("gma posterior differs from the exact posterior")

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

## Step 9. Fan chart ---------------------------------------------------------
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
cat("\nWrote", png_file, "\n")
cat(sprintf("Wall time: %.1f s\n", proc.time()[["elapsed"]] - t_start))
