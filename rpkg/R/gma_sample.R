#' Sample an unnormalised density by Gaussian mixture approximation
#'
#' Draws from a density known only up to a constant, through evaluations of
#' its logarithm (no gradients). With the default method, W-GMA, Gaussian
#' components are placed over a box (or at given means), a fixed bank of
#' `points_per_component` points is drawn from each and `log_density` is
#' evaluated once at every bank point. The mixture weights are then fitted
#' by minimising a sample estimate of the Kullback-Leibler divergence
#' KL(q || p), by mirror descent (`"wgma-md"`) or projected gradient
#' descent (`"wgma-pgd"`), and the output draws are a resample of the bank
#' by the fitted weights. The fit is then checked by importance sampling
#' from the mixture (diagnostics `pareto_k`, `ess`, `log_evidence`).
#'
#' @section Methods:
#' \describe{
#' \item{`"wgma-md"`, `"wgma-pgd"`}{weights-only GMA by mirror descent or
#'   projected gradient descent;}
#' \item{`"wgma-stable"`}{tempered, damped, averaged mirror descent;}
#' \item{`"wgma-refine"`}{coarse-to-refine: a second fit around the
#'   components that matter in the first;}
#' \item{`"lma"`}{a Laplace mixture at the modes found by local searches
#'   started in the box (or at the means);}
#' \item{`"lma-wgma"`}{the Laplace components, weights fitted by W-GMA;}
#' \item{`"em"`}{population EM with importance weights and full
#'   covariances.}
#' }
#' Their further numeric settings (for example `temper_min` of
#' `"wgma-stable"`, `starts` of `"lma"`, `bank_size` of `"em"`, or
#' `importance_draws`, 0 to skip the importance check) go in `control`;
#' the library refuses names it does not know.
#'
#' @section Placement:
#' Give exactly one of a box (`lower` and `upper`), initial component
#' `means`, a `start` point or a `prior` sampler.
#' With a box the components lie on a regular grid in one dimension, and
#' in two when `components` is a perfect square; otherwise they are spread
#' over the box at random (a Latin hypercube). The box also sets the
#' default component variance. With `means` there is one component per row
#' and the default variance comes from the spacing of the means. A numeric
#' vector given as `means` is read as one column: one-dimensional means,
#' one component per element; for a single mean in `d` dimensions give a
#' one-row matrix, `matrix(mu, nrow = 1)`.
#'
#' In three or more dimensions the W-GMA methods place their components
#' at the modes instead (`placement = "modes"`): local searches from
#' starts in the box (or from `start`, or `prior` draws) find the modes;
#' each mode's Laplace Gaussian N(m, S) gets a share of the components by
#' its weight, with means spread over 1.25 times its sd and covariance
#' h^2 S (h the bandwidth of Silverman's rule); a tenth of the components
#' stay over the box (`cover_fraction`) to catch a missed mode (and up
#' to 4 more local searches start from their best bank points); after one
#' fit every mode's mean and covariance are re-estimated by importance
#' sampling of the bank (`adapt_rounds`, 1) and the components placed
#' again. Settings `spread` (1.25; 1 for `"wgma-stable"`, whose weights
#' stay near uniform), `cover_fraction` and `adapt_rounds` go in
#' `control`.
#'
#' With `start` alone, a local search from the point (and from jitters
#' around it) finds the region of the mass, whose box then places the
#' components. With `prior`, its draws place the components (W-GMA, EM)
#' or start the local searches (LMA).
#'
#' @section Bounds:
#' `bounds` declares the support of the target, a box that may be
#' unbounded on either side. The sampler then works on unconstrained
#' coordinates (a log transform above a lower bound, below an upper one,
#' a logistic transform between two) and adds the log-Jacobian itself:
#' `log_density` is still called with, and returns, values on the original
#' scale; the box, means or start are given on it and the draws come back
#' inside the bounds. The fitted mixture (`fit$mixture`) is on the
#' unconstrained scale.
#'
#' @section The target:
#' `-Inf` means "outside the support" and is a legal value. `NaN`, `NA`
#' and `+Inf` are counted (diagnostic `invalid`) and treated as outside the
#' support. If no bank point has a finite value the run fails. An error in
#' `log_density` stops the run with an error that quotes its message and
#' the point it failed at; so does a return value of the wrong length or
#' type. Warnings and messages from `log_density` are collected and
#' re-issued after the run (each distinct one once, the first 10, then a
#' count of the rest). Ctrl-C stops the run with an error.
#'
#' Arguments in `...` go to `log_density`. Their names must not be a prefix
#' of an argument of `gma_sample()` (R matches those partially first).
#'
#' @param log_density A function returning the log of the unnormalised
#'   density. Called as `log_density(x, ...)` with `x` a named numeric
#'   vector (one point) it must return one number; with
#'   `vectorized = TRUE` it is called with a matrix holding one point per
#'   row (n x d, named columns) and must return a numeric vector of length
#'   n.
#' @param lower,upper Numeric vectors of equal length d: a finite box,
#'   `lower < upper` in every coordinate. `names(lower)` name the columns of
#'   the result.
#' @param means A numeric matrix with one initial component mean per row
#'   (N x d), used instead of a box; its column names name the columns of
#'   the result. See *Placement*.
#' @param start A numeric vector of length d: a start point, used instead
#'   of a box or means (see *Placement*); `names(start)` name the columns
#'   of the result.
#' @param prior A function of `n` returning an n x d numeric matrix of n
#'   draws from a prior, used instead of a box, means or start (see
#'   *Placement*). Without `bounds` it is called once as `prior(2)` first
#'   to learn d (and the column names, from its column names). An error
#'   in it stops the run with an error quoting its message. Its draws are
#'   made with R's random number generator.
#' @param bounds `NULL` (the default: the support is all of R^d) or
#'   `list(lower = , upper = )`, numeric vectors of length d with
#'   `lower < upper`, `-Inf` and `Inf` allowed: the support of the target
#'   (see *Bounds*). `names(bounds$lower)` name the columns when the
#'   placement gives no names.
#' @param n_draws Number of output draws; `NULL` for the library's default
#'   (components x points per component).
#' @param method The method, see *Methods*: `"wgma-md"` (the default),
#'   `"wgma-pgd"`, `"wgma-stable"`, `"wgma-refine"`, `"lma"`, `"lma-wgma"`
#'   or `"em"`.
#' @param components Number of components N, a whole number >= 1; `NULL`
#'   for the library's default (50 in 1-D, 15 x 15 in 2-D, 40 per dimension
#'   but at most 400 in more; 8 for EM). With `means` it is `nrow(means)`.
#' @param points_per_component Bank points per component M, a whole number
#'   >= 2; `NULL` for the library's default (30; 200 for `"lma-wgma"`).
#' @param iterations Number of weight updates, a whole number >= 1; `NULL`
#'   for the library's default (500; 60 for EM).
#' @param step_size Initial step size, a number > 0; `NULL` for the
#'   library's default for the method (1 for mirror descent, 0.1 for
#'   projected gradient, 0.05 for `"wgma-stable"`).
#' @param cov_scale Isotropic component variance, a number > 0; `NULL` to
#'   let the library choose it from the box or the means.
#' @param schedule Step size schedule: `"auto"` (the default:
#'   `"backtracking"` for `"wgma-pgd"` with its components at the modes,
#'   `"inverse"` otherwise),
#'   `"inverse"` (step_size / k), `"inverse-sqrt"` (step_size / sqrt(k))
#'   or `"backtracking"` (each step from twice the last accepted one,
#'   halved until the fit's objective decreases enough: Armijo's rule).
#' @param resampling How the draws are taken from the bank: `"stratified"`
#'   (a component by weight, then one of its points; the default) or
#'   `"systematic"`.
#' @param output What the draws are: `"auto"` (the default: `"bank"` for
#'   the W-GMA methods, `"mixture"` otherwise), `"bank"` (the bank
#'   resampled by the weights), `"mixture"` (fresh draws from the fitted
#'   mixture) or `"importance"` (mixture draws resampled by their
#'   Pareto-smoothed importance weights, corrected towards the target).
#' @param placement Where the components of the W-GMA methods go:
#'   `"auto"` (the default: `"modes"` in three or more dimensions unless
#'   `means` or `cov_scale` are given, else `"box"`), `"box"` (see
#'   *Placement*) or `"modes"` (around the modes found by local searches;
#'   see *Placement*). `"lma"`, `"lma-wgma"` and `"em"` ignore it.
#' @param control A named list of further numeric settings of the library
#'   (see *Methods*), each a single finite number; `list()` for none. Not
#'   for the settings that have an argument here, nor `threads` (R calls
#'   `log_density` from one thread).
#' @param vectorized `TRUE` if `log_density` takes a matrix of points, one
#'   per row; `FALSE` (the default) to call it once per point.
#' @param seed Seed of the sampler's random stream, a whole number >= 0.
#'   `NULL` (the default) takes one from R's random number generator, so
#'   [set.seed()] makes a run reproducible.
#' @param verbose `TRUE` to print the library's progress messages.
#' @param ... Further arguments to `log_density`.
#'
#' @return An object of class `gma_fit`, a list with
#'   \describe{
#'   \item{draws}{numeric matrix, one draw per row (n_draws x d), with
#'     named columns;}
#'   \item{mixture}{the fitted mixture: `weights` (length N), `means`
#'     (N x d matrix) and `covariances` (d x d x N array);}
#'   \item{diagnostics}{named list: `draws`, `components`, `evaluations`
#'     (target evaluations, all stages), `invalid` (NaN or +Inf values),
#'     `outside` (points outside the support), `weight_entropy`,
#'     `effective_components` (exp of the weight entropy), `elbo` (the
#'     W-GMA fit's estimate of E_q(log p - log q), at most log Z; `NA` for
#'     the other methods) and `run_time` (seconds); then those the run
#'     reports of `pareto_k`, `pareto_k_threshold` (a `pareto_k` above it
#'     means the fit misses part of the target), `ess`, `log_evidence`,
#'     `log_evidence_se`, `stage1_elbo`, `modes`, `failed_starts`,
#'     `em_min_ess`, `em_last_ess` and `em_degenerate_iterations`,
#'     `mean_shift` and `scale_gap` (the distance between the mixture's
#'     mean and the importance-weighted target mean, in target sds, and
#'     the largest |log sd ratio| over all directions, both in the metric
#'     of the weighted target covariance; with their `_limit`s),
#'     `regions` and `region_min_ess` (the
#'     placement at the modes), and any other the library reports. When
#'     `pareto_k` is above `pareto_k_threshold` (or `NaN` or `Inf`)
#'     `gma_sample()` warns that the fit misses part of the target; when
#'     a moment gap is beyond what the ESS explains, that the draws are
#'     biased;}
#'   \item{importance}{when the run made the importance check
#'     (`importance_draws` > 0): a list with `log_ratios`, the log ratios
#'     log p - log q of the check's draws from the fitted mixture, for
#'     example for [gma_psis()] or `loo::psis()`;}
#'   \item{method}{the method used;}
#'   \item{settings}{named list of the settings the run used, as reported
#'     by the library, with the options (`"auto"` resolved to what the run
#'     chose, for `schedule` and `placement`) and the seed;}
#'   \item{call}{the call.}
#'   }
#' @seealso [print.gma_fit()], [summary.gma_fit()].
#' @export
#' @examples
#' # A correlated Gaussian in two dimensions, on a box.
#' log_p <- function(x) {
#'   -0.5 * (x[1]^2 - 1.6 * x[1] * x[2] + x[2]^2) / (1 - 0.8^2)
#' }
#' set.seed(1)
#' fit <- gma_sample(log_p, lower = c(a = -5, b = -5), upper = c(5, 5),
#'                   components = 49, points_per_component = 20,
#'                   iterations = 100)
#' fit
#' cor(fit$draws)
#'
#' # The same target, vectorized: one point per row.
#' log_p_rows <- function(x) {
#'   -0.5 * (x[, 1]^2 - 1.6 * x[, 1] * x[, 2] + x[, 2]^2) / (1 - 0.8^2)
#' }
#' fit2 <- gma_sample(log_p_rows, lower = c(-5, -5), upper = c(5, 5),
#'                    components = 49, points_per_component = 20,
#'                    iterations = 100, vectorized = TRUE, seed = 3)
#' summary(fit2)
#'
#' # A Laplace mixture at the modes found by local searches.
#' fit_lma <- gma_sample(log_p_rows, lower = c(-5, -5), upper = c(5, 5),
#'                       method = "lma", vectorized = TRUE, seed = 3,
#'                       control = list(starts = 4))
#' fit_lma$diagnostics$modes
#'
#' # One dimension, starting from given means, with an extra argument.
#' log_gamma <- function(x, shape) {
#'   if (x <= 0) -Inf else (shape - 1) * log(x) - x
#' }
#' fit3 <- gma_sample(log_gamma, means = c(1, 3, 5, 7, 9), shape = 3,
#'                    points_per_component = 50, seed = 1)
#' colMeans(fit3$draws)
#'
#' # The same Gamma(3) target with its support declared: the sampler works
#' # on log(x), and every draw is positive.
#' fit4 <- gma_sample(log_gamma, lower = 0.01, upper = 15, shape = 3,
#'                    bounds = list(lower = 0, upper = Inf), seed = 1)
#' range(fit4$draws)
#'
#' # Placed by draws from a prior instead of a box.
#' fit5 <- gma_sample(log_p_rows, vectorized = TRUE, seed = 2,
#'                    prior = function(n) matrix(rnorm(2 * n, sd = 3), n))
#' fit5$diagnostics$pareto_k
gma_sample <- function(log_density, lower = NULL, upper = NULL,
                       means = NULL, start = NULL, prior = NULL,
                       bounds = NULL, n_draws = NULL,
                       method = c("wgma-md", "wgma-pgd", "wgma-stable",
                                  "wgma-refine", "lma", "lma-wgma", "em"),
                       components = NULL, points_per_component = NULL,
                       iterations = NULL, step_size = NULL,
                       cov_scale = NULL,
                       schedule = c("auto", "inverse", "inverse-sqrt",
                                    "backtracking"),
                       resampling = c("stratified", "systematic"),
                       output = c("auto", "bank", "mixture", "importance"),
                       placement = c("auto", "box", "modes"),
                       control = list(), vectorized = FALSE, seed = NULL,
                       verbose = FALSE, ...) {
  call <- match.call()

  # Step 1: check the arguments, in the order of the signature.
  if (!is.function(log_density)) {
    stop_arg("log_density must be a function, not ",
             show_value(log_density))
  }
  place <- check_placement(lower, upper, means, start, prior, bounds)
  params <- c(draws = check_whole(n_draws, "n_draws", 1),
              components = check_whole(components, "components", 1),
              points_per_component = check_whole(points_per_component,
                                                 "points_per_component", 2),
              iterations = check_whole(iterations, "iterations", 1),
              step_size = check_positive(step_size, "step_size"),
              cov_scale = check_positive(cov_scale, "cov_scale"))
  options <- c(method = check_choice(method, gma_methods, "method"),
               schedule = check_choice(schedule,
                                       c("auto", "inverse", "inverse-sqrt",
                                         "backtracking"),
                                       "schedule"),
               resampling = check_choice(resampling,
                                         c("stratified", "systematic"),
                                         "resampling"),
               output = check_choice(output,
                                     c("auto", "bank", "mixture",
                                       "importance"), "output"),
               placement = check_choice(placement,
                                        c("auto", "box", "modes"),
                                        "placement"))
  params <- c(params, check_control(control))
  check_flag(vectorized, "vectorized")
  check_flag(verbose, "verbose")

  # Step 2: with means, the number of components is nrow(means).
  if (!is.null(place$means) && !is.null(components)) {
    if (components != nrow(place$means)) {
      stop_arg("components must equal nrow(means) = ", nrow(place$means),
               " when means are given, not ", show_value(components))
    }
    params <- params[names(params) != "components"]
  }

  # Step 3: the seed last, so that argument errors leave R's RNG alone.
  seed <- check_seed(seed)

  # Step 4: run, with the target wrapped so no R condition escapes it.
  # The progress hook runs every iteration, to notice Ctrl-C quickly.
  target <- make_target(function(x) log_density(x, ...), vectorized,
                        place$names)
  if (is.null(params)) params <- numeric()
  params <- c(params, progress_every = 1)
  means_t <- if (is.null(place$means)) NULL else t(place$means)
  report <- unique(c(setting_names, names(params)))
  prior_fn <- if (is.null(place$prior)) NULL else
    make_prior(place$prior, place$dim)
  res <- .Call(c_gma_run, target$fn, place$dim, place$lower,
               place$upper, means_t, place$start, prior_fn,
               place$bounds$lower, place$bounds$upper, params, options,
               seed, verbose, report, diagnostic_names)

  # Step 5: report the log, and the warnings and messages of
  # log_density.
  if (verbose) for (line in res$log) message("gma: ", line)
  relay_conditions(target)

  # Step 6: turn a failure into an R error.
  if (res$status != 0L) stop_run(res)

  # Step 7: the fit, with a warning when its importance check fails.
  fit <- new_fit(res, place$names, options, seed, vectorized, call)
  msg <- khat_warning(fit$diagnostics)
  if (!is.null(msg)) warning(msg, call. = FALSE)
  msg <- moment_warning(fit$diagnostics)
  if (!is.null(msg)) warning(msg, call. = FALSE)
  fit
}

# The methods of the library, the default first.
gma_methods <- c("wgma-md", "wgma-pgd", "wgma-stable", "wgma-refine",
                 "lma", "lma-wgma", "em")

# Diagnostics, in this order: those in diagnostic_always always (NA if
# the run does not report one), the others when the run reports them
# (the glue also reads any further name the library reports, after these).
diagnostic_names <- c("draws", "components", "evaluations", "invalid",
                      "outside", "weight_entropy", "effective_components",
                      "elbo", "run_time", "pareto_k", "pareto_k_threshold",
                      "ess", "log_evidence", "log_evidence_se",
                      "stage1_elbo", "modes", "failed_starts",
                      "em_min_ess", "em_last_ess",
                      "em_degenerate_iterations")
diagnostic_always <- c("draws", "components", "evaluations", "invalid",
                       "outside", "weight_entropy", "effective_components",
                       "run_time")

# control: a named list of single finite numbers, for gma_set_param().
# Settings with an argument of their own, threads and progress_every are
# refused here; other names are the library's to judge.
check_control <- function(control) {
  # Step 1: a list with a distinct name for every element.
  if (!is.list(control)) {
    stop_arg("control must be a named list, not ", show_value(control))
  }
  if (length(control) == 0L) return(NULL)
  nm <- names(control)
  if (is.null(nm) || any(is.na(nm) | nm == "")) {
    stop_arg("control must be a named list: every element needs a name")
  }
  if (anyDuplicated(nm)) {
    stop_arg("control names a setting twice: ", nm[anyDuplicated(nm)])
  }

  # Step 2: no setting that has its own argument, nor threads.
  own <- c(draws = "n_draws", components = "components",
           points_per_component = "points_per_component",
           iterations = "iterations", step_size = "step_size",
           cov_scale = "cov_scale")
  for (n in nm) {
    if (n %in% names(own)) {
      stop_arg("control$", n, " is not allowed: use the argument ",
               own[[n]], " of gma_sample()")
    }
    if (n %in% c("threads", "progress_every")) {
      stop_arg("control$", n, " is not allowed: gma_sample() sets it")
    }
  }

  # Step 3: each value a single finite number.
  for (n in nm) {
    if (!is_number(control[[n]])) {
      stop_arg("control$", n, " must be a single finite number, not ",
               show_value(control[[n]]))
    }
  }
  vapply(control, as.double, 0)
}

# Parameters read back after a run, for the settings of the fit (with
# those set through control).
setting_names <- c("components", "points_per_component", "iterations",
                   "step_size", "cov_scale", "draws", "importance_draws",
                   "threads", "batch_size", "progress_every")

# Raise the R error for a failed run (res from c_gma_run).
stop_run <- function(res) {
  # Step 1: Ctrl-C, in log_density or between iterations.
  interrupted <- (isTRUE(res$target_failed) &&
                    identical(res$failure_kind, "interrupt")) ||
    isTRUE(res$interrupted)
  if (interrupted) {
    stop(gma_condition("gma_sample() was interrupted; no results are kept",
                       "gma_interrupted"))
  }

  # Step 2: an error in the prior, or a wrong return value.
  if (isTRUE(res$prior_failed)) {
    stop(gma_condition(res$prior_message, "gma_prior_error"))
  }

  # Step 3: an error in log_density, or a wrong return value.
  if (isTRUE(res$target_failed)) {
    stop(gma_condition(res$failure_message, "gma_target_error"))
  }

  # Step 4: no finite value at any bank point, or no mode found.
  lib <- if (nzchar(res$error)) res$error else res$status_string
  if (res$status == -5L) {
    what <- if (grepl("fit_lma", lib, fixed = TRUE)) {
      paste0("no local search found a finite mode of log_density (try a ",
             "box that holds its support, more starts or placement = ",
             "\"box\"): ")
    } else {
      "log_density is not finite at any bank point: "
    }
    stop(gma_condition(paste0(what, lib), "gma_target_error"))
  }

  # Step 5: anything else the library refused or failed at.
  stop(gma_condition(paste0("libgma: ", lib), "gma_library_error"))
}

# An error condition of class cls (and "gma_error"), without a call.
gma_condition <- function(message, cls) {
  structure(class = c(cls, "gma_error", "error", "condition"),
            list(message = message, call = NULL))
}

# Build the gma_fit from the results of a run.
new_fit <- function(res, names, options, seed, vectorized, call) {
  # Step 1: name the draws and the mixture's dimensions.
  draws <- res$draws
  colnames(draws) <- names
  means <- res$means
  colnames(means) <- names
  covs <- res$covariances
  dimnames(covs) <- list(names, names, NULL)

  # Step 2: the settings: the library's parameters, the options the run
  # used ("auto" resolved) and the seed.
  used <- res$options[nzchar(res$options)]
  options[names(used)] <- used
  settings <- c(as.list(res$params), as.list(options),
                list(seed = seed, vectorized = vectorized))

  fit <- list(draws = draws,
              mixture = list(weights = res$weights, means = means,
                             covariances = covs),
              diagnostics = fit_diagnostics(res$diagnostics))

  # Step 3: the log importance ratios, when the run made the check.
  if (!is.null(res$log_ratios)) {
    fit$importance <- list(log_ratios = res$log_ratios)
  }
  structure(c(fit, list(method = unname(options["method"]),
                        settings = settings, call = call)),
            class = "gma_fit")
}

# The diagnostics of a run as a list: those in diagnostic_always always,
# the others only when reported (not NA).
fit_diagnostics <- function(d) {
  keep <- names(d) %in% diagnostic_always | !is.na(d)
  as.list(d[keep])
}

# The warning for a failed importance check: NULL when there was no check
# or k-hat is at most its threshold (-Inf, bounded ratios, included);
# otherwise a message for print() and warning().
khat_warning <- function(d) {
  k <- d$pareto_k
  if (is.null(k)) return(NULL)
  thr <- d$pareto_k_threshold
  if (is.null(thr) || is.na(thr)) thr <- 0.7
  if (!is.na(k) && k <= thr) return(NULL)
  sprintf(paste0("Pareto k-hat %s is above %s: the mixture misses part of ",
                 "the target; draws and log evidence are unreliable. ",
                 "Try more components, a wider box, method = \"em\" ",
                 "(mass-covering), or output = \"importance\"."),
          format_khat(k), format(signif(thr, 3)))
}

# The warning for a moment gap beyond its limit (see the library's
# mean_shift_limit and scale_gap_limit), or NULL.
moment_warning <- function(d) {
  shift <- d$mean_shift
  gap <- d$scale_gap
  if (is.null(shift) || is.null(gap) || is.na(shift) || is.na(gap))
    return(NULL)
  if (shift <= d$mean_shift_limit && gap <= d$scale_gap_limit) return(NULL)
  sprintf(paste0("the importance-weighted draws put the target's moments ",
                 "away from the mixture's (mean shift %.2f sd, limit ",
                 "%.2f; |log sd ratio| %.2f, limit %.2f): the draws are ",
                 "biased. Try output = \"importance\", more components ",
                 "or method = \"em\"."),
          shift, d$mean_shift_limit, gap, d$scale_gap_limit)
}

# k-hat for display: two decimals; -Inf means bounded ratios.
format_khat <- function(k) {
  if (is.na(k)) return("NaN")
  if (k == -Inf) return("-Inf (ratios bounded)")
  if (k == Inf) return("Inf")
  sprintf("%.2f", k)
}
