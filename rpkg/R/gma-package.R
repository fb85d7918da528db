#' gma: Gaussian Mixture Approximation sampling
#'
#' Samples an unnormalised density from evaluations of its logarithm alone,
#' with the bundled C library libgma. The main function is [gma_sample()];
#' its result, a `gma_fit`, has [print()][print.gma_fit] and
#' [summary()][summary.gma_fit] methods, and converts to a `posterior`
#' draws matrix with `posterior::as_draws_matrix()` when that package is
#' installed.
#'
#' @keywords internal
#' @useDynLib gma, .registration = TRUE
#' @importFrom Rcpp evalCpp
"_PACKAGE"

#' The version of the bundled libgma
#'
#' @return A character string such as `"0.1.0"`.
#' @export
#' @examples
#' gma_version()
gma_version <- function() {
  paste(.Call(c_gma_version), collapse = ".")
}
