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
 * components are placed when no means are given: a regular grid in one and
 * two dimensions, uniform random points in more. It also sets the default
 * component scale. Replaces earlier means.
 */
GMA_API int gma_set_box(gma_sampler *s, const double *lower,
                        const double *upper);

/*
 * Initial component means: n points (n >= 1), point j at means + j*dim.
 * Replaces an earlier box placement; the "components" parameter becomes n.
 * The default scale is then half the median nearest-neighbour distance.
 */
GMA_API int gma_set_means(gma_sampler *s, int n, const double *means);

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
 *
 *   components            N, number of components (>= 1); default from the
 *                         box: 50 in 1-D, 15 x 15 in 2-D, 40 * dim (at
 *                         most 400) in more
 *   points_per_component  M, bank points per component (>= 2); default 30
 *   iterations            K, weight updates (>= 1); default 500
 *   step_size             initial step eta0 (> 0); default 0.1 for
 *                         projected gradient, 1.0 for mirror descent
 *   cov_scale             isotropic component variance (> 0); default from
 *                         the box or the means (0 = choose it)
 *   draws                 number of output draws (>= 1); default N * M
 *   threads               target evaluation threads (>= 1); default 1;
 *                         above 1 declares the callback thread-safe
 *   batch_size            points per target call (>= 1); default 4096
 *   progress_every        iterations between progress calls (>= 1); 25
 */
GMA_API int gma_set_param(gma_sampler *s, const char *name, double value);
GMA_API int gma_get_param(const gma_sampler *s, const char *name,
                          double *value);

/*
 * Text options by name.
 *
 *   method      "wgma-md" (default: mirror descent, exponentiated
 *               gradient) or "wgma-pgd" (projected gradient descent)
 *   schedule    "inverse" (eta0 / k, default) or "inverse-sqrt"
 *               (eta0 / sqrt(k))
 *   resampling  "stratified" (default: a component by weight, then one of
 *               its bank points uniformly) or "systematic" (one uniform,
 *               evenly spaced positions over the bank points' weights)
 */
GMA_API int gma_set_option(gma_sampler *s, const char *name,
                           const char *value);

/* The seed of the sampler's own random stream (default 42). */
GMA_API int gma_set_seed(gma_sampler *s, unsigned long long seed);

/* ------------------------------------------------------------------ hooks */

/* Stages reported to the progress hook. */
typedef enum gma_stage {
  GMA_STAGE_BANK = 0,     /* evaluating the target on the bank  */
  GMA_STAGE_FIT = 1,      /* fitting the mixture weights        */
  GMA_STAGE_RESAMPLE = 2  /* drawing the output                 */
} gma_stage;

/*
 * Progress hook: called at every stage boundary and every "progress_every"
 * iterations with the work done so far out of total. Return non-zero to stop
 * the run: gma_run() then returns GMA_STOPPED and no results are kept.
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
 * Run the sampler: place the components, draw and evaluate the bank, fit the
 * weights, draw the output. Returns GMA_OK, GMA_STOPPED or a failure; after
 * anything but GMA_OK no results are available.
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
 * Diagnostics by name:
 *   draws           number of output draws
 *   components      number of mixture components
 *   evaluations     target evaluations (points passed to the callback)
 *   invalid         NaN or +Inf values returned by the target
 *   outside         bank points outside the support (-Inf, incl. invalid)
 *   weight_entropy  H(w) = -sum w log w of the fitted weights
 *   effective_components  exp(H(w))
 *   elbo            the fit's estimate of E_q[log p~ - log q] (<= log Z)
 *   run_time        seconds spent in gma_run()
 */
GMA_API int gma_get_diagnostic(const gma_sampler *s, const char *name,
                               double *value);

#ifdef __cplusplus
}
#endif

#endif /* GMA_H */
