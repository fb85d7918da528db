/*
 * test_capi.c: the C API of libgma held to its contract, gma.h.
 *
 * Every function of the header is called, with good and bad arguments, and
 * every status the header names is checked where a call can produce it.
 * The harness is a CHECK macro that counts; the last line printed is
 * "N passed, M failed" and the exit status is non-zero on any failure.
 *
 * The reference target is the 2-D Gaussian N((1, -1), I) sampled in the box
 * [-6, 6]^2 with small settings (fewer components, bank points and
 * iterations than the defaults) where only the mechanics are checked, and
 * with the default 15 x 15 grid where the draws' mean is, so that the whole
 * file runs in seconds, also under valgrind.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gma.h"

/* ------------------------------------------------------------- harness */

static int g_passed = 0;
static int g_failed = 0;

/* Count one check; report a failure with its place and its text. */
static void check_at(int ok, const char *what, const char *file, int line) {
  if (ok) {
    ++g_passed;
    return;
  }
  ++g_failed;
  printf("%s:%d: CHECK failed: %s\n", file, line, what);
}

/* Count a status check; a failure shows the status got and wanted. */
static void check_status_at(int got, int want, const char *what,
                            const char *file, int line) {
  if (got == want) {
    ++g_passed;
    return;
  }
  ++g_failed;
  printf("%s:%d: CHECK failed: %s gave %d (%s), want %d (%s)\n",
          file, line, what, got, gma_status_string(got), want,
          gma_status_string(want));
}

/* Count a message check: the handle's last error must contain part. */
static void check_message_at(const gma_sampler *s, const char *part,
                             const char *file, int line) {
  const char *message = gma_last_error(s);
  if (message != NULL && strstr(message, part) != NULL) {
    ++g_passed;
    return;
  }
  ++g_failed;
  printf("%s:%d: CHECK failed: last error \"%s\" lacks \"%s\"\n",
          file, line, message ? message : "(NULL)", part);
}

#define CHECK(cond) check_at((cond) != 0, #cond, __FILE__, __LINE__)
#define CHECK_STATUS(call, want) \
  check_status_at((call), (want), #call, __FILE__, __LINE__)
#define CHECK_MESSAGE(s, part) check_message_at((s), (part), __FILE__, __LINE__)
#define CHECK_NO_ERROR(s) CHECK(strcmp(gma_last_error(s), "") == 0)

/* Print the tally as the last line; the exit status for main(). */
static int finish(void) {
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Give up when a test cannot go on (no handle, no memory). */
static void fatal(const char *why) {
  ++g_failed;
  printf("fatal: %s\n", why);
  exit(finish());
}

/* -------------------------------------------------------------- targets */

/* The reference target: N((1, -1), I), known up to a constant. */
static const double kTruth[2] = {1.0, -1.0};

/* log N((1, -1), I) at one 2-D point, without the constant. */
static double log_gauss(const double *p) {
  const double a = p[0] - kTruth[0], b = p[1] - kTruth[1];
  return -0.5 * (a * a + b * b);
}

/* Batched reference target; pure, hence thread-safe. */
static int gauss_batch(int n, int dim, const double *x, double *out,
                       void *user_data) {
  (void)user_data;
  for (int j = 0; j < n; ++j) out[j] = log_gauss(x + (size_t)j * dim);
  return 0;
}

/* Pointwise reference target. */
static int gauss_point(int dim, const double *x, double *out,
                       void *user_data) {
  (void)dim;
  (void)user_data;
  *out = log_gauss(x);
  return 0;
}

/* What a probe target does, and what it saw (single-threaded runs). */
enum probe_mode {
  PROBE_PLAIN,    /* the reference Gaussian everywhere                */
  PROBE_INVALID,  /* NaN for x0 > 2.5, +Inf for x1 < -3, else Gaussian */
  PROBE_HALF,     /* -Inf for x0 < 0, else Gaussian                   */
  PROBE_ALL_NAN,  /* NaN everywhere                                   */
  PROBE_ALL_NINF, /* -Inf everywhere                                  */
  PROBE_FAIL      /* the callback returns 7                           */
};

typedef struct probe {
  enum probe_mode mode;
  long points;   /* points passed to the callback */
  long invalid;  /* NaN and +Inf returned         */
  long neg_inf;  /* -Inf returned                 */
} probe;

/* The value a probe returns at p; counts what it returns. */
static double probe_value(probe *pr, const double *p) {
  double v = log_gauss(p);
  if (pr->mode == PROBE_INVALID && p[0] > 2.5) v = NAN;
  else if (pr->mode == PROBE_INVALID && p[1] < -3.0) v = INFINITY;
  else if (pr->mode == PROBE_HALF && p[0] < 0.0) v = -INFINITY;
  else if (pr->mode == PROBE_ALL_NAN) v = NAN;
  else if (pr->mode == PROBE_ALL_NINF) v = -INFINITY;
  if (isnan(v) || v == INFINITY) ++pr->invalid;
  if (v == -INFINITY) ++pr->neg_inf;
  return v;
}

/* Batched probe target: user_data is a probe. */
static int probe_batch(int n, int dim, const double *x, double *out,
                       void *user_data) {
  probe *pr = user_data;
  if (pr->mode == PROBE_FAIL) return 7;
  for (int j = 0; j < n; ++j)
    out[j] = probe_value(pr, x + (size_t)j * dim);
  pr->points += n;
  return 0;
}

/* A small generator of our own for the prior (reproducible anywhere). */
static double next_uniform(unsigned long long *state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*state >> 11) / 9007199254740992.0;
}

/* Prior sampler: uniform on [-6, 6]^2; user_data is the state. */
static int uniform_prior(int n, int dim, double *out, void *user_data) {
  unsigned long long *state = user_data;
  for (long j = 0; j < (long)n * dim; ++j)
    out[j] = -6 + 12 * next_uniform(state);
  return 0;
}

/* A prior sampler that fails with code 5. */
static int failing_prior(int n, int dim, double *out, void *user_data) {
  (void)n;
  (void)dim;
  (void)out;
  (void)user_data;
  return 5;
}

/* A prior sampler that draws NaN. */
static int nan_prior(int n, int dim, double *out, void *user_data) {
  (void)user_data;
  for (long j = 0; j < (long)n * dim; ++j) out[j] = NAN;
  return 0;
}

/* ------------------------------------------------------------- helpers */

/* Small settings: 7 x 7 grid, 20 bank points each, 100 iterations. */
enum { kComponents = 49, kPerComponent = 20, kIterations = 100 };
enum { kDraws = 2000 };

/* Settings for accuracy: the default 15 x 15 grid and bank size. */
enum { kFineComponents = 225, kFinePerComponent = 30 };

/* The default number of draws of the importance check. */
enum { kImportanceDraws = 1000 };

/* A 2-D sampler with the reference box, small settings and a seed. */
static gma_sampler *small_sampler(unsigned long long seed) {
  const double lo[2] = {-6, -6}, hi[2] = {6, 6};
  gma_sampler *s = NULL;
  if (gma_create(2, &s) != GMA_OK || s == NULL) fatal("gma_create failed");
  CHECK_STATUS(gma_set_box(s, lo, hi), GMA_OK);
  CHECK_STATUS(gma_set_param(s, "components", kComponents), GMA_OK);
  CHECK_STATUS(gma_set_param(s, "points_per_component", kPerComponent),
               GMA_OK);
  CHECK_STATUS(gma_set_param(s, "iterations", kIterations), GMA_OK);
  CHECK_STATUS(gma_set_param(s, "draws", kDraws), GMA_OK);
  CHECK_STATUS(gma_set_seed(s, seed), GMA_OK);
  return s;
}

/* Switch a small sampler to the settings for accuracy. */
static void refine(gma_sampler *s) {
  CHECK_STATUS(gma_set_param(s, "components", kFineComponents), GMA_OK);
  CHECK_STATUS(gma_set_param(s, "points_per_component", kFinePerComponent),
               GMA_OK);
}

/* The draws of the last run (malloc'd, NULL if none); *n their count. */
static double *fetch_draws(gma_sampler *s, long *n) {
  double count = 0;
  *n = 0;
  if (gma_get_diagnostic(s, "draws", &count) != GMA_OK || count < 1)
    return NULL;
  double *draws = malloc((size_t)count * 2 * sizeof *draws);
  if (draws == NULL) fatal("out of memory");
  if (gma_get_draws(s, draws, (long)count) != GMA_OK) {
    free(draws);
    return NULL;
  }
  *n = (long)count;
  return draws;
}

/* Run s, checking GMA_OK, and fetch the draws as fetch_draws(). */
static double *run_and_fetch(gma_sampler *s, long *n) {
  const int status = gma_run(s);
  CHECK_STATUS(status, GMA_OK);
  if (status != GMA_OK) printf("  %s\n", gma_last_error(s));
  return fetch_draws(s, n);
}

/* The mean of n 2-D draws into mean[2]. */
static void mean2(const double *draws, long n, double *mean) {
  mean[0] = mean[1] = 0;
  for (long j = 0; j < n; ++j) {
    mean[0] += draws[2 * j];
    mean[1] += draws[2 * j + 1];
  }
  mean[0] /= (double)n;
  mean[1] /= (double)n;
}

/* Is the mean of the draws within tol of truth in both coordinates? */
static int mean_near(const double *draws, long n, const double *truth,
                     double tol) {
  double mean[2];
  if (draws == NULL || n < 1) return 0;
  mean2(draws, n, mean);
  if (fabs(mean[0] - truth[0]) < tol && fabs(mean[1] - truth[1]) < tol)
    return 1;
  printf("  mean of the draws (%.4f, %.4f), truth (%g, %g), tol %g\n",
         mean[0], mean[1], truth[0], truth[1], tol);
  return 0;
}

/*
 * Is the mean of the draws within 0.15 of (1, -1) in both coordinates?
 * The 2000 draws are resampled from the bank points of the components
 * that carry weight (some 20 of them, 30 points each, with the fine
 * settings), so they repeat points: their effective sample size is about
 * 1000, which puts the Monte Carlo sd of a coordinate's mean (unit
 * variance) near 1 / sqrt(1000) = 0.03; 0.15 is 5 of those.
 */
static int mean_near_truth(const double *draws, long n) {
  return mean_near(draws, n, kTruth, 0.15);
}

/* Are all n 2-D draws finite? */
static int all_finite(const double *draws, long n) {
  for (long j = 0; j < 2 * n; ++j)
    if (!isfinite(draws[j])) return 0;
  return 1;
}

/* ------------------------------------------------------ version, status */

/* gma_version() matches the macros and accepts NULL pointers. */
static void test_version(void) {
  int major = -1, minor = -1, patch = -1;
  gma_version(&major, &minor, &patch);
  CHECK(major == GMA_VERSION_MAJOR);
  CHECK(minor == GMA_VERSION_MINOR);
  CHECK(patch == GMA_VERSION_PATCH);
  gma_version(NULL, NULL, NULL);
  minor = -1;
  gma_version(NULL, &minor, NULL);
  CHECK(minor == GMA_VERSION_MINOR);
}

/* Every code has its own text; others read "unknown status". */
static void test_status_strings(void) {
  const int codes[] = {GMA_OK,           GMA_STOPPED,
                       GMA_ERR_ARGUMENT, GMA_ERR_UNKNOWN_NAME,
                       GMA_ERR_STATE,    GMA_ERR_CALLBACK,
                       GMA_ERR_TARGET,   GMA_ERR_NUMERIC,
                       GMA_ERR_MEMORY,   GMA_ERR_INTERNAL};
  const int n = (int)(sizeof codes / sizeof codes[0]);
  for (int i = 0; i < n; ++i) {
    const char *text = gma_status_string(codes[i]);
    CHECK(text != NULL && text[0] != '\0');
    CHECK(text != NULL && strcmp(text, "unknown status") != 0);
    for (int k = 0; k < i; ++k)
      CHECK(strcmp(text, gma_status_string(codes[k])) != 0);
  }
  CHECK(strcmp(gma_status_string(2), "unknown status") == 0);
  CHECK(strcmp(gma_status_string(-9), "unknown status") == 0);
  CHECK(strcmp(gma_status_string(12345), "unknown status") == 0);
}

/* ---------------------------------------------------- handle lifecycle */

/* gma_create() rejects dim < 1 and a NULL out; gma_dim() reports. */
static void test_create(void) {
  gma_sampler *s = (gma_sampler *)&s;
  CHECK_STATUS(gma_create(0, &s), GMA_ERR_ARGUMENT);
  CHECK(s == NULL);
  s = (gma_sampler *)&s;
  CHECK_STATUS(gma_create(-1, &s), GMA_ERR_ARGUMENT);
  CHECK(s == NULL);
  CHECK_STATUS(gma_create(2, NULL), GMA_ERR_ARGUMENT);

  /* A good handle: its dimension, an empty message; NULL is harmless. */
  CHECK_STATUS(gma_create(3, &s), GMA_OK);
  CHECK(s != NULL);
  CHECK(gma_dim(s) == 3);
  CHECK_NO_ERROR(s);
  gma_destroy(s);
  gma_destroy(NULL);
  CHECK(gma_dim(NULL) == 0);
  CHECK(gma_last_error(NULL) != NULL);
}

/* Every function taking a handle returns GMA_ERR_ARGUMENT for NULL. */
static void test_null_handle(void) {
  const double lo[2] = {-1, -1}, hi[2] = {1, 1};
  double v = 0, buf[8];
  CHECK_STATUS(gma_set_target(NULL, gauss_batch, NULL), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_target_pointwise(NULL, gauss_point, NULL),
               GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_box(NULL, lo, hi), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_means(NULL, 1, lo), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_variances(NULL, 1, hi), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_param(NULL, "iterations", 10), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_get_param(NULL, "iterations", &v), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_option(NULL, "method", "wgma-md"), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_seed(NULL, 1), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_progress(NULL, NULL, NULL), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_logger(NULL, NULL, GMA_LOG_ERROR, NULL),
               GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_run(NULL), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_get_draws(NULL, buf, 1), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_get_weights(NULL, buf, 1), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_get_means(NULL, buf, 1), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_get_covariances(NULL, buf, 1), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_get_diagnostic(NULL, "draws", &v), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_bounds(NULL, lo, hi), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_start(NULL, lo), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_prior(NULL, uniform_prior, NULL), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_get_log_ratios(NULL, buf, 1), GMA_ERR_ARGUMENT);
}

/* NULL pointer arguments on a good handle: GMA_ERR_ARGUMENT, a message. */
static void test_null_arguments(void) {
  const double lo[2] = {-1, -1};
  double v = 0;
  gma_sampler *s = small_sampler(1);
  CHECK_STATUS(gma_set_box(s, NULL, lo), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_box");
  CHECK_STATUS(gma_set_box(s, lo, NULL), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_means(s, 1, NULL), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_means");
  CHECK_STATUS(gma_set_variances(s, 1, NULL), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_param(s, NULL, 1), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_param");
  CHECK_STATUS(gma_get_param(s, NULL, &v), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_get_param(s, "iterations", NULL), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_option(s, NULL, "wgma-md"), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_option(s, "method", NULL), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_option");
  CHECK_STATUS(gma_set_bounds(s, NULL, lo), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_bounds");
  CHECK_STATUS(gma_set_bounds(s, lo, NULL), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_start(s, NULL), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_start");
  CHECK_STATUS(gma_set_prior(s, NULL, NULL), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_prior");

  /* A NULL target function is refused in both forms. */
  CHECK_STATUS(gma_set_target(s, NULL, NULL), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_target");
  CHECK_STATUS(gma_set_target_pointwise(s, NULL, NULL), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_target_pointwise");
  CHECK_STATUS(gma_run(s), GMA_ERR_STATE);
  gma_destroy(s);
}

/* ------------------------------------------------------------ settings */

/* A parameter, a value it must take, whether it takes 0 (the default)
 * and values it must refuse. */
typedef struct param_case {
  const char *name;
  double good;
  int zero_ok;
  double bad[4];
  int n_bad;
} param_case;

/* One parameter: the good value reads back, each bad one is refused. */
static void check_param(gma_sampler *s, const param_case *c) {
  double v = -1;
  CHECK_STATUS(gma_set_param(s, c->name, c->good), GMA_OK);
  CHECK_NO_ERROR(s);
  CHECK_STATUS(gma_get_param(s, c->name, &v), GMA_OK);
  CHECK(v == c->good);
  if (c->zero_ok) {
    CHECK_STATUS(gma_set_param(s, c->name, 0), GMA_OK);
    CHECK_STATUS(gma_set_param(s, c->name, c->good), GMA_OK);
  }
  for (int i = 0; i < c->n_bad; ++i) {
    const int status = gma_set_param(s, c->name, c->bad[i]);
    CHECK_STATUS(status, GMA_ERR_ARGUMENT);
    if (status != GMA_ERR_ARGUMENT) {
      /* Accepted: say which, and restore the good value. */
      printf("  (%s = %g accepted)\n", c->name, c->bad[i]);
      CHECK_STATUS(gma_set_param(s, c->name, c->good), GMA_OK);
      continue;
    }

    /* Refused: a message naming both, the old value kept. */
    CHECK_MESSAGE(s, c->name);
    CHECK_MESSAGE(s, "gma_set_param");
    CHECK_STATUS(gma_get_param(s, c->name, &v), GMA_OK);
    CHECK(v == c->good);
  }
}

/*
 * Every parameter of the header: good values, bad values, messages. The
 * header marks with 0* those that take 0 for the default; fractions and
 * probabilities must lie in [0, 1]; counts must be whole; nothing negative
 * or NaN is a valid value of any of them.
 */
static void test_parameters(void) {
  const param_case cases[] = {
      {"components", 16, 1, {-3, 2.5, NAN}, 3},
      {"points_per_component", 12, 1, {1, -1, 3.5}, 3},
      {"iterations", 40, 1, {-1, 1.5, INFINITY}, 3},
      {"step_size", 0.5, 1, {-0.1, INFINITY, NAN}, 3},
      {"cov_scale", 0.25, 1, {-1, INFINITY, NAN}, 3},
      {"draws", 300, 1, {-1, 0.5}, 2},
      {"importance_draws", 500, 1, {-1, 2.5, NAN}, 3},
      {"threads", 2, 0, {0, -2, 1.5}, 3},
      {"batch_size", 64, 0, {0, -1, 0.25}, 3},
      {"progress_every", 5, 0, {0, -5, 2.5}, 3},
      {"temper_min", 0.5, 0, {-0.1, 1.5, NAN}, 3},
      {"standardise", 1, 0, {-1, NAN}, 2},
      {"entropy_penalty", 0.02, 0, {-0.01, NAN}, 2},
      {"md_temperature", 1.5, 0, {-1, NAN}, 2},
      {"damping", 0.1, 0, {-0.1, NAN}, 2},
      {"step_offset", 100, 0, {-1, NAN}, 2},
      {"tail_fraction", 0.5, 0, {-0.5, 1.5, NAN}, 3},
      {"refine_keep", 0.3, 0, {-0.2, 1.5, NAN}, 3},
      {"refine_shrink", 0.5, 0, {-0.1, NAN}, 2},
      {"refine_jitter", 0.2, 0, {-0.1, NAN}, 2},
      {"starts", 8, 1, {-1, 2.5, NAN}, 3},
      {"kappa", 2, 0, {-1, NAN}, 2},
      {"max_evaluations", 500, 1, {-1, 2.5, NAN}, 3},
      {"merge_distance", 2, 0, {-1, NAN}, 2},
      {"bank_size", 1000, 0, {-1, 2.5, NAN}, 3},
      {"ridge", 1e-5, 0, {-1, NAN}, 2},
      {"eigen_floor", 1e-5, 0, {-1, NAN}, 2},
      {"max_condition", 1e5, 0, {-1, NAN}, 2},
      {"min_ess_fraction", 0.01, 0, {-0.1, 1.5, NAN}, 3}};
  gma_sampler *s = NULL;
  double v = 0;
  CHECK_STATUS(gma_create(2, &s), GMA_OK);
  if (s == NULL) fatal("gma_create failed");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i)
    check_param(s, &cases[i]);

  /* A bad value is named in the message. */
  CHECK_STATUS(gma_set_param(s, "components", -3), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "components");
  CHECK_MESSAGE(s, "-3");

  /* Unknown names, set or read, are named in the message. */
  CHECK_STATUS(gma_set_param(s, "no_such_param", 1), GMA_ERR_UNKNOWN_NAME);
  CHECK_MESSAGE(s, "no_such_param");
  CHECK_STATUS(gma_get_param(s, "no_such_param", &v), GMA_ERR_UNKNOWN_NAME);
  CHECK_MESSAGE(s, "no_such_param");
  CHECK_STATUS(gma_set_seed(s, 123456789ULL), GMA_OK);
  CHECK_NO_ERROR(s);
  gma_destroy(s);
}

/* An option, its good values (NULL-ended) and one bad value. */
typedef struct option_case {
  const char *name;
  const char *good[8];
  const char *bad;
} option_case;

/* Every option of the header: good and bad values, unknown options. */
static void test_options(void) {
  const option_case cases[] = {
      {"method",
       {"wgma-md", "wgma-pgd", "wgma-stable", "wgma-refine", "lma",
        "lma-wgma", "em", NULL},
       "wgma-sgd"},
      {"schedule", {"inverse", "inverse-sqrt", "backtracking", "auto", NULL},
       "linear"},
      {"resampling", {"stratified", "systematic", NULL}, "multinomial"},
      {"output", {"auto", "bank", "mixture", "importance", NULL}, "raw"},
      {"placement", {"auto", "box", "modes", NULL}, "grid"}};
  gma_sampler *s = NULL;
  CHECK_STATUS(gma_create(2, &s), GMA_OK);
  if (s == NULL) fatal("gma_create failed");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    for (int k = 0; cases[i].good[k] != NULL; ++k) {
      CHECK_STATUS(gma_set_option(s, cases[i].name, cases[i].good[k]),
                   GMA_OK);
      CHECK_NO_ERROR(s);
    }
    CHECK_STATUS(gma_set_option(s, cases[i].name, cases[i].bad),
                 GMA_ERR_ARGUMENT);
    CHECK_MESSAGE(s, cases[i].name);
    CHECK_MESSAGE(s, cases[i].bad);
    CHECK_MESSAGE(s, "gma_set_option");
  }
  CHECK_STATUS(gma_set_option(s, "colour", "blue"), GMA_ERR_UNKNOWN_NAME);
  CHECK_MESSAGE(s, "colour");
  gma_destroy(s);
}

/* ----------------------------------------------------------- placement */

/* gma_set_box() wants finite lower < upper in every coordinate. */
static void test_box(void) {
  const double lo[2] = {-6, -6}, hi[2] = {6, 6};
  const double flat[2] = {-6, 6}, nan_hi[2] = {6, NAN};
  const double inf_lo[2] = {-INFINITY, -6}, inf_hi[2] = {6, INFINITY};
  gma_sampler *s = NULL;
  CHECK_STATUS(gma_create(2, &s), GMA_OK);
  if (s == NULL) fatal("gma_create failed");
  CHECK_STATUS(gma_set_box(s, lo, hi), GMA_OK);
  CHECK_NO_ERROR(s);
  CHECK_STATUS(gma_set_box(s, hi, lo), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_box");
  CHECK_STATUS(gma_set_box(s, lo, flat), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_box(s, lo, lo), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_box(s, lo, nan_hi), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_box");
  CHECK_STATUS(gma_set_box(s, inf_lo, hi), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_box(s, lo, inf_hi), GMA_ERR_ARGUMENT);
  gma_destroy(s);
}

/* gma_set_means() and gma_set_variances(): counts, values, order. */
static void test_means_variances(void) {
  const double means[4] = {0, 0, 1, 1}, nan_means[4] = {0, 0, NAN, 1};
  const double var[4] = {1, 1, 0.5, 2}, bad_var[4] = {1, 1, 0, 2};
  const double neg_var[4] = {1, -1, 1, 1}, nan_var[4] = {1, NAN, 1, 1};
  const double lo[2] = {-6, -6}, hi[2] = {6, 6};
  double v = 0;
  gma_sampler *s = NULL;
  CHECK_STATUS(gma_create(2, &s), GMA_OK);
  if (s == NULL) fatal("gma_create failed");

  /* Variances need means first. */
  CHECK_STATUS(gma_set_variances(s, 2, var), GMA_ERR_STATE);
  CHECK_MESSAGE(s, "gma_set_variances");

  /* Means: at least one, finite; "components" becomes their count. */
  CHECK_STATUS(gma_set_means(s, 0, means), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_means");
  CHECK_STATUS(gma_set_means(s, -2, means), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_means(s, 2, nan_means), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_means");
  CHECK_STATUS(gma_set_means(s, 2, means), GMA_OK);
  CHECK_NO_ERROR(s);
  CHECK_STATUS(gma_get_param(s, "components", &v), GMA_OK);
  CHECK(v == 2);

  /* Variances: one positive, finite vector per mean. */
  CHECK_STATUS(gma_set_variances(s, 1, var), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_variances");
  CHECK_STATUS(gma_set_variances(s, 0, var), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_variances(s, 2, bad_var), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_variances");
  CHECK_STATUS(gma_set_variances(s, 2, neg_var), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_variances(s, 2, nan_var), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_variances(s, 2, var), GMA_OK);
  CHECK_NO_ERROR(s);

  /* A box replaces the means, so variances are out of order again. */
  CHECK_STATUS(gma_set_box(s, lo, hi), GMA_OK);
  CHECK_STATUS(gma_set_variances(s, 2, var), GMA_ERR_STATE);
  gma_destroy(s);
}

/* gma_set_bounds(), gma_set_start(), gma_set_prior(): bad arguments. */
static void test_other_placements(void) {
  const double lo[2] = {0, -INFINITY}, hi[2] = {INFINITY, INFINITY};
  const double swapped[2] = {1, 0}, zero[2] = {0, 0}, nan2[2] = {NAN, 0};
  gma_sampler *s = small_sampler(42);
  long n = 0;

  /* Bounds: lower < upper, infinite ends allowed, NaN not. */
  CHECK_STATUS(gma_set_bounds(s, lo, hi), GMA_OK);
  CHECK_NO_ERROR(s);
  CHECK_STATUS(gma_set_bounds(s, swapped, zero), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_bounds");
  CHECK_STATUS(gma_set_bounds(s, zero, zero), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_bounds(s, nan2, hi), GMA_ERR_ARGUMENT);

  /* A start must be finite. */
  CHECK_STATUS(gma_set_start(s, nan2), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_start");
  CHECK_STATUS(gma_set_start(s, zero), GMA_OK);
  CHECK_NO_ERROR(s);

  /* A prior that fails, or draws NaN, fails the run with a message. */
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_set_prior(s, failing_prior, NULL), GMA_OK);
  CHECK_STATUS(gma_run(s), GMA_ERR_CALLBACK);
  CHECK_MESSAGE(s, "gma_run");
  CHECK_MESSAGE(s, "5");
  CHECK_STATUS(gma_set_prior(s, nan_prior, NULL), GMA_OK);
  CHECK_STATUS(gma_run(s), GMA_ERR_CALLBACK);
  CHECK_MESSAGE(s, "gma_run");

  /* Means replace the prior: the run no longer calls it. */
  CHECK_STATUS(gma_set_means(s, 1, kTruth), GMA_OK);
  free(run_and_fetch(s, &n));
  CHECK(n == kDraws);
  gma_destroy(s);
}

/* A start point alone: the local search finds the region. */
static void test_start_run(void) {
  const double start[2] = {0, 0};
  gma_sampler *s = small_sampler(42);
  long n = 0;
  refine(s);
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_set_start(s, start), GMA_OK);
  double *draws = run_and_fetch(s, &n);
  CHECK(mean_near_truth(draws, n));
  free(draws);
  gma_destroy(s);
}

/*
 * A uniform prior on the box places the components at random and narrow
 * (the spread shrunk by N^(-2/d)), which leaves gaps: the mean's error is
 * about 0.1 (seen over 200 seeds), so 0.5 is 5 of those.
 */
static void test_prior_run(void) {
  unsigned long long state = 2024;
  gma_sampler *s = small_sampler(42);
  long n = 0;
  refine(s);
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_set_prior(s, uniform_prior, &state), GMA_OK);
  double *draws = run_and_fetch(s, &n);
  CHECK(mean_near(draws, n, kTruth, 0.5));
  free(draws);
  gma_destroy(s);
}

/*
 * Bounds x0 > 0 on N((1, -1), I) cut at x0 = 0: the callback sees only
 * points with x0 > 0 (the transform keeps them inside) and the draws come
 * back there. The cut Gaussian's mean is (1 + phi(1) / Phi(1), -1) =
 * (1.2876, -1) and its log Z is log(2 pi Phi(1)) = 1.6651.
 */
static void test_bounds_run(void) {
  const double lo[2] = {0, -INFINITY}, hi[2] = {INFINITY, INFINITY};
  const double box_lo[2] = {0.01, -6}, box_hi[2] = {6, 6};
  const double truth[2] = {1.2876, -1};
  probe pr = {PROBE_HALF, 0, 0, 0};
  gma_sampler *s = small_sampler(42);
  double evidence = 0, se = 0;
  long n = 0, left = 0;
  refine(s);
  CHECK_STATUS(gma_set_target(s, probe_batch, &pr), GMA_OK);
  CHECK_STATUS(gma_set_bounds(s, lo, hi), GMA_OK);
  CHECK_STATUS(gma_set_box(s, box_lo, box_hi), GMA_OK);
  double *draws = run_and_fetch(s, &n);
  CHECK(pr.points > 0 && pr.neg_inf == 0);
  for (long j = 0; draws != NULL && j < n; ++j) left += draws[2 * j] <= 0;
  CHECK(n == kDraws && left == 0);
  CHECK(mean_near(draws, n, truth, 0.15));
  CHECK_STATUS(gma_get_diagnostic(s, "log_evidence", &evidence), GMA_OK);
  CHECK_STATUS(gma_get_diagnostic(s, "log_evidence_se", &se), GMA_OK);
  CHECK(fabs(evidence - 1.6651) < 5 * se + 0.05);
  free(draws);
  gma_destroy(s);
}

/* ------------------------------------------------------------ run state */

/* gma_run() needs a target and a placement; getters need a run. */
static void test_run_state(void) {
  const double lo[2] = {-6, -6}, hi[2] = {6, 6};
  double buf[2 * kDraws], v = 0;
  gma_sampler *s = NULL;
  CHECK_STATUS(gma_create(2, &s), GMA_OK);
  if (s == NULL) fatal("gma_create failed");

  /* Neither target nor box, then a target alone. */
  CHECK_STATUS(gma_run(s), GMA_ERR_STATE);
  CHECK_MESSAGE(s, "gma_run");
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_run(s), GMA_ERR_STATE);
  CHECK_MESSAGE(s, "gma_run");

  /* A box alone, on a fresh handle. */
  gma_destroy(s);
  CHECK_STATUS(gma_create(2, &s), GMA_OK);
  if (s == NULL) fatal("gma_create failed");
  CHECK_STATUS(gma_set_box(s, lo, hi), GMA_OK);
  CHECK_STATUS(gma_run(s), GMA_ERR_STATE);
  CHECK_MESSAGE(s, "gma_run");

  /* Every getter before a run. */
  CHECK_STATUS(gma_get_draws(s, buf, 1), GMA_ERR_STATE);
  CHECK_MESSAGE(s, "gma_get_draws");
  CHECK_STATUS(gma_get_weights(s, buf, 1), GMA_ERR_STATE);
  CHECK_MESSAGE(s, "gma_get_weights");
  CHECK_STATUS(gma_get_means(s, buf, 1), GMA_ERR_STATE);
  CHECK_MESSAGE(s, "gma_get_means");
  CHECK_STATUS(gma_get_covariances(s, buf, 1), GMA_ERR_STATE);
  CHECK_MESSAGE(s, "gma_get_covariances");
  CHECK_STATUS(gma_get_diagnostic(s, "draws", &v), GMA_ERR_STATE);
  CHECK_MESSAGE(s, "gma_get_diagnostic");
  gma_destroy(s);
}

/* ------------------------------------------------------ the reference run */

/* The mixture getters: counts, weights on the simplex, SPD matrices. */
static void check_mixture(gma_sampler *s, int n) {
  double *w = malloc((size_t)n * sizeof *w);
  double *m = malloc((size_t)n * 2 * sizeof *m);
  double *c = malloc((size_t)n * 4 * sizeof *c);
  if (w == NULL || m == NULL || c == NULL) fatal("out of memory");

  /* Wrong counts are refused with a message. */
  CHECK_STATUS(gma_get_weights(s, w, n - 1), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_get_weights");
  CHECK_STATUS(gma_get_means(s, m, n + 1), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_get_means");
  CHECK_STATUS(gma_get_covariances(s, c, 0), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_get_covariances");

  /* Weights: non-negative, summing to 1. */
  CHECK_STATUS(gma_get_weights(s, w, n), GMA_OK);
  CHECK_NO_ERROR(s);
  double sum = 0;
  int negative = 0;
  for (int i = 0; i < n; ++i) {
    sum += w[i];
    negative += w[i] < 0;
  }
  CHECK(fabs(sum - 1.0) < 1e-9);
  CHECK(negative == 0);

  /* Means finite; covariances symmetric positive definite 2 x 2. */
  CHECK_STATUS(gma_get_means(s, m, n), GMA_OK);
  CHECK(all_finite(m, n));
  CHECK_STATUS(gma_get_covariances(s, c, n), GMA_OK);
  int bad = 0;
  for (int i = 0; i < n; ++i) {
    const double *a = c + 4 * i;
    bad += !(a[1] == a[2] && a[0] > 0 && a[3] > 0 &&
             a[0] * a[3] - a[1] * a[2] > 0);
  }
  CHECK(bad == 0);
  free(w);
  free(m);
  free(c);
}

/*
 * The importance check of a good fit of N((1, -1), I): k-hat below its
 * threshold min(1 - 1 / log10(1000), 0.7) = 2/3, an ESS of at most the
 * 1000 draws, log Z near log(2 pi) within 5 of its standard errors.
 */
static void check_importance_diagnostics(gma_sampler *s) {
  const double log_z = log(2 * 3.14159265358979);
  double k = NAN, threshold = NAN, ess = NAN, evidence = NAN, se = NAN;
  CHECK_STATUS(gma_get_diagnostic(s, "pareto_k_threshold", &threshold),
               GMA_OK);
  CHECK(fabs(threshold - (1 - 1 / log10(kImportanceDraws))) < 1e-12);
  CHECK_STATUS(gma_get_diagnostic(s, "pareto_k", &k), GMA_OK);
  CHECK(k <= threshold);
  CHECK_STATUS(gma_get_diagnostic(s, "ess", &ess), GMA_OK);
  CHECK(ess > 0.5 * kImportanceDraws && ess <= kImportanceDraws + 1e-9);
  CHECK_STATUS(gma_get_diagnostic(s, "log_evidence", &evidence), GMA_OK);
  CHECK_STATUS(gma_get_diagnostic(s, "log_evidence_se", &se), GMA_OK);
  CHECK(se >= 0 && fabs(evidence - log_z) < 5 * se + 0.01);
}

/* Every diagnostic of the header after a run with the probe counts. */
static void check_diagnostics(gma_sampler *s, const probe *pr) {
  double v = -1, entropy = -1;
  CHECK_STATUS(gma_get_diagnostic(s, "draws", &v), GMA_OK);
  CHECK(v == kDraws);
  CHECK_STATUS(gma_get_diagnostic(s, "components", &v), GMA_OK);
  CHECK(v == kFineComponents);
  /* Evaluations: the bank and the default 1000 importance draws. */
  CHECK_STATUS(gma_get_diagnostic(s, "evaluations", &v), GMA_OK);
  CHECK(v == (double)pr->points &&
        v == kFineComponents * kFinePerComponent + kImportanceDraws);
  CHECK_STATUS(gma_get_diagnostic(s, "invalid", &v), GMA_OK);
  CHECK(v == 0);
  CHECK_STATUS(gma_get_diagnostic(s, "outside", &v), GMA_OK);
  CHECK(v == 0);

  /* Entropy of N weights lies in [0, log N]; exp of it in [1, N]. */
  CHECK_STATUS(gma_get_diagnostic(s, "weight_entropy", &entropy), GMA_OK);
  CHECK(entropy >= 0 && entropy <= log(kFineComponents) + 1e-12);
  CHECK_STATUS(gma_get_diagnostic(s, "effective_components", &v), GMA_OK);
  CHECK(fabs(v - exp(entropy)) < 1e-9 * v);

  /* The ELBO is near log Z = log(2 pi) = 1.838, below up to its noise. */
  CHECK_STATUS(gma_get_diagnostic(s, "elbo", &v), GMA_OK);
  CHECK(isfinite(v) && v < log(2 * 3.14159265358979) + 0.1 && v > 1.5);
  CHECK_STATUS(gma_get_diagnostic(s, "run_time", &v), GMA_OK);
  CHECK(v >= 0 && v < 60);
  CHECK_NO_ERROR(s);
  check_importance_diagnostics(s);

  /* Unknown names, and names of other methods, list the available. */
  CHECK_STATUS(gma_get_diagnostic(s, "no_such_diag", &v),
               GMA_ERR_UNKNOWN_NAME);
  CHECK_MESSAGE(s, "no_such_diag");
  CHECK_MESSAGE(s, "effective_components");
  CHECK_STATUS(gma_get_diagnostic(s, "modes", &v), GMA_ERR_UNKNOWN_NAME);
  CHECK_MESSAGE(s, "modes");
  CHECK_STATUS(gma_get_diagnostic(s, "em_min_ess", &v),
               GMA_ERR_UNKNOWN_NAME);
}

/* The 2-D Gaussian: draws, their mean, the mixture, the diagnostics. */
static void test_gaussian_run(void) {
  probe pr = {PROBE_PLAIN, 0, 0, 0};
  gma_sampler *s = small_sampler(42);
  long n = 0;
  double buf[1];
  refine(s);

  /* The reference Gaussian through the probe, which counts the points. */
  CHECK_STATUS(gma_set_target(s, probe_batch, &pr), GMA_OK);
  CHECK_NO_ERROR(s);
  double *draws = run_and_fetch(s, &n);
  CHECK_NO_ERROR(s);
  CHECK(n == kDraws);
  CHECK(draws != NULL && all_finite(draws, n));
  CHECK(mean_near_truth(draws, n));

  /* Wrong draw counts are refused. */
  CHECK_STATUS(gma_get_draws(s, buf, n - 1), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_get_draws");
  CHECK_STATUS(gma_get_draws(s, NULL, n), GMA_ERR_ARGUMENT);
  check_mixture(s, kFineComponents);
  check_diagnostics(s, &pr);
  free(draws);
  gma_destroy(s);
}

/*
 * gma_get_param() after a run: the defaults resolved (components 0 is 225
 * in 2-D), and what is set after the run reads back.
 */
static void test_param_after_run(void) {
  gma_sampler *s = small_sampler(42);
  double v = -1;
  long n = 0;
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_set_param(s, "components", 0), GMA_OK);
  CHECK_STATUS(gma_get_param(s, "components", &v), GMA_OK);
  CHECK(v == 0);
  free(run_and_fetch(s, &n));
  CHECK_STATUS(gma_get_param(s, "components", &v), GMA_OK);
  CHECK(v == kFineComponents);
  CHECK_STATUS(gma_get_param(s, "iterations", &v), GMA_OK);
  CHECK(v == kIterations);
  CHECK_STATUS(gma_set_param(s, "iterations", 7), GMA_OK);
  CHECK_STATUS(gma_get_param(s, "iterations", &v), GMA_OK);
  CHECK(v == 7);
  gma_destroy(s);
}

/* A standard normal in any dimension. */
static int normal_batch(int n, int dim, const double *x, double *out,
                        void *user_data) {
  (void)user_data;
  for (int j = 0; j < n; ++j) {
    double q = 0;
    for (int k = 0; k < dim; ++k) {
      const double xk = x[(size_t)j * dim + k];
      q += xk * xk;
    }
    out[j] = -0.5 * q;
  }
  return 0;
}

/* Text options read back: as set before a run, as resolved after it. */
static void test_option_after_run(void) {
  const double lo[3] = {-6, -6, -6}, hi[3] = {6, 6, 6};
  char v[32];
  long n = 0;
  gma_sampler *s = small_sampler(7);
  CHECK_STATUS(gma_get_option(s, "placement", v, sizeof v), GMA_OK);
  CHECK(strcmp(v, "auto") == 0);
  CHECK_STATUS(gma_get_option(s, "placement", v, 4), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "size (4) must be at least 5");
  CHECK_STATUS(gma_get_option(s, "colour", v, sizeof v),
               GMA_ERR_UNKNOWN_NAME);
  CHECK_STATUS(gma_get_option(s, "method", NULL, 8), GMA_ERR_ARGUMENT);

  /* In 2-D the box placement and eta0 / k. */
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  free(run_and_fetch(s, &n));
  CHECK_STATUS(gma_get_option(s, "placement", v, sizeof v), GMA_OK);
  CHECK(strcmp(v, "box") == 0);
  CHECK_STATUS(gma_get_option(s, "schedule", v, sizeof v), GMA_OK);
  CHECK(strcmp(v, "inverse") == 0);
  gma_destroy(s);

  /* In 3-D, wgma-pgd: at the modes, backtracking. */
  s = NULL;
  if (gma_create(3, &s) != GMA_OK || s == NULL) fatal("gma_create failed");
  CHECK_STATUS(gma_set_box(s, lo, hi), GMA_OK);
  CHECK_STATUS(gma_set_target(s, normal_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_set_option(s, "method", "wgma-pgd"), GMA_OK);
  CHECK_STATUS(gma_set_param(s, "components", 30), GMA_OK);
  CHECK_STATUS(gma_set_param(s, "iterations", 50), GMA_OK);
  CHECK_STATUS(gma_run(s), GMA_OK);
  CHECK_STATUS(gma_get_option(s, "placement", v, sizeof v), GMA_OK);
  CHECK(strcmp(v, "modes") == 0);
  CHECK_STATUS(gma_get_option(s, "schedule", v, sizeof v), GMA_OK);
  CHECK(strcmp(v, "backtracking") == 0);
  gma_destroy(s);
}

/* ---------------------------------------------------------- determinism */

/* The draws of a fresh reference run with a seed, target and threads. */
static double *reference_draws(unsigned long long seed, int pointwise,
                               int threads, long *n) {
  gma_sampler *s = small_sampler(seed);
  CHECK_STATUS(gma_set_param(s, "threads", threads), GMA_OK);
  CHECK_STATUS(gma_set_param(s, "batch_size", 97), GMA_OK);
  if (pointwise)
    CHECK_STATUS(gma_set_target_pointwise(s, gauss_point, NULL), GMA_OK);
  else
    CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  double *draws = run_and_fetch(s, n);
  gma_destroy(s);
  return draws;
}

/* Do two draw sets agree exactly? */
static int same_draws(const double *a, long na, const double *b, long nb) {
  return a != NULL && b != NULL && na == nb &&
         memcmp(a, b, (size_t)na * 2 * sizeof *a) == 0;
}

/* Seeds, threads and the pointwise form: same inputs, same draws. */
static void test_determinism(void) {
  long n1 = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0;
  double *a = reference_draws(7, 0, 1, &n1);
  double *b = reference_draws(7, 0, 1, &n2);
  double *c = reference_draws(8, 0, 1, &n3);
  double *d = reference_draws(7, 0, 2, &n4);
  double *e = reference_draws(7, 1, 1, &n5);
  CHECK(same_draws(a, n1, b, n2));
  CHECK(!same_draws(a, n1, c, n3) && c != NULL);
  CHECK(same_draws(a, n1, d, n4));
  CHECK(same_draws(a, n1, e, n5));
  free(a);
  free(b);
  free(c);
  free(d);
  free(e);

  /* Running the same handle twice gives the same draws. */
  gma_sampler *s = small_sampler(7);
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  a = run_and_fetch(s, &n1);
  b = run_and_fetch(s, &n2);
  CHECK(same_draws(a, n1, b, n2));
  free(a);
  free(b);
  gma_destroy(s);
}

/* ------------------------------------------------- importance check */

/* gma_get_log_ratios(): the check's ratios, their count, no check. */
static void test_log_ratios(void) {
  gma_sampler *s = small_sampler(42);
  double *r = malloc(kImportanceDraws * sizeof *r);
  double k = NAN, k_run = NAN, v = 0;
  long n = 0, bad = 0;
  if (r == NULL) fatal("out of memory");
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_get_log_ratios(s, r, kImportanceDraws), GMA_ERR_STATE);
  free(run_and_fetch(s, &n));

  /* The right count only; finite here, the target being positive. */
  CHECK_STATUS(gma_get_log_ratios(s, r, kImportanceDraws - 1),
               GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_get_log_ratios");
  CHECK_STATUS(gma_get_log_ratios(s, NULL, kImportanceDraws),
               GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_get_log_ratios(s, r, kImportanceDraws), GMA_OK);
  CHECK_NO_ERROR(s);
  for (long j = 0; j < kImportanceDraws; ++j) bad += !isfinite(r[j]);
  CHECK(bad == 0);

  /* Smoothing them again gives the run's k-hat. */
  CHECK_STATUS(gma_pareto_smooth(r, kImportanceDraws, NULL, &k), GMA_OK);
  CHECK_STATUS(gma_get_diagnostic(s, "pareto_k", &k_run), GMA_OK);
  CHECK(k == k_run);

  /* importance_draws 0 turns the check off. */
  CHECK_STATUS(gma_set_param(s, "importance_draws", 0), GMA_OK);
  free(run_and_fetch(s, &n));
  CHECK_STATUS(gma_get_log_ratios(s, r, kImportanceDraws), GMA_ERR_STATE);
  CHECK_MESSAGE(s, "gma_get_log_ratios");
  CHECK_STATUS(gma_get_diagnostic(s, "pareto_k", &v), GMA_ERR_UNKNOWN_NAME);
  free(r);
  gma_destroy(s);
}

/* gma_pareto_smooth(): bad input, order kept, light and heavy tails. */
static void test_pareto_smooth(void) {
  enum { n = 1000 };
  static double r[n], w[n];
  const double bad_nan[3] = {0, NAN, 1}, bad_inf[3] = {0, INFINITY, 1};
  const double two[2] = {0, 1}, with_ninf[4] = {0, -INFINITY, 1, 0.5};
  double k = 0;
  int unordered = 0;

  /* Arguments: no ratios, no k, n < 2, NaN or +Inf among the ratios. */
  CHECK_STATUS(gma_pareto_smooth(NULL, 3, NULL, &k), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_pareto_smooth(two, 2, NULL, NULL), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_pareto_smooth(two, 1, NULL, &k), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_pareto_smooth(bad_nan, 3, NULL, &k), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_pareto_smooth(bad_inf, 3, NULL, &k), GMA_ERR_ARGUMENT);

  /* Too short a tail gives +Inf; -Inf ratios are legal. */
  CHECK_STATUS(gma_pareto_smooth(two, 2, NULL, &k), GMA_OK);
  CHECK(k == INFINITY);
  CHECK_STATUS(gma_pareto_smooth(with_ninf, 4, NULL, &k), GMA_OK);

  /* Log ratios at exponential quantiles: a Pareto tail of index 1. */
  for (int j = 0; j < n; ++j) r[j] = -log(1 - (j + 0.5) / n);
  CHECK_STATUS(gma_pareto_smooth(r, n, w, &k), GMA_OK);
  CHECK(fabs(k - 1) < 0.3);
  for (int j = 1; j < n; ++j) unordered += w[j] < w[j - 1];
  CHECK(unordered == 0);

  /* Log ratios at uniform quantiles on [0, 0.1]: a bounded tail. */
  for (int j = 0; j < n; ++j) r[j] = 0.1 * (j + 0.5) / n;
  CHECK_STATUS(gma_pareto_smooth(r, n, w, &k), GMA_OK);
  CHECK(k < 0.5);
}

/* ------------------------------------------------------ target failures */

/* A callback returning non-zero: GMA_ERR_CALLBACK, a message, no result. */
static void test_callback_failure(void) {
  probe pr = {PROBE_FAIL, 0, 0, 0};
  gma_sampler *s = small_sampler(42);
  double v = 0;
  long n = 0;

  /* A good run first, so that the failure must also clear its result. */
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  free(run_and_fetch(s, &n));
  CHECK_STATUS(gma_set_target(s, probe_batch, &pr), GMA_OK);
  CHECK_STATUS(gma_run(s), GMA_ERR_CALLBACK);
  CHECK_MESSAGE(s, "gma_run");
  CHECK_MESSAGE(s, "7");
  CHECK_STATUS(gma_get_diagnostic(s, "draws", &v), GMA_ERR_STATE);
  gma_destroy(s);
}

/* NaN and +Inf are counted as invalid and never drawn. */
static void test_invalid_values(void) {
  probe pr = {PROBE_INVALID, 0, 0, 0};
  gma_sampler *s = small_sampler(42);
  double invalid = -1, outside = -1;
  long n = 0, in_region = 0;
  CHECK_STATUS(gma_set_target(s, probe_batch, &pr), GMA_OK);
  double *draws = run_and_fetch(s, &n);
  CHECK(pr.invalid > 0);

  /* The counts match what the target returned. */
  CHECK_STATUS(gma_get_diagnostic(s, "invalid", &invalid), GMA_OK);
  CHECK(invalid == (double)pr.invalid);
  CHECK_STATUS(gma_get_diagnostic(s, "outside", &outside), GMA_OK);
  CHECK(outside == (double)(pr.invalid + pr.neg_inf));

  /* No draw is NaN or in the invalid region. */
  CHECK(draws != NULL && all_finite(draws, n));
  for (long j = 0; draws != NULL && j < n; ++j)
    in_region += draws[2 * j] > 2.5 || draws[2 * j + 1] < -3.0;
  CHECK(n == kDraws && in_region == 0);
  free(draws);
  gma_destroy(s);
}

/* -Inf outside x0 >= 0: counted as outside, never drawn. */
static void test_outside_support(void) {
  probe pr = {PROBE_HALF, 0, 0, 0};
  gma_sampler *s = small_sampler(42);
  double invalid = -1, outside = -1;
  long n = 0, left = 0;
  CHECK_STATUS(gma_set_target(s, probe_batch, &pr), GMA_OK);
  double *draws = run_and_fetch(s, &n);
  CHECK_STATUS(gma_get_diagnostic(s, "outside", &outside), GMA_OK);
  CHECK(outside > 0 && outside == (double)pr.neg_inf);
  CHECK_STATUS(gma_get_diagnostic(s, "invalid", &invalid), GMA_OK);
  CHECK(invalid == 0);
  for (long j = 0; draws != NULL && j < n; ++j) left += draws[2 * j] < 0;
  CHECK(n == kDraws && left == 0);
  free(draws);
  gma_destroy(s);
}

/* No finite value anywhere: GMA_ERR_TARGET with a message. */
static void test_no_finite_value(void) {
  const enum probe_mode modes[2] = {PROBE_ALL_NAN, PROBE_ALL_NINF};
  for (int i = 0; i < 2; ++i) {
    probe pr = {modes[i], 0, 0, 0};
    gma_sampler *s = small_sampler(42);
    double v = 0;
    CHECK_STATUS(gma_set_target(s, probe_batch, &pr), GMA_OK);
    CHECK_STATUS(gma_run(s), GMA_ERR_TARGET);
    CHECK_MESSAGE(s, "gma_run");
    CHECK(strlen(gma_last_error(s)) > strlen("gma_run"));
    CHECK_STATUS(gma_get_diagnostic(s, "invalid", &v), GMA_ERR_STATE);
    gma_destroy(s);
  }
}

/* ---------------------------------------------------------------- hooks */

/* Stages in the order the header says they run: optimise (LMA), bank,
 * fit, check, resample. */
static int stage_rank(int stage) {
  switch (stage) {
    case GMA_STAGE_OPTIMISE: return 0;
    case GMA_STAGE_BANK: return 1;
    case GMA_STAGE_FIT: return 2;
    case GMA_STAGE_CHECK: return 3;
    case GMA_STAGE_RESAMPLE: return 4;
    default: return -1;
  }
}

/* What the progress hook saw, and the stage at which it stops. */
typedef struct progress_log {
  int calls[5];       /* calls per stage                          */
  int started[5];     /* a call with done == 0 per stage          */
  int ended[5];       /* a call with done == total per stage      */
  int out_of_order;   /* an unknown stage, a step back, bad counts */
  int last_rank;
  int stop_at;        /* stop at the first call of this stage     */
} progress_log;

/* A progress log that stops at stop_at (-1: never). */
static progress_log new_progress_log(int stop_at) {
  progress_log p;
  memset(&p, 0, sizeof p);
  p.stop_at = stop_at;
  return p;
}

/* Progress hook: record the call; stop when asked to. */
static int on_progress(int stage, long done, long total, void *user_data) {
  progress_log *p = user_data;
  const int rank = stage_rank(stage);
  if (rank < 0 || rank < p->last_rank || done < 0 || done > total) {
    ++p->out_of_order;
    return 0;
  }
  p->last_rank = rank;
  ++p->calls[stage];
  p->started[stage] |= done == 0;
  p->ended[stage] |= done == total;
  return stage == p->stop_at;
}

/* W-GMA: bank, fit, check, resample in order, from start to end. */
static void test_progress(void) {
  progress_log p = new_progress_log(-1);
  gma_sampler *s = small_sampler(42);
  long n = 0;
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_set_param(s, "progress_every", 25), GMA_OK);
  CHECK_STATUS(gma_set_progress(s, on_progress, &p), GMA_OK);
  CHECK_NO_ERROR(s);
  free(run_and_fetch(s, &n));
  CHECK(p.out_of_order == 0);
  CHECK(p.calls[GMA_STAGE_OPTIMISE] == 0);
  CHECK(p.calls[GMA_STAGE_CHECK] > 0 && p.started[GMA_STAGE_CHECK]);
  CHECK(p.calls[GMA_STAGE_BANK] > 0 && p.started[GMA_STAGE_BANK] &&
        p.ended[GMA_STAGE_BANK]);
  CHECK(p.calls[GMA_STAGE_FIT] >= kIterations / 25 &&
        p.started[GMA_STAGE_FIT] && p.ended[GMA_STAGE_FIT]);
  CHECK(p.calls[GMA_STAGE_RESAMPLE] > 0 && p.started[GMA_STAGE_RESAMPLE] &&
        p.ended[GMA_STAGE_RESAMPLE]);

  /* NULL removes the hook. */
  const progress_log before = p;
  CHECK_STATUS(gma_set_progress(s, NULL, NULL), GMA_OK);
  free(run_and_fetch(s, &n));
  CHECK(memcmp(&before, &p, sizeof p) == 0);

  /* LMA starts with the local searches. */
  p = new_progress_log(-1);
  CHECK_STATUS(gma_set_option(s, "method", "lma"), GMA_OK);
  CHECK_STATUS(gma_set_progress(s, on_progress, &p), GMA_OK);
  free(run_and_fetch(s, &n));
  CHECK(p.out_of_order == 0 && p.calls[GMA_STAGE_OPTIMISE] > 0 &&
        p.started[GMA_STAGE_OPTIMISE]);
  gma_destroy(s);
}

/* A hook returning non-zero at a stage stops the run: GMA_STOPPED. */
static void check_stop_at(int stage, const char *method) {
  progress_log p = new_progress_log(stage);
  gma_sampler *s = small_sampler(42);
  double buf[2], v = 0;
  long n = 0;

  /* A good run first: stopping must clear its result. */
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_set_option(s, "method", method), GMA_OK);
  free(run_and_fetch(s, &n));
  CHECK_STATUS(gma_set_progress(s, on_progress, &p), GMA_OK);
  CHECK_STATUS(gma_run(s), GMA_STOPPED);
  if (p.calls[stage] != 1) printf("  (stop at stage %d)\n", stage);
  CHECK(p.calls[stage] == 1);

  /* No later stage ran, and no result is left. */
  for (int later = 0; later < 5; ++later)
    CHECK(stage_rank(later) <= stage_rank(stage) || p.calls[later] == 0);
  CHECK_STATUS(gma_get_diagnostic(s, "draws", &v), GMA_ERR_STATE);
  CHECK_STATUS(gma_get_draws(s, buf, 1), GMA_ERR_STATE);
  CHECK_STATUS(gma_get_weights(s, buf, 1), GMA_ERR_STATE);
  CHECK_STATUS(gma_get_means(s, buf, 1), GMA_ERR_STATE);
  CHECK_STATUS(gma_get_covariances(s, buf, 1), GMA_ERR_STATE);
  CHECK_STATUS(gma_get_log_ratios(s, buf, 1), GMA_ERR_STATE);
  gma_destroy(s);
}

/* Stopping at each stage a method uses. */
static void test_stop(void) {
  check_stop_at(GMA_STAGE_BANK, "wgma-md");
  check_stop_at(GMA_STAGE_FIT, "wgma-md");
  check_stop_at(GMA_STAGE_CHECK, "wgma-md");
  check_stop_at(GMA_STAGE_RESAMPLE, "wgma-md");
  check_stop_at(GMA_STAGE_OPTIMISE, "lma");
}

/* What the log hook received. */
typedef struct log_record {
  int messages;
  int warnings;
  int above_max;  /* messages above the level asked for */
  int max_level;
  int empty;      /* NULL or empty messages             */
} log_record;

/* Log hook: count by level. */
static void on_log(int level, const char *message, void *user_data) {
  log_record *r = user_data;
  ++r->messages;
  r->warnings += level == GMA_LOG_WARNING;
  r->above_max += level > r->max_level;
  r->empty += message == NULL || message[0] == '\0';
}

/* A NaN from the target is warned of; bad levels are refused. */
static void test_logger(void) {
  probe pr = {PROBE_INVALID, 0, 0, 0};
  log_record r = {0, 0, 0, GMA_LOG_WARNING, 0};
  gma_sampler *s = small_sampler(42);
  long n = 0;
  CHECK_STATUS(gma_set_logger(s, on_log, 4, &r), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_logger");
  CHECK_MESSAGE(s, "4");
  CHECK_STATUS(gma_set_logger(s, on_log, -1, &r), GMA_ERR_ARGUMENT);
  CHECK_STATUS(gma_set_logger(s, on_log, GMA_LOG_WARNING, &r), GMA_OK);
  CHECK_NO_ERROR(s);

  /* The run with NaN values warns, and only up to the level asked for. */
  CHECK_STATUS(gma_set_target(s, probe_batch, &pr), GMA_OK);
  free(run_and_fetch(s, &n));
  CHECK(r.warnings >= 1);
  CHECK(r.above_max == 0 && r.empty == 0);

  /* NULL removes the hook. */
  const int before = r.messages;
  CHECK_STATUS(gma_set_logger(s, NULL, GMA_LOG_DEBUG, NULL), GMA_OK);
  free(run_and_fetch(s, &n));
  CHECK(r.messages == before);
  gma_destroy(s);
}

/* -------------------------------------------------------- other settings */

/*
 * Given means (and variances): the run uses exactly that many. 25 means
 * with 40 bank points each give about the effective sample size of the
 * fine settings, so the same tolerance holds.
 */
static void test_given_means(void) {
  enum { kMeans = 25 };
  double means[2 * kMeans], var[2 * kMeans], v = 0;
  gma_sampler *s = small_sampler(42);
  long n = 0;

  /* A 5 x 5 grid of means around the truth, spacing 1. */
  for (int i = 0; i < kMeans; ++i) {
    means[2 * i] = kTruth[0] + (i % 5 - 2);
    means[2 * i + 1] = kTruth[1] + (i / 5 - 2);
    var[2 * i] = var[2 * i + 1] = 0.3;
  }
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_set_param(s, "points_per_component", 40), GMA_OK);
  CHECK_STATUS(gma_set_means(s, kMeans, means), GMA_OK);
  double *draws = run_and_fetch(s, &n);
  CHECK_STATUS(gma_get_diagnostic(s, "components", &v), GMA_OK);
  CHECK(v == kMeans);
  CHECK(mean_near_truth(draws, n));
  check_mixture(s, kMeans);
  free(draws);

  /* The same with given variances. */
  CHECK_STATUS(gma_set_variances(s, kMeans, var), GMA_OK);
  draws = run_and_fetch(s, &n);
  CHECK_STATUS(gma_get_diagnostic(s, "components", &v), GMA_OK);
  CHECK(v == kMeans);
  CHECK(mean_near_truth(draws, n));
  free(draws);
  gma_destroy(s);
}

/*
 * A setting, the tolerance of its draws' mean, and whether it keeps the
 * fine settings (else the method's defaults: 8 components for em, 200
 * bank points for lma-wgma). 0.15 where the draws are some 1000 effective
 * points (see mean_near_truth). lma-wgma draws from a bank of 200 points
 * of its one component: sd 1 / sqrt(200) = 0.07 for the mean, and 0.35 is
 * 5 of those.
 */
typedef struct variant {
  const char *option, *value;
  double tol;
  int fine;
} variant;

/* Every method, the other resampling, schedule and outputs. */
static void test_variants(void) {
  const variant cases[] = {{"resampling", "systematic", 0.15, 1},
                           {"schedule", "inverse-sqrt", 0.15, 1},
                           {"method", "wgma-pgd", 0.15, 1},
                           {"method", "wgma-refine", 0.15, 1},
                           {"method", "lma", 0.15, 1},
                           {"method", "lma-wgma", 0.35, 0},
                           {"method", "em", 0.15, 0},
                           {"output", "mixture", 0.15, 1},
                           {"output", "importance", 0.15, 1},
                           {"output", "bank", 0.15, 1}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    gma_sampler *s = small_sampler(42);
    long n = 0;
    if (cases[i].fine) {
      refine(s);
    } else {
      CHECK_STATUS(gma_set_param(s, "components", 0), GMA_OK);
      CHECK_STATUS(gma_set_param(s, "points_per_component", 0), GMA_OK);
    }
    CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
    CHECK_STATUS(gma_set_option(s, cases[i].option, cases[i].value), GMA_OK);
    /* Projected gradient needs its default 500 iterations. */
    if (strcmp(cases[i].value, "wgma-pgd") == 0)
      CHECK_STATUS(gma_set_param(s, "iterations", 0), GMA_OK);
    double *draws = run_and_fetch(s, &n);
    CHECK(n == kDraws && all_finite(draws, n));
    const int near = mean_near(draws, n, kTruth, cases[i].tol);
    if (!near) printf("  (%s = %s)\n", cases[i].option, cases[i].value);
    CHECK(near);
    free(draws);
    gma_destroy(s);
  }
}

/*
 * wgma-stable with the paper's defaults keeps the weights near uniform on
 * an easy target: the draws are too wide, and its check must say so with
 * a negative k-hat (bounded ratios: q wider than p) and an ESS below half
 * the importance draws.
 */
static void test_stable_is_flagged(void) {
  gma_sampler *s = small_sampler(42);
  double k = NAN, ess = NAN, eff = NAN;
  long n = 0;
  refine(s);
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_set_option(s, "method", "wgma-stable"), GMA_OK);
  double *draws = run_and_fetch(s, &n);
  CHECK(draws != NULL);
  CHECK_STATUS(gma_get_diagnostic(s, "pareto_k", &k), GMA_OK);
  CHECK_STATUS(gma_get_diagnostic(s, "ess", &ess), GMA_OK);
  CHECK_STATUS(gma_get_diagnostic(s, "effective_components", &eff), GMA_OK);
  if (!(k < 0 && ess < 500))
    printf("  (wgma-stable: k %g, ess %g, effective components %g)\n", k,
           ess, eff);
  CHECK(k < 0 && ess < 500);
  free(draws);
  gma_destroy(s);
}

/* The diagnostics only some methods report. */
static void test_method_diagnostics(void) {
  const char *method[3] = {"wgma-refine", "lma", "em"};
  const char *names[3][3] = {{"elbo", "stage1_elbo", NULL},
                             {"modes", "failed_starts", NULL},
                             {"em_min_ess", "em_last_ess",
                              "em_degenerate_iterations"}};
  for (int i = 0; i < 3; ++i) {
    gma_sampler *s = small_sampler(42);
    double v = 0;
    long n = 0;
    CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
    CHECK_STATUS(gma_set_param(s, "components", 0), GMA_OK);
    CHECK_STATUS(gma_set_option(s, "method", method[i]), GMA_OK);
    free(run_and_fetch(s, &n));
    for (int k = 0; k < 3 && names[i][k] != NULL; ++k) {
      CHECK_STATUS(gma_get_diagnostic(s, names[i][k], &v), GMA_OK);
      CHECK(isfinite(v));
    }
    gma_destroy(s);
  }
}

/*
 * LMA on a Gaussian fits it exactly: the log ratios are constant, the
 * importance weights all equal, and k-hat must not flag the fit.
 */
static void test_exact_fit(void) {
  gma_sampler *s = small_sampler(42);
  double k = NAN, threshold = NAN, modes = 0;
  long n = 0;
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_set_option(s, "method", "lma"), GMA_OK);
  double *draws = run_and_fetch(s, &n);
  CHECK(mean_near_truth(draws, n));
  CHECK_STATUS(gma_get_diagnostic(s, "modes", &modes), GMA_OK);
  CHECK(modes == 1);
  CHECK_STATUS(gma_get_diagnostic(s, "pareto_k", &k), GMA_OK);
  CHECK_STATUS(gma_get_diagnostic(s, "pareto_k_threshold", &threshold),
               GMA_OK);
  if (!(k <= threshold)) printf("  (lma: pareto_k %g)\n", k);
  CHECK(k <= threshold);
  free(draws);
  gma_destroy(s);
}

/* ------------------------------------------------------------------ main */

int main(void) {
  test_version();
  test_status_strings();
  test_create();
  test_null_handle();
  test_null_arguments();
  test_parameters();
  test_options();
  test_box();
  test_means_variances();
  test_other_placements();
  test_run_state();
  test_gaussian_run();
  test_param_after_run();
  test_option_after_run();
  test_determinism();
  test_log_ratios();
  test_pareto_smooth();
  test_callback_failure();
  test_invalid_values();
  test_outside_support();
  test_no_finite_value();
  test_progress();
  test_stop();
  test_logger();
  test_given_means();
  test_start_run();
  test_prior_run();
  test_bounds_run();
  test_variants();
  test_method_diagnostics();
  test_stable_is_flagged();
  test_exact_fit();
  return finish();
}
