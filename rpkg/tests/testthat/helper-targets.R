# Targets and settings shared by the tests.

# N((1, -2), diag(0.5^2, 1.5^2)), one point (a vector) or one per row.
gauss_mu <- c(1, -2)
gauss_sd <- c(0.5, 1.5)
log_gauss <- function(x) {
  -0.5 * (((x[1] - 1) / 0.5)^2 + ((x[2] + 2) / 1.5)^2)
}
log_gauss_rows <- function(x) {
  -0.5 * (((x[, 1] - 1) / 0.5)^2 + ((x[, 2] + 2) / 1.5)^2)
}

# A small, fast run on [-8, 8]^2: 225 components (15 x 15), 20 points
# each, 200 iterations; under 0.2 s.
small_run <- function(log_density, ...) {
  gma_sample(log_density, lower = c(-8, -8), upper = c(8, 8),
             components = 225, points_per_component = 20,
             iterations = 200, ...)
}

# A tiny run for argument and error checks.
# (Its fits are loose: the fit warnings are muffled, see quiet_khat.)
tiny_run <- function(log_density, ...) {
  quiet_khat(gma_sample(log_density, lower = c(-5, -5), upper = c(5, 5),
                        components = 9, points_per_component = 5,
                        iterations = 10, ...))
}

# Evaluate expr, muffling only gma_sample()'s warnings about the fit (a
# high Pareto k-hat, a moment gap): small test runs fit loosely, and these
# tests check other things.
quiet_khat <- function(expr) {
  withCallingHandlers(expr, warning = function(w) {
    if (grepl("Pareto k-hat|moments away from the mixture",
              conditionMessage(w))) {
      invokeRestart("muffleWarning")
    }
  })
}
