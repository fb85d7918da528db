# Failures of log_density come back as R errors naming what went wrong.

test_that("an R error in log_density comes back with its message", {
  boom <- function(x) stop("boom")
  expect_error(tiny_run(boom, seed = 1),
               "log_density failed at point \\(.*\\): boom",
               class = "gma_target_error")
  expect_error(tiny_run(boom, seed = 1, vectorized = TRUE),
               "log_density failed on a batch of [0-9]+ points: boom")

  # After the error, R and the package still work.
  expect_s3_class(tiny_run(log_gauss, seed = 1), "gma_fit")
})

test_that("an error after some good points is still caught", {
  n <- 0
  late <- function(x) {
    n <<- n + 1
    if (n > 20) stop("late boom") else -0.5 * sum(x^2)
  }
  expect_error(tiny_run(late, seed = 1), "late boom")
})

test_that("a wrong-length return names what came back", {
  expect_error(tiny_run(function(x) c(1, 2, 3), seed = 1),
               "one number per point: got 3 values for 1 point")
  expect_error(tiny_run(function(x) numeric(0), seed = 1),
               "got 0 values for 1 point")
  expect_error(tiny_run(function(x) 1, seed = 1, vectorized = TRUE),
               "got 1 value for [0-9]+ points")
})

test_that("a return that is not numeric names its type", {
  expect_error(tiny_run(function(x) "a", seed = 1),
               "log_density returned a character vector, not a number")
  expect_error(tiny_run(function(x) NULL, seed = 1),
               "log_density returned NULL")
  expect_error(tiny_run(function(x) TRUE, seed = 1),
               "returned a logical vector")
  expect_error(tiny_run(function(x) list(1), seed = 1),
               "returned a list")
  expect_error(tiny_run(function(x) rep("a", nrow(x)), seed = 1,
                        vectorized = TRUE),
               "returned a character vector, not a numeric vector of length")
})

test_that("a target with no finite value anywhere is a clear error", {
  expect_error(tiny_run(function(x) -Inf, seed = 1),
               "log_density is not finite at any bank point",
               class = "gma_target_error")
  expect_error(tiny_run(function(x) NaN, seed = 1),
               "not finite at any bank point")
})

test_that("NaN and -Inf on part of the space are counted, not fatal", {
  half <- function(x) if (x[1] > 0) -0.5 * sum(x^2) else NaN
  fit <- tiny_run(half, seed = 1)
  expect_gt(fit$diagnostics$invalid, 0)
  expect_equal(fit$diagnostics$invalid, fit$diagnostics$outside)
  expect_true(all(fit$draws[, 1] > 0))

  cut <- function(x) if (x[1] > 0) -0.5 * sum(x^2) else -Inf
  fit <- tiny_run(cut, seed = 1)
  expect_equal(fit$diagnostics$invalid, 0)
  expect_gt(fit$diagnostics$outside, 0)
})

test_that("warnings of log_density are re-issued once, then counted", {
  noisy <- function(x) {
    warning("careful")
    -0.5 * sum(x^2)
  }
  w <- capture_warnings(tiny_run(noisy, seed = 1))
  expect_length(w, 2L)
  expect_equal(w[1], "log_density: careful")
  expect_match(w[2], "^log_density gave [0-9]+ more warnings, repeats")
})

test_that("messages of log_density are relayed after the run", {
  chatty <- function(x) {
    message("hello")
    -0.5 * sum(x^2)
  }
  msgs <- capture_messages(fit <- tiny_run(chatty, seed = 1))
  expect_s3_class(fit, "gma_fit")
  expect_equal(msgs[1], "hello\n")
  expect_match(msgs[2], "gave [0-9]+ more messages")
  expect_silent(suppressMessages(tiny_run(chatty, seed = 1)))
})
