# Methods for gma_fit: print, summary, and the conversion to posterior's
# draws matrix.

# Per-column table of the draws: mean, sd and quantiles.
draws_table <- function(draws) {
  probs <- c(0.025, 0.5, 0.975)
  q <- apply(draws, 2L, stats::quantile, probs = probs, names = FALSE)
  q <- matrix(q, nrow = length(probs))
  out <- data.frame(mean = colMeans(draws),
                    sd = apply(draws, 2L, stats::sd),
                    q2.5 = q[1L, ], q50 = q[2L, ], q97.5 = q[3L, ],
                    row.names = colnames(draws))
  names(out) <- c("mean", "sd", "2.5%", "50%", "97.5%")
  out
}

# "1 draw", "3 draws".
plural <- function(n, what) {
  paste(n, if (n == 1) what else paste0(what, "s"))
}

# The key figures of a fit: three lines, and two more on the importance
# check when the run made it.
fit_header <- function(x) {
  # Step 1: method, sizes, evaluations and time.
  d <- x$diagnostics
  out <- c(
    sprintf("Gaussian mixture approximation sample, method %s", x$method),
    sprintf("  %s, %s, %s (%.1f effective)",
            plural(ncol(x$draws), "dimension"),
            plural(as.integer(d$draws), "draw"),
            plural(as.integer(d$components), "component"),
            d$effective_components),
    sprintf("  %s, run time %.3g s",
            plural(as.integer(d$evaluations), "log-density evaluation"),
            d$run_time))

  # Step 2: the importance check, when there is one: k-hat against its
  # threshold, the ESS of the importance draws, the log evidence; and a
  # warning line when k-hat is above the threshold.
  if (!is.null(d$pareto_k)) {
    n_imp <- x$settings$importance_draws
    of <- if (is.null(n_imp) || is.na(n_imp)) "" else
      sprintf(" of %d importance draws", as.integer(n_imp))
    out <- c(out, sprintf(
      "  importance check: Pareto k-hat %s (threshold %.2f), ESS %.0f%s",
      format_khat(d$pareto_k), d$pareto_k_threshold, d$ess, of))
  }
  if (!is.null(d$log_evidence)) {
    se <- if (is.null(d$log_evidence_se)) NA else d$log_evidence_se
    out <- c(out, sprintf("  log evidence %.4g +/- %.2g (se)",
                          d$log_evidence, se))
  }
  for (msg in list(khat_warning(d), moment_warning(d)))
    if (!is.null(msg)) out <- c(out, paste("Warning:", msg))
  out
}

#' Print a gma_fit
#'
#' Shows the method, the dimension, the numbers of draws, components and
#' target evaluations, the effective number of components, the run time,
#' the importance check of the fit (Pareto k-hat against its threshold,
#' the effective sample size of the importance draws, the log evidence
#' with its standard error) when the run made one and,
#' per column of the draws, the mean, standard deviation and the 2.5%, 50%
#' and 97.5% quantiles.
#'
#' When k-hat is above its threshold (or not finite and positive: `NaN`
#' or `Inf`) a line starting `Warning:` says that the mixture misses part
#' of the target and what to try; [gma_sample()] also gives it with
#' [warning()]. A k-hat of `-Inf` (constant largest ratios: the mixture
#' proportional to the target there) is shown as "-Inf (ratios bounded)"
#' and is a good fit.
#'
#' @param x A `gma_fit` from [gma_sample()].
#' @param digits Significant digits for the table.
#' @param ... Not used.
#' @return `x`, invisibly.
#' @export
#' @examples
#' fit <- gma_sample(function(x) -0.5 * sum(x^2), lower = c(-5, -5),
#'                   upper = c(5, 5), components = 25,
#'                   points_per_component = 20, iterations = 50, seed = 1)
#' print(fit)
print.gma_fit <- function(x, digits = 3L, ...) {
  cat(fit_header(x), sep = "\n")
  cat("\n")
  print(draws_table(x$draws), digits = digits)
  invisible(x)
}

#' Summarise a gma_fit
#'
#' @param object A `gma_fit` from [gma_sample()].
#' @param ... Not used.
#' @return An object of class `summary.gma_fit`: a list with `table` (a
#'   data frame with one row per column of the draws: mean, sd, 2.5%, 50%
#'   and 97.5% quantiles), `diagnostics` (the fit's diagnostics), `method`
#'   and `settings`. It has a print method.
#' @export
#' @examples
#' fit <- gma_sample(function(x) -0.5 * sum(x^2), lower = c(-5, -5),
#'                   upper = c(5, 5), components = 25,
#'                   points_per_component = 20, iterations = 50, seed = 1)
#' s <- summary(fit)
#' s
#' s$table
summary.gma_fit <- function(object, ...) {
  structure(list(table = draws_table(object$draws),
                 diagnostics = object$diagnostics,
                 method = object$method,
                 settings = object$settings,
                 header = fit_header(object)),
            class = "summary.gma_fit")
}

#' @rdname summary.gma_fit
#' @param x A `summary.gma_fit`.
#' @param digits Significant digits.
#' @export
print.summary.gma_fit <- function(x, digits = 4L, ...) {
  # Step 1: the key figures and the table.
  cat(x$header, sep = "\n")
  cat("\nDraws:\n")
  print(x$table, digits = digits)

  # Step 2: every diagnostic, one per line.
  cat("\nDiagnostics:\n")
  d <- unlist(x$diagnostics)
  value <- vapply(d, function(v) format(signif(v, digits)), "")
  cat(paste0("  ", format(names(d)), "  ", value), sep = "\n")

  # Step 3: the settings, wrapped.
  s <- vapply(x$settings, function(v) format(v), "")
  cat("\nSettings:\n")
  cat(strwrap(paste0(names(s), " = ", s, collapse = ", "), indent = 2L,
              exdent = 2L), sep = "\n")
  invisible(x)
}

#' Convert a gma_fit to a posterior draws matrix
#'
#' A method for `posterior::as_draws_matrix()`, available when the
#' `posterior` package is installed. The draws become a `draws_matrix`
#' with one chain.
#'
#' @param x A `gma_fit` from [gma_sample()].
#' @param ... Not used.
#' @return A `posterior::draws_matrix`.
#' @exportS3Method posterior::as_draws_matrix
#' @examples
#' if (requireNamespace("posterior", quietly = TRUE)) {
#'   fit <- gma_sample(function(x) -0.5 * sum(x^2), lower = c(-5, -5),
#'                     upper = c(5, 5), components = 25,
#'                     points_per_component = 20, iterations = 50,
#'                     seed = 1)
#'   posterior::summarise_draws(posterior::as_draws_matrix(fit))
#' }
as_draws_matrix.gma_fit <- function(x, ...) {
  posterior::as_draws_matrix(x$draws)
}
