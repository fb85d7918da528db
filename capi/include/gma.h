/*
 * gma.h: the C interface of libgma, Gaussian Mixture Approximation sampling.
 *
 * libgma samples an unnormalised density p~(z) on R^d from evaluations of
 * log p~ alone (no gradients): it places Gaussian components, draws a fixed
 * bank of points from them, evaluates the target once at every bank point,
 * fits the mixture weights by minimising a sample estimate of KL(q || p~),
 * then resamples the bank by the fitted weights.
 *
 * Conventions
 *   - Every function returns a status (GMA_OK = 0, positive = finished early
 *     on request, negative = failure), except the few that cannot fail.
 *   - On failure the handle keeps a message naming the function and the
 *     values involved: gma_last_error(). There is no global error state and
 *     the library never prints, aborts or exits.
 *   - Points are stored point after point: a set of n points in dimension
 *     dim is n*dim doubles, point j at x + j*dim.
 *   - The same seed, inputs and library version give the same draws,
 *     whatever the number of threads.
 *
 * Minimal use
 *
 *   static int logp(int n, int dim, const double *x, double *out, void *u)
 *   {
 *     for (int j = 0; j < n; ++j) {
 *       const double *p = x + (size_t)j * dim;
 *       out[j] = -0.5 * (p[0] * p[0] + p[1] * p[1]);
 *     }
 *     return 0;
 *   }
 *
 *   gma_sampler *s;
 *   double lo[2] = {-5, -5}, hi[2] = {5, 5};
 *   gma_create(2, &s);
 *   gma_set_target(s, logp, NULL);
 *   gma_set_box(s, lo, hi);
 *   if (gma_run(s) < 0) fprintf(stderr, "%s\n", gma_last_error(s));
 *   double n; gma_get_diagnostic(s, "draws", &n);
 *   double *draws = malloc((size_t)n * 2 * sizeof *draws);
 *   gma_get_draws(s, draws, (long)n);
 *   gma_destroy(s);
 */
#ifndef GMA_H
#define GMA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(GMA_BUILDING)
#define GMA_API __declspec(dllexport)
#elif defined(__GNUC__)
#define GMA_API __attribute__((visibility("default")))
#else
#define GMA_API
#endif

/* The version, stated once. gma_version() reports the library's own. */
#define GMA_VERSION_MAJOR 0
#define GMA_VERSION_MINOR 1
#define GMA_VERSION_PATCH 0

/* Status codes. */
typedef enum gma_status {
  GMA_OK = 0,
  GMA_STOPPED = 1,            /* the progress hook asked to stop           */
  GMA_ERR_ARGUMENT = -1,      /* a null pointer, a size or value out of range */
  GMA_ERR_UNKNOWN_NAME = -2,  /* no parameter, option or diagnostic so named */
  GMA_ERR_STATE = -3,         /* call out of order: no target, no run yet  */
  GMA_ERR_CALLBACK = -4,      /* the target callback returned non-zero     */
  GMA_ERR_TARGET = -5,        /* no bank point has a finite log density    */
  GMA_ERR_NUMERIC = -6,       /* numerical failure the run cannot recover  */
  GMA_ERR_MEMORY = -7,        /* allocation failed                         */
  GMA_ERR_INTERNAL = -8       /* a bug in libgma: please report it         */
} gma_status;

/* A static English text for a status code; "unknown status" otherwise. */
GMA_API const char *gma_status_string(int status);

/* The library's version (any pointer may be NULL). */
GMA_API void gma_version(int *major, int *minor, int *patch);

/* The sampler: an opaque handle. */
typedef struct gma_sampler gma_sampler;

/*
 * Create a sampler for targets on R^dim (dim >= 1). On success *out holds
 * the handle; on failure *out is NULL and the status says why.
 */
GMA_API int gma_create(int dim, gma_sampler **out);

/* Free a sampler and everything it holds. NULL is accepted. */
GMA_API void gma_destroy(gma_sampler *s);

/* The dimension the sampler was created with (0 for NULL). */
GMA_API int gma_dim(const gma_sampler *s);

/*
 * The last error message of this handle: names the function and the values
 * involved. "" when the last call succeeded. Valid until the next call on
 * the handle.
 */
GMA_API const char *gma_last_error(const gma_sampler *s);

/* ---------------------------------------------------------------- target */

/*
 * Batched target: n points of dim doubles each, point j at x + j*dim.
 * Write log p~ of point j to out[j]. Return 0 on success; any other value
 * aborts the run with GMA_ERR_CALLBACK.
 *
 * Values: -INFINITY means "outside the support" and is legal. NaN and
 * +INFINITY are not densities: they are counted (diagnostic "invalid") and
 * treated as outside the support. A bank with no finite value fails the run
 * with GMA_ERR_TARGET.
 *
 * The callback is called only from the thread that called gma_run(), unless
 * the "threads" parameter is set above 1, which declares it thread-safe.
 */
typedef int (*gma_batch_fn)(int n, int dim, const double *x, double *out,
                            void *user_data);

/* Pointwise target: write log p~(x) to *out; same rules as the batch form. */
typedef int (*gma_point_fn)(int dim, const double *x, double *out,
                            void *user_data);

/* Set the target (replaces any previous one); fn must not be NULL. */
GMA_API int gma_set_target(gma_sampler *s, gma_batch_fn fn, void *user_data);
GMA_API int gma_set_target_pointwise(gma_sampler *s, gma_point_fn fn,
                                     void *user_data);

/* ------------------------------------------------------------- placement */

/*
 * The box [lower, upper] (dim values each, lower < upper, finite) where the
 * components are placed: the cell centres of a regular grid in 1-D (and in
 * 2-D when N is a perfect square), a Latin hypercube otherwise; LMA draws
 * its starts from it. It also sets the default component width. Replaces
 * means, a prior or a start.
 */
GMA_API int gma_set_box(gma_sampler *s, const double *lower,
                        const double *upper);

/*
 * Initial component means: n points (n >= 1), point j at means + j*dim.
 * Replaces a box, prior or start; the "components" parameter becomes n.
 * For LMA they are the starts of the local searches.
 * The default scale is then half the median nearest-neighbour distance.
 */
GMA_API int gma_set_means(gma_sampler *s, int n, const double *means);

/*
 * Bounds per coordinate: lower < upper, either may be -INFINITY/INFINITY
 * (unbounded). The sampler then works on unconstrained coordinates
 * (x = a + e^y above a bound a, x = b - e^y below b, a logistic map
 * between two) and adds the log-Jacobian to the target, so the callback
 * still receives and returns values on the constrained scale; a box, means
 * or a start are given on the constrained scale; draws come back on it.
 * The fitted mixture (gma_get_means, ...) is on the unconstrained scale.
 */
GMA_API int gma_set_bounds(gma_sampler *s, const double *lower,
                           const double *upper);

/*
 * A start point (dim values): with nothing else, a local search from it
 * (and from unit-normal jitters around it) finds the region, whose box then
 * places the components. Replaces a box, means or prior.
 */
GMA_API int gma_set_start(gma_sampler *s, const double *point);

/*
 * A prior sampler: fill out (n points of dim doubles, point j at
 * out + j*dim) with n draws from the prior; return 0, or non-zero to abort
 * the run with GMA_ERR_CALLBACK. Its draws place the components (W-GMA,
 * EM) or start the local searches (LMA). Replaces a box, means or start.
 * Reproducibility of its draws is the host's.
 */
typedef int (*gma_draw_fn)(int n, int dim, double *out, void *user_data);
GMA_API int gma_set_prior(gma_sampler *s, gma_draw_fn fn, void *user_data);

/*
 * Per-component diagonal variances: n points of dim positive values laid
 * out like the means (n must equal the number of means). Overrides
 * "cov_scale". Only with gma_set_means().
 */
GMA_API int gma_set_variances(gma_sampler *s, int n, const double *var);

/* --------------------------------------------------------------- settings */

/*
 * Numeric parameters by name. Unknown names give GMA_ERR_UNKNOWN_NAME and
 * values out of range GMA_ERR_ARGUMENT, each with a message naming both.
 * 0 means "the default" where marked (0*). gma_get_param reports the
 * value set; for a parameter left at 0 it reports, after a run, the
 * default that run resolved (cov_scale stays 0 when the default per-axis
 * width was used: it has no single value).
 *
 * Common
 *   components            N (0*): 50 in 1-D, 15 x 15 in 2-D, 40 dim (at
 *                         most 400) beyond; 8 for em
 *   points_per_component  M >= 2 (0*): 30; 200 for lma-wgma
 *   iterations            K (0*): 500; 60 for em
 *   step_size             eta0 > 0 (0*): 1.0 (wgma-md, wgma-refine,
 *                         lma-wgma), 0.01 (wgma-pgd: the paper's 0.1
 *                         overshoots without its floor on q), 0.05
 *                         (wgma-stable)
 *   cov_scale             isotropic variance > 0 (0*: half the spacing of
 *                         the means per axis, as a diagonal variance)
 *   draws                 output draws (0*): N * M from a bank, else 4000
 *   importance_draws      draws from the fitted mixture for the check
 *                         (Pareto k-hat, ESS, log evidence); 1000; 0: off
 *   threads               target evaluation threads (1); above 1 declares
 *                         the callback thread-safe
 *   batch_size            points per target call (4096)
 *   progress_every        iterations between progress calls (25)
 * Placement at the modes (wgma-md, -pgd, -stable, -refine; see the
 * placement option)
 *   adapt_rounds 1 (refits of the modes' Gaussians from a bank; up to 2
 *   more while the cover finds new modes), spread (0*: 1.25; 1 for
 *   wgma-stable, whose weights stay near uniform: the components' cloud
 *   sd over the mode's sd), cover_fraction 0.1 (share of components kept
 *   over the box)
 * wgma-stable (each device off at the value in brackets)
 *   temper_min 0.3 [1], standardise 0 [0; 1 fits p~^(1/sd)],
 *   entropy_penalty 0.01 [0], md_temperature 1.8 [1], damping 0.2 [0],
 *   step_offset 800, tail_fraction 0.75 [0]
 * wgma-refine
 *   refine_keep 0.2, refine_shrink 0.35, refine_jitter 0.15
 * lma, lma-wgma
 *   starts (0*: 10 + 2 dim), kappa 1.0, max_evaluations per start
 *   (0*: 200 (dim + 1)^2), merge_distance 1.0 (Mahalanobis)
 * em
 *   bank_size 4096, ridge 1e-6, eigen_floor 1e-6, max_condition 1e6,
 *   min_ess_fraction 0.05
 * lma and em also use eigen_floor and max_condition for their covariances.
 */
GMA_API int gma_set_param(gma_sampler *s, const char *name, double value);
GMA_API int gma_get_param(const gma_sampler *s, const char *name,
                          double *value);

/*
 * Text options by name.
 *
 *   method      "wgma-md" (default): weights-only GMA by mirror descent;
 *               "wgma-pgd": projected gradient descent; "wgma-stable":
 *               tempered, damped, averaged mirror descent; "wgma-refine":
 *               coarse-to-refine (two fits); "lma": Laplace mixture of the
 *               modes found by local searches; "lma-wgma": the Laplace
 *               components with weights fitted by W-GMA; "em": population
 *               EM with importance weights and full covariances
 *   schedule    "auto" (default: "backtracking" for wgma-pgd with the
 *               placement at the modes, else "inverse"), "inverse"
 *               (eta0 / k), "inverse-sqrt" (eta0 / sqrt k) or
 *               "backtracking" (each step from twice
 *               the last accepted one, eta0 at first, halved until the
 *               estimate of KL(q || p) decreases enough: Armijo's rule)
 *   resampling  "stratified" (default: a component by weight, then one of
 *               its bank points uniformly) or "systematic"
 *   output      "auto" (default: "bank" for the W-GMA methods, "mixture"
 *               otherwise), "bank" (the bank resampled by the weights),
 *               "mixture" (fresh draws from the fitted mixture) or
 *               "importance" (mixture draws resampled by their Pareto-
 *               smoothed importance weights: corrected towards the target)
 *   placement   "auto" (default: "modes" in 3 or more dimensions unless
 *               means or cov_scale are set, else "box"), "box" (a grid or
 *               Latin hypercube over the box, or the given means as they
 *               are) or "modes" (local searches find the modes; each
 *               mode's Laplace Gaussian N(m, S) gets a share of the
 *               components, means spread over 1.25 sd, covariance h^2 S
 *               with h Silverman's bandwidth; refitted by importance
 *               sampling of the bank). Ignored by lma, lma-wgma and em.
 */
GMA_API int gma_set_option(gma_sampler *s, const char *name,
                           const char *value);

/*
 * A text option's value into out (size bytes, the final NUL included):
 * after a run the value the run used ("auto" resolved to what it chose),
 * before one the value set. GMA_ERR_ARGUMENT when size is too small (the
 * message gives the size needed), GMA_ERR_UNKNOWN_NAME for a name that
 * is not an option.
 */
GMA_API int gma_get_option(const gma_sampler *s, const char *name,
                           char *out, int size);

/* The seed of the sampler's own random stream (default 42). */
GMA_API int gma_set_seed(gma_sampler *s, unsigned long long seed);

/* ------------------------------------------------------------------ hooks */

/* Stages reported to the progress hook. */
typedef enum gma_stage {
  GMA_STAGE_BANK = 0,      /* evaluating the target on the bank      */
  GMA_STAGE_FIT = 1,       /* fitting the mixture                    */
  GMA_STAGE_RESAMPLE = 2,  /* drawing the output                     */
  GMA_STAGE_CHECK = 3,     /* the importance check of the fit        */
  GMA_STAGE_OPTIMISE = 4   /* local searches for modes (LMA)         */
} gma_stage;

/*
 * Progress hook: called at every stage boundary and every "progress_every"
 * iterations with the work done so far out of total. Return non-zero to stop
 * the run: gma_run() then returns GMA_STOPPED and no results are kept.
 * Stages run in the order optimise (LMA), bank, fit, check, resample; a
 * method uses only some of them, and refine runs bank and fit twice.
 * NULL removes the hook.
 */
typedef int (*gma_progress_fn)(int stage, long done, long total,
                               void *user_data);
GMA_API int gma_set_progress(gma_sampler *s, gma_progress_fn fn,
                             void *user_data);

/* Log levels. */
typedef enum gma_log_level {
  GMA_LOG_ERROR = 0,
  GMA_LOG_WARNING = 1,
  GMA_LOG_INFO = 2,
  GMA_LOG_DEBUG = 3
} gma_log_level;

/*
 * Log hook: receives messages at or below max_level (e.g. GMA_LOG_WARNING
 * for warnings and errors). The library is silent without one. NULL
 * removes the hook.
 */
typedef void (*gma_log_fn)(int level, const char *message, void *user_data);
GMA_API int gma_set_logger(gma_sampler *s, gma_log_fn fn, int max_level,
                           void *user_data);

/* -------------------------------------------------------------------- run */

/*
 * Run the sampler: place the components, fit the mixture by the method,
 * check it by importance sampling, draw the output. Returns GMA_OK,
 * GMA_STOPPED or a failure; after anything but GMA_OK no results are
 * available.
 */
GMA_API int gma_run(gma_sampler *s);

/* ---------------------------------------------------------------- results */
/* Each getter before a successful run returns GMA_ERR_STATE. */

/*
 * The draws: n_draws * dim doubles, draw j at out + j*dim. n_draws must
 * equal the diagnostic "draws".
 */
GMA_API int gma_get_draws(const gma_sampler *s, double *out, long n_draws);

/* The fitted mixture: n must equal the diagnostic "components". */
GMA_API int gma_get_weights(const gma_sampler *s, double *out, int n);
/* Means: n * dim doubles, mean j at out + j*dim. */
GMA_API int gma_get_means(const gma_sampler *s, double *out, int n);
/* Covariances: n full dim x dim matrices, matrix j at out + j*dim*dim. */
GMA_API int gma_get_covariances(const gma_sampler *s, double *out, int n);

/*
 * Diagnostics by name (an unknown name, or one this run's method does not
 * report, gives GMA_ERR_UNKNOWN_NAME with the available names):
 *   draws, components     sizes of the result
 *   evaluations           target evaluations (points passed to it), all
 *                         stages included
 *   invalid               NaN or +Inf values returned by the target
 *   outside               points outside the support (-Inf, incl. invalid)
 *   weight_entropy        H(w) = -sum w log w of the fitted weights
 *   effective_components  exp(H(w))
 *   pareto_k              Pareto k-hat of the importance ratios p~/q of
 *                         importance_draws draws from the fitted mixture:
 *                         above pareto_k_threshold (0.7 or less for small
 *                         samples) the fit misses part of the target;
 *                         -INFINITY when the largest ratios are all equal
 *                         (q proportional to p~ there)
 *   pareto_k_threshold    min(1 - 1 / log10(importance_draws), 0.7)
 *   ess                   importance-sampling effective sample size
 *   log_evidence          log Z estimated from the same ratios, and
 *   log_evidence_se       its Monte Carlo standard error
 *   mean_shift            |mean_q - mean_p| in the Mahalanobis norm of
 *                         S_p, p's mean and covariance S_p from the
 *                         weighted draws, q's exact; and
 *   mean_shift_limit      0.2 + sqrt((d + 4 sqrt(2 d)) / ess): beyond it
 *                         a warning is logged (the draws are biased)
 *   scale_gap             largest |log(sd_q / sd_p)| over all directions
 *                         (from the eigenvalues of S_p^-1/2 S_q S_p^-1/2),
 *   scale_gap_limit       log 1.25 + log(1 + sqrt(d / ess))
 *                         + 3 / sqrt(2 ess), likewise; both NaN when
 *                         ess < d + 1
 *   run_time              seconds spent in gma_run()
 * W-GMA methods: elbo (the fit's in-sample estimate of
 * E_q[log p~ - log q], a lower bound of log Z up to its Monte Carlo error);
 * wgma-refine also stage1_elbo. LMA: modes, failed_starts; so does the
 * placement at the modes, with regions (the modes' Gaussians of the last
 * fit) and region_min_ess (their least importance ESS at the last
 * refit). EM: em_min_ess, em_last_ess, em_degenerate_iterations
 * (iterations whose importance weights were degenerate and were tempered;
 * a warning is logged).
 */
GMA_API int gma_get_diagnostic(const gma_sampler *s, const char *name,
                               double *value);

/*
 * The log importance ratios log p~ - log q of the importance check's draws
 * (n must equal the parameter "importance_draws"; -INFINITY outside the
 * support). GMA_ERR_STATE when the run made no check.
 */
GMA_API int gma_get_log_ratios(const gma_sampler *s, double *out, long n);

/* -------------------------------------------------------------- utilities */

/*
 * Pareto-smoothed importance sampling of any n >= 2 log ratios (finite or
 * -INFINITY; no NaN or +INFINITY): writes the smoothed log weights to
 * log_weights (n values, may be NULL) and the Pareto k-hat to *pareto_k
 * (+INFINITY when the tail is too short to fit). Needs no sampler; errors
 * give GMA_ERR_ARGUMENT.
 */
GMA_API int gma_pareto_smooth(const double *log_ratios, long n,
                              double *log_weights, double *pareto_k);

#ifdef __cplusplus
}
#endif

#endif /* GMA_H */
