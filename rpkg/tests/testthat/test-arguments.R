# Every bad argument stops before the run, naming the argument.

ld <- function(x) -0.5 * sum(x^2)
lo <- c(-5, -5)
hi <- c(5, 5)

test_that("log_density must be a function", {
  expect_error(gma_sample(1, lo, hi), "log_density must be a function")
  expect_error(gma_sample("ld", lo, hi), "log_density .*\"ld\"")
})

test_that("a bad box is refused, naming lower or upper", {
  expect_error(gma_sample(ld, c(1, 1), c(0, 2)),
               "lower must be < upper .*lower\\[1\\] = 1")
  expect_error(gma_sample(ld, c(1, 1), c(2, 1)), "lower\\[2\\] = 1")
  expect_error(gma_sample(ld, c(1, 1), c(2, 2, 2)),
               "lower and upper must have the same length, not 2 and 3")
  expect_error(gma_sample(ld, c(1, -Inf), c(2, 2)),
               "lower must be finite.*lower\\[2\\] is -Inf")
  expect_error(gma_sample(ld, c(1, 1), c(2, NA)), "upper must be finite")
  expect_error(gma_sample(ld, c("a", "b"), hi), "lower must be a numeric")
  expect_error(gma_sample(ld, numeric(0), numeric(0)),
               "lower must be a numeric")
  expect_error(gma_sample(ld, lower = lo), "upper is missing")
  expect_error(gma_sample(ld, upper = hi), "lower is missing")
})

test_that("exactly one of a box and means is needed", {
  expect_error(gma_sample(ld),
               "exactly one of lower and upper .* means, start or prior")
  expect_error(gma_sample(ld, lo, hi, means = matrix(0, 1, 2)),
               "not lower and upper \\(a box\\) and means")
})

test_that("bad means are refused", {
  expect_error(gma_sample(ld, means = "a"), "means must be a numeric")
  expect_error(gma_sample(ld, means = matrix(c(0, NA), 1)),
               "means must be finite")
  expect_error(gma_sample(ld, means = array(0, c(1, 2, 2))),
               "means must be a matrix")
  expect_error(gma_sample(ld, means = matrix(0, 3, 2), components = 4),
               "components must equal nrow\\(means\\) = 3 .*not 4")
})

test_that("bad option strings are refused, naming the option", {
  expect_error(gma_sample(ld, lo, hi, method = "mcmc"),
               "method must be one of \"wgma-md\", .*, not \"mcmc\"")
  expect_error(gma_sample(ld, lo, hi, method = c("wgma-md", "x")),
               "method must be one of")
  expect_error(gma_sample(ld, lo, hi, schedule = "linear"),
               "schedule must be one of")
  expect_error(gma_sample(ld, lo, hi, resampling = "multinomial"),
               "resampling must be one of .*\"multinomial\"")
  expect_error(gma_sample(ld, lo, hi, output = "draws"),
               "output must be one of \"auto\", .*not \"draws\"")
})

test_that("whole-number settings must be whole and in range", {
  expect_error(gma_sample(ld, lo, hi, components = 0),
               "components must be a single whole number >= 1, not 0")
  expect_error(gma_sample(ld, lo, hi, components = -3),
               "components must be a single whole number >= 1, not -3")
  expect_error(gma_sample(ld, lo, hi, components = 2.5),
               "components must be a single whole number >= 1, not 2.5")
  expect_error(gma_sample(ld, lo, hi, components = c(4, 9)),
               "components must be .*c\\(4, 9\\)")
  expect_error(gma_sample(ld, lo, hi, components = NA),
               "components must be")
  expect_error(gma_sample(ld, lo, hi, points_per_component = 1),
               "points_per_component must be a single whole number >= 2")
  expect_error(gma_sample(ld, lo, hi, iterations = 0),
               "iterations must be a single whole number >= 1, not 0")
  expect_error(gma_sample(ld, lo, hi, iterations = Inf),
               "iterations must be .*Inf")
  expect_error(gma_sample(ld, lo, hi, n_draws = 0.5),
               "n_draws must be a single whole number >= 1, not 0.5")
  expect_error(gma_sample(ld, lo, hi, n_draws = "10"),
               "n_draws must be .*\"10\"")
})

test_that("step_size and cov_scale must be positive numbers", {
  expect_error(gma_sample(ld, lo, hi, step_size = -1),
               "step_size must be a single finite number > 0, not -1")
  expect_error(gma_sample(ld, lo, hi, step_size = 0),
               "step_size must be .* not 0")
  expect_error(gma_sample(ld, lo, hi, step_size = NaN), "step_size")
  expect_error(gma_sample(ld, lo, hi, cov_scale = -0.1),
               "cov_scale must be a single finite number > 0, not -0.1")
  expect_error(gma_sample(ld, lo, hi, cov_scale = Inf), "cov_scale")
})

test_that("control must be a named list of single numbers", {
  expect_error(gma_sample(ld, lo, hi, control = 1),
               "control must be a named list, not 1")
  expect_error(gma_sample(ld, lo, hi, control = list(1)),
               "control must be a named list: every element needs a name")
  expect_error(gma_sample(ld, lo, hi,
                          control = list(starts = 1, starts = 2)),
               "control names a setting twice: starts")
  expect_error(gma_sample(ld, lo, hi, control = list(starts = "a")),
               "control\\$starts must be a single finite number, not \"a\"")
  expect_error(gma_sample(ld, lo, hi, control = list(kappa = c(1, 2))),
               "control\\$kappa must be .*c\\(1, 2\\)")
  expect_error(gma_sample(ld, lo, hi, control = list(iterations = 5)),
               "control\\$iterations is not allowed: use the argument")
  expect_error(gma_sample(ld, lo, hi, control = list(draws = 5)),
               "use the argument n_draws")
  expect_error(gma_sample(ld, lo, hi, control = list(threads = 2)),
               "control\\$threads is not allowed")
})

test_that("the library's refusals come back as R errors", {
  # Names and ranges the R code leaves to libgma: its message (from
  # gma_last_error()) is the R error.
  expect_error(tiny_run(ld, control = list(no_such_setting = 1), seed = 1),
               "no_such_setting", class = "gma_library_error")
  expect_error(tiny_run(ld, control = list(importance_draws = -1),
                        seed = 1),
               "importance_draws \\(-1\\)", class = "gma_library_error")
})

test_that("a bad seed is refused", {
  expect_error(gma_sample(ld, lo, hi, seed = -1),
               "seed must be NULL or a single whole number >= 0, not -1")
  expect_error(gma_sample(ld, lo, hi, seed = 1.5), "seed .* not 1.5")
  expect_error(gma_sample(ld, lo, hi, seed = "a"), "seed .*\"a\"")
  expect_error(gma_sample(ld, lo, hi, seed = c(1, 2)), "seed")
  expect_error(gma_sample(ld, lo, hi, seed = 2^60), "seed")
})

test_that("the flags must be TRUE or FALSE", {
  expect_error(gma_sample(ld, lo, hi, vectorized = NA),
               "vectorized must be TRUE or FALSE, not NA")
  expect_error(gma_sample(ld, lo, hi, vectorized = "yes"), "vectorized")
  expect_error(gma_sample(ld, lo, hi, verbose = 1), "verbose .* not 1")
})

test_that("argument errors leave R's random numbers alone", {
  set.seed(3)
  before <- .Random.seed
  expect_error(gma_sample(ld, lo, hi, components = 0))
  expect_identical(.Random.seed, before)
})
