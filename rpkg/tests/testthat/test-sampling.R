test_that("draws of a Gaussian have the right means and sds", {
  fit <- small_run(log_gauss, seed = 11)
  d <- fit$draws
  expect_equal(dim(d), c(4500L, 2L))
  expect_equal(colnames(d), c("x1", "x2"))

  # The draws are a weighted resample of the bank, so repeated bank
  # points carry no new information: take the number of distinct draws
  # as a conservative effective sample size and require at least 150.
  n_eff <- 150
  expect_gt(nrow(unique(d)), n_eff)

  # Tolerances: 5 Monte Carlo standard errors at n_eff draws, for the
  # mean sd / sqrt(n_eff) and for the sd sd / sqrt(2 n_eff). A correct
  # sampler fails this with probability below 1e-6 (and the run is
  # deterministic for a fixed seed); the budget also covers the small
  # bias of a 15 x 15 mixture (about 0.05 in x1 over 20 seeds).
  tol_mean <- 5 * gauss_sd / sqrt(n_eff)
  tol_sd <- 5 * gauss_sd / sqrt(2 * n_eff)
  expect_true(all(abs(colMeans(d) - gauss_mu) < tol_mean))
  expect_true(all(abs(apply(d, 2, sd) - gauss_sd) < tol_sd))
})

test_that("the fit holds the mixture, diagnostics and settings", {
  fit <- small_run(log_gauss, seed = 2, n_draws = 500)
  expect_s3_class(fit, "gma_fit")
  expect_equal(nrow(fit$draws), 500L)

  # The mixture: weights on the simplex, means and covariances.
  w <- fit$mixture$weights
  expect_length(w, 225L)
  expect_equal(sum(w), 1, tolerance = 1e-8)
  expect_true(all(w >= 0))
  expect_equal(dim(fit$mixture$means), c(225L, 2L))
  expect_equal(dim(fit$mixture$covariances), c(2L, 2L, 225L))

  # The diagnostics and the settings reported by the library.
  diag_names <- c("draws", "components", "evaluations", "invalid",
                  "outside", "weight_entropy", "effective_components",
                  "elbo", "run_time")
  expect_equal(names(fit$diagnostics)[1:9], diag_names)
  expect_true(all(c("pareto_k", "pareto_k_threshold", "ess",
                    "log_evidence") %in% names(fit$diagnostics)))
  expect_equal(fit$diagnostics$evaluations,
               225 * 20 + fit$settings$importance_draws)
  expect_equal(fit$diagnostics$invalid, 0)
  expect_equal(fit$settings$components, 225)
  expect_equal(fit$settings$points_per_component, 20)
  expect_equal(fit$settings$iterations, 200)
  expect_equal(fit$settings$draws, 500)
  expect_equal(fit$settings$seed, 2)
  expect_equal(fit$method, "wgma-md")

  # The ELBO is a lower bound on log Z = log(2 pi 0.5 1.5); its estimate
  # on the bank the weights were fitted to may exceed it a little. The
  # importance estimate of log Z is unbiased on the log scale up to
  # O(1/n): within 5 of its standard errors, plus 0.01.
  log_z <- log(2 * pi * 0.75)
  expect_lt(fit$diagnostics$elbo, log_z + 0.1)
  expect_lt(abs(fit$diagnostics$log_evidence - log_z),
            5 * fit$diagnostics$log_evidence_se + 0.01)
})

test_that("vectorized = TRUE gives the same draws as one point at a time", {
  a <- small_run(log_gauss, seed = 5)
  b <- small_run(log_gauss_rows, seed = 5, vectorized = TRUE)
  expect_identical(a$draws, b$draws)
  expect_identical(a$mixture$weights, b$mixture$weights)
})

test_that("set.seed() reproduces a run and other seeds change it", {
  set.seed(1)
  a <- tiny_run(log_gauss)
  set.seed(1)
  b <- tiny_run(log_gauss)
  set.seed(2)
  c <- tiny_run(log_gauss)
  expect_identical(a$draws, b$draws)
  expect_false(identical(a$draws, c$draws))

  # An explicit seed does the same, whatever R's RNG state.
  d <- tiny_run(log_gauss, seed = 7)
  e <- tiny_run(log_gauss, seed = 7)
  f <- tiny_run(log_gauss, seed = 8)
  expect_identical(d$draws, e$draws)
  expect_false(identical(d$draws, f$draws))
})

test_that("names(lower) and colnames(means) name the columns", {
  fit <- quiet_khat(gma_sample(function(x) -0.5 * sum(x^2),
                               lower = c(mu = -4, tau = -4),
                               upper = c(4, 4), components = 9,
                               points_per_component = 5, iterations = 10,
                               seed = 1))
  expect_equal(colnames(fit$draws), c("mu", "tau"))
  expect_equal(colnames(fit$mixture$means), c("mu", "tau"))

  # log_density sees the names too.
  seen <- NULL
  quiet_khat(gma_sample(function(x) {
    seen <<- names(x)
    -0.5 * sum(x^2)
  }, means = matrix(c(0, 1, 0, 1), 2, dimnames = list(NULL, c("a", "b"))),
  points_per_component = 5, iterations = 5, seed = 1))
  expect_equal(seen, c("a", "b"))
})

test_that("means place the components; a vector holds 1-D means", {
  m <- rbind(c(-1, -1), c(1, 1), c(0, 2))
  fit <- quiet_khat(gma_sample(function(x) -0.5 * sum(x^2), means = m,
                               points_per_component = 10, iterations = 20,
                               seed = 3))
  expect_equal(fit$diagnostics$components, 3)
  expect_equal(dim(fit$draws), c(30L, 2L))

  # A vector: one component per element in one dimension, with an
  # extra argument passed through ... to log_density.
  log_gamma <- function(x, shape) if (x <= 0) -Inf else
    (shape - 1) * log(x) - x
  fit1 <- gma_sample(log_gamma, means = c(1, 3, 5, 7, 9), shape = 3,
                     points_per_component = 50, seed = 1)
  expect_equal(ncol(fit1$draws), 1L)
  expect_equal(fit1$diagnostics$components, 5)
  expect_true(all(fit1$draws > 0))
  expect_gt(fit1$diagnostics$outside, 0)
})

test_that("every method, schedule and resampling option runs", {
  for (method in c("wgma-md", "wgma-pgd")) {
    for (schedule in c("auto", "inverse", "inverse-sqrt", "backtracking")) {
      for (resampling in c("stratified", "systematic")) {
        fit <- tiny_run(log_gauss, method = method, schedule = schedule,
                        resampling = resampling, step_size = 0.5,
                        cov_scale = 2, seed = 1)
        expect_equal(fit$method, method)
        # "auto" resolves to eta0 / k over a box.
        expect_equal(fit$settings$schedule,
                     if (schedule == "auto") "inverse" else schedule)
        expect_equal(fit$settings$placement, "box")
        expect_equal(fit$settings$resampling, resampling)
        expect_equal(fit$settings$step_size, 0.5)
        expect_equal(fit$settings$cov_scale, 2)
      }
    }
  }
})

test_that("every method runs and finds the Gaussian", {
  # Small settings per method; the draws' means must be within 5
  # standard errors of the truth at 100 effective draws (0.25 and 0.75),
  # a loose check that each method finds the right region. wgma-pgd gets
  # its default 500 iterations: with 10 to 200 its fit strays far from
  # the target (libgma 0.1.0). wgma-stable is only run.
  settings <- list(
    "wgma-md" = list(), "wgma-pgd" = list(iterations = 500),
    "wgma-refine" = list(),
    "lma" = list(control = list(starts = 4)),
    "lma-wgma" = list(control = list(starts = 4)),
    "em" = list(iterations = 10, control = list(bank_size = 500)))
  for (m in names(settings)) {
    args <- c(list(log_gauss_rows, lower = c(-8, -8), upper = c(8, 8),
                   method = m, vectorized = TRUE, seed = 4,
                   components = if (m == "em") 4 else 225,
                   points_per_component = 20, n_draws = 1000),
              settings[[m]])
    if (is.null(args$iterations)) args$iterations <- 100
    fit <- quiet_khat(do.call(gma_sample, args))
    expect_equal(fit$method, m)
    expect_equal(dim(fit$draws), c(1000L, 2L))
    expect_true(all(abs(colMeans(fit$draws) - gauss_mu) <
                      5 * gauss_sd / sqrt(100)), label = m)
  }
  fit <- quiet_khat(small_run(log_gauss, method = "wgma-stable", seed = 1,
                              n_draws = 100))
  expect_equal(fit$method, "wgma-stable")
})

test_that("every output option gives draws of the requested number", {
  for (output in c("auto", "bank", "mixture", "importance")) {
    fit <- tiny_run(log_gauss, output = output, n_draws = 50, seed = 1)
    expect_equal(fit$settings$output, output)
    expect_equal(nrow(fit$draws), 50L)
  }
})

test_that("control settings reach the library and are reported", {
  fit <- tiny_run(log_gauss, control = list(importance_draws = 0),
                  seed = 1)
  expect_equal(fit$settings$importance_draws, 0)
  expect_equal(fit$diagnostics$evaluations, 9 * 5)
  expect_null(fit$diagnostics$pareto_k)

  fit <- quiet_khat(tiny_run(log_gauss, method = "lma", seed = 1,
                             control = list(starts = 3, kappa = 0.5)))
  expect_equal(fit$settings$starts, 3)
  expect_equal(fit$settings$kappa, 0.5)
})

test_that("verbose = TRUE reports the stages with message()", {
  msgs <- capture_messages(tiny_run(log_gauss, seed = 1, verbose = TRUE))
  expect_true(any(grepl("^gma: stage: fitting the mixture", msgs)))
  expect_true(any(grepl("^gma: stage: drawing the output", msgs)))
  expect_silent(tiny_run(log_gauss, seed = 1))
})

test_that("gma_version() reports the bundled library's version", {
  expect_match(gma_version(), "^[0-9]+\\.[0-9]+\\.[0-9]+$")
})
