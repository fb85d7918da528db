test_that("print shows the key figures and the table", {
  fit <- tiny_run(log_gauss, seed = 1)
  expect_output(print(fit), "method wgma-md")
  expect_output(print(fit), "2 dimensions, 45 draws, 9 components")
  expect_output(print(fit), "[0-9]+ log-density evaluations")
  expect_output(print(fit), "importance check: Pareto k")
  expect_output(print(fit), "effective")
  expect_output(print(fit), "mean +sd +2.5% +50% +97.5%")
  expect_output(print(fit), "x1")
  out <- capture.output(shown <- withVisible(print(fit)))
  expect_false(shown$visible)
  expect_identical(shown$value, fit)
})

test_that("summary returns the table and diagnostics and prints them", {
  fit <- tiny_run(log_gauss, seed = 1)
  s <- summary(fit)
  expect_s3_class(s, "summary.gma_fit")
  expect_equal(rownames(s$table), c("x1", "x2"))
  expect_equal(names(s$table), c("mean", "sd", "2.5%", "50%", "97.5%"))
  expect_equal(s$table$mean, unname(colMeans(fit$draws)))
  expect_equal(s$diagnostics, fit$diagnostics)
  expect_output(print(s), "Diagnostics:")
  expect_output(print(s), "effective_components")
  expect_output(print(s), "Settings:.*iterations = 10")
})

test_that("one-dimensional fits print too", {
  fit <- gma_sample(function(x) -0.5 * x^2, lower = -4, upper = 4,
                    components = 5, points_per_component = 5,
                    iterations = 5, seed = 1)
  expect_output(print(fit), "1 dimension, 25 draws")
})

test_that("as_draws_matrix converts the draws when posterior is there", {
  skip_if_not_installed("posterior")
  fit <- tiny_run(log_gauss, seed = 1)
  dm <- posterior::as_draws_matrix(fit)
  expect_s3_class(dm, "draws_matrix")
  expect_equal(posterior::variables(dm), c("x1", "x2"))
  expect_equal(posterior::ndraws(dm), 45L)
})
