# The importance check, gma_psis() and the k-hat warning.

# A 2-D Student-t-ish target (t with 3 degrees of freedom per axis): a few
# components on a box cannot match its tails, so k-hat is in (0, 1).
log_t3_rows <- function(x) -2 * (log1p(x[, 1]^2 / 3) + log1p(x[, 2]^2 / 3))

# Normalised weights from log weights.
norm_w <- function(lw) {
  w <- exp(lw - max(lw))
  w / sum(w)
}

test_that("the run's k-hat agrees with loo::psis on its log ratios", {
  skip_if_not_installed("loo")
  fit <- gma_sample(log_t3_rows, lower = c(-4, -4), upper = c(4, 4),
                    components = 9, points_per_component = 20,
                    iterations = 100, vectorized = TRUE, seed = 3)
  r <- fit$importance$log_ratios
  expect_length(r, fit$settings$importance_draws)
  k <- fit$diagnostics$pareto_k
  expect_gt(k, 0)
  expect_lt(k, 1)
  # Tolerance: libgma and loo implement the same estimator (Zhang and
  # Stephens' generalized Pareto fit with the weakly informative prior on
  # the same tail of ceiling(min(0.2 S, 3 sqrt(S))) ratios); they differ
  # only by floating-point rounding, far below 1e-8.
  ps <- suppressWarnings(loo::psis(r, r_eff = 1))
  expect_equal(k, unname(loo::pareto_k_values(ps)), tolerance = 1e-8)
})

test_that("gma_psis gives loo's k-hat and normalised weights", {
  skip_if_not_installed("loo")
  set.seed(10)
  gpd <- function(n, k) log((runif(n)^(-k) - 1) / k)
  sets <- list(gpd(1000, 0.3), gpd(4000, 0.6), gpd(1000, 0.9),
               rnorm(4000, sd = 1), rnorm(1000, sd = 2))
  for (r in sets) {
    s <- gma_psis(r)
    ps <- suppressWarnings(loo::psis(r, r_eff = 1))
    # Same estimator, so only rounding differs: 1e-8 for k-hat (a fitted
    # shape) and 1e-10 for the weights (sums of exponentials).
    expect_equal(s$pareto_k, unname(loo::pareto_k_values(ps)),
                 tolerance = 1e-8)
    expect_equal(norm_w(s$log_weights),
                 as.vector(weights(ps, log = FALSE, normalize = TRUE)),
                 tolerance = 1e-10)
  }
})

test_that("gma_psis refuses NaN, +Inf and short or non-numeric input", {
  expect_error(gma_psis(c(1, NaN, 2)), "log_ratios\\[2\\] is NaN")
  expect_error(gma_psis(c(1, 2, Inf)), "log_ratios\\[3\\] is Inf")
  expect_error(gma_psis(1), "log_ratios must be a numeric vector")
  expect_error(gma_psis("a"), "log_ratios must be a numeric vector")
  s <- gma_psis(c(-Inf, rnorm(99)))
  expect_length(s$log_weights, 100L)
  expect_equal(s$log_weights[1], -Inf)
})

test_that("a run without the check has no importance element", {
  fit <- tiny_run(log_gauss, control = list(importance_draws = 0),
                  seed = 1)
  expect_null(fit$importance)
  expect_null(fit$diagnostics$pareto_k)
})

test_that("a high k-hat is printed and warned about, a good fit is not", {
  # A 1-D Cauchy fitted by 5 components on [-2, 2]: the mixture's tails
  # are far too light (k-hat about 3). (With method "lma" on [-10, 10]
  # the Cauchy gives k-hat about 0.5 at 1000 importance draws: the
  # Laplace component's tails are too light, but not visibly so.)
  log_cauchy <- function(x) -log1p(x^2)
  expect_warning(
    fit <- gma_sample(log_cauchy, lower = -2, upper = 2, components = 5,
                      seed = 1),
    "Pareto k-hat .* is above")
  expect_gt(fit$diagnostics$pareto_k, fit$diagnostics$pareto_k_threshold)
  expect_output(print(fit), "Warning: Pareto k-hat .* is above")
  expect_output(print(summary(fit)), "Warning: Pareto k-hat")

  expect_no_warning(good <- small_run(log_gauss, seed = 11))
  expect_lt(good$diagnostics$pareto_k, good$diagnostics$pareto_k_threshold)
  out <- capture.output(print(good))
  expect_false(any(grepl("Warning", out)))
  expect_true(any(grepl("log evidence .* \\+/- ", out)))
})

test_that("a k-hat of -Inf prints as bounded ratios and is not warned", {
  d <- list(pareto_k = -Inf, pareto_k_threshold = 0.7)
  expect_null(khat_warning(d))
  expect_equal(format_khat(-Inf), "-Inf (ratios bounded)")
  expect_match(khat_warning(list(pareto_k = NaN, pareto_k_threshold = 0.7)),
               "k-hat NaN is above 0.7")
  expect_match(khat_warning(list(pareto_k = 0.93, pareto_k_threshold = 0.7)),
               "k-hat 0.93 is above 0.7: the mixture misses part")
})
