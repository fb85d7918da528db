#' Pareto-smoothed importance sampling
#'
#' Smooths log importance ratios by Pareto-smoothed importance sampling
#' (PSIS, Vehtari et al.) with the bundled libgma, the same estimator as
#' `gma_sample()`'s importance check: the largest ratios are replaced by
#' quantiles of a generalized Pareto distribution fitted to them, whose
#' shape estimate is the Pareto k-hat. Above about 0.7 the ratios'
#' distribution is too heavy-tailed for reliable importance sampling.
#'
#' @param log_ratios A numeric vector of at least 2 log importance ratios
#'   (log p - log q), each finite or `-Inf` (a draw outside the support);
#'   for example `fit$importance$log_ratios` of a [gma_sample()] fit.
#' @return A list with `log_weights`, the smoothed log weights (same
#'   length, not normalised; `exp(log_weights - max(log_weights))` divided
#'   by its sum gives normalised weights), and `pareto_k`, the k-hat
#'   (`-Inf` when the largest ratios are all equal, `Inf` when the tail
#'   is too short to fit).
#' @export
#' @examples
#' set.seed(1)
#' r <- log(rexp(1000))
#' s <- gma_psis(r)
#' s$pareto_k
#' w <- exp(s$log_weights - max(s$log_weights))
#' sum(w / sum(w) * r)
gma_psis <- function(log_ratios) {
  if (!is.numeric(log_ratios) || !is.null(dim(log_ratios)) ||
      length(log_ratios) < 2L) {
    stop_arg("log_ratios must be a numeric vector of length >= 2, not ",
             show_value(log_ratios))
  }
  bad <- which(is.na(log_ratios) | log_ratios == Inf)
  if (length(bad) > 0L) {
    stop_arg("log_ratios must be finite or -Inf, but log_ratios[", bad[1L],
             "] is ", format(log_ratios[bad[1L]]))
  }
  res <- .Call(c_gma_psis, as.double(log_ratios))
  if (res$status != 0L) {
    stop(gma_condition(paste0("libgma: gma_pareto_smooth failed: ",
                              res$status_string), "gma_library_error"))
  }
  list(log_weights = res$log_weights, pareto_k = res$pareto_k)
}
