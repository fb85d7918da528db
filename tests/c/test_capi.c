/*
 * test_capi.c: the C API of libgma held to its contract, gma.h.
 *
 * Every function of the header is called, with good and bad arguments, and
 * every status the header names is checked where a call can produce it.
 * The harness is a CHECK macro that counts; the last line printed is
 * "N passed, M failed" and the exit status is non-zero on any failure.
 *
 * The reference target is the 2-D Gaussian N((1, -1), I) sampled in the box
 * [-6, 6]^2 with small settings so that the whole file runs in seconds,
 * also under valgrind.
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
  fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, what);
}

/* Count a status check; a failure shows the status got and wanted. */
static void check_status_at(int got, int want, const char *what,
                            const char *file, int line) {
  if (got == want) {
    ++g_passed;
    return;
  }
  ++g_failed;
  fprintf(stderr, "%s:%d: CHECK failed: %s gave %d (%s), want %d (%s)\n",
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
  fprintf(stderr, "%s:%d: CHECK failed: last error \"%s\" lacks \"%s\"\n",
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
  fprintf(stderr, "fatal: %s\n", why);
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

/* ------------------------------------------------------------- helpers */

/* Small settings: 7 x 7 grid, 20 bank points each, 100 iterations. */
enum { kComponents = 49, kPerComponent = 20, kIterations = 100 };
enum { kDraws = 2000 };

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
  if (status != GMA_OK) fprintf(stderr, "  %s\n", gma_last_error(s));
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

/*
 * Is the mean of the draws within 0.15 of (1, -1) in both coordinates?
 * The draws are resampled from about 1000 bank points, so they carry
 * repeats: their effective sample size is at least a few hundred (say
 * 500), which puts the Monte Carlo sd of a coordinate's mean near
 * 1 / sqrt(500) = 0.045 (unit variance); 0.15 is about 3.5 of those, with
 * room for the small bias of a 100-iteration fit.
 */
static int mean_near_truth(const double *draws, long n) {
  double mean[2];
  if (draws == NULL || n < 1) return 0;
  mean2(draws, n, mean);
  return fabs(mean[0] - kTruth[0]) < 0.15 && fabs(mean[1] - kTruth[1]) < 0.15;
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

  /* A NULL target function is refused in both forms. */
  CHECK_STATUS(gma_set_target(s, NULL, NULL), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_target");
  CHECK_STATUS(gma_set_target_pointwise(s, NULL, NULL), GMA_ERR_ARGUMENT);
  CHECK_MESSAGE(s, "gma_set_target_pointwise");
  CHECK_STATUS(gma_run(s), GMA_ERR_STATE);
  gma_destroy(s);
}

/* ------------------------------------------------------------ settings */

/* A parameter, one value it must take and values it must refuse. */
typedef struct param_case {
  const char *name;
  double good;
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
  for (int i = 0; i < c->n_bad; ++i) {
    const int status = gma_set_param(s, c->name, c->bad[i]);
    CHECK_STATUS(status, GMA_ERR_ARGUMENT);
    if (status != GMA_ERR_ARGUMENT)
      fprintf(stderr, "  (%s = %g)\n", c->name, c->bad[i]);
    CHECK_MESSAGE(s, c->name);
    CHECK_MESSAGE(s, "gma_set_param");
    CHECK_STATUS(gma_get_param(s, c->name, &v), GMA_OK);
    CHECK(v == c->good);
  }
}

/* Every parameter of the header: good values, bad values, messages. */
static void test_parameters(void) {
  const param_case cases[] = {
      {"components", 16, {-3, 0, 2.5, NAN}, 4},
      {"points_per_component", 12, {1, 0, -1, 3.5}, 4},
      {"iterations", 40, {0, -1, 1.5, INFINITY}, 4},
      {"step_size", 0.5, {0, -0.1, INFINITY, NAN}, 4},
      {"cov_scale", 0.25, {-1, INFINITY, NAN}, 3},
      {"draws", 300, {0, -1, 0.5}, 3},
      {"threads", 2, {0, -2, 1.5}, 3},
      {"batch_size", 64, {0, -1, 0.25}, 3},
      {"progress_every", 5, {0, -5, 2.5}, 3}};
  gma_sampler *s = NULL;
  double v = 0;
  CHECK_STATUS(gma_create(2, &s), GMA_OK);
  if (s == NULL) fatal("gma_create failed");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i)
    check_param(s, &cases[i]);

  /* cov_scale takes 0 ("choose it"); a bad value is named in the message. */
  CHECK_STATUS(gma_set_param(s, "cov_scale", 0), GMA_OK);
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

/* An option, its good values and one bad value. */
typedef struct option_case {
  const char *name;
  const char *good[2];
  const char *bad;
} option_case;

/* Every option of the header: good and bad values, unknown options. */
static void test_options(void) {
  const option_case cases[] = {
      {"method", {"wgma-md", "wgma-pgd"}, "wgma-sgd"},
      {"schedule", {"inverse", "inverse-sqrt"}, "linear"},
      {"resampling", {"stratified", "systematic"}, "multinomial"}};
  gma_sampler *s = NULL;
  CHECK_STATUS(gma_create(2, &s), GMA_OK);
  if (s == NULL) fatal("gma_create failed");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    for (int k = 0; k < 2; ++k) {
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

/* Every diagnostic of the header after a run with the probe counts. */
static void check_diagnostics(gma_sampler *s, const probe *pr) {
  double v = -1, entropy = -1;
  CHECK_STATUS(gma_get_diagnostic(s, "draws", &v), GMA_OK);
  CHECK(v == kDraws);
  CHECK_STATUS(gma_get_diagnostic(s, "components", &v), GMA_OK);
  CHECK(v == kComponents);
  CHECK_STATUS(gma_get_diagnostic(s, "evaluations", &v), GMA_OK);
  CHECK(v == (double)pr->points && v == kComponents * kPerComponent);
  CHECK_STATUS(gma_get_diagnostic(s, "invalid", &v), GMA_OK);
  CHECK(v == 0);
  CHECK_STATUS(gma_get_diagnostic(s, "outside", &v), GMA_OK);
  CHECK(v == 0);

  /* Entropy of 49 weights lies in [0, log 49]; exp of it in [1, 49]. */
  CHECK_STATUS(gma_get_diagnostic(s, "weight_entropy", &entropy), GMA_OK);
  CHECK(entropy >= 0 && entropy <= log(kComponents) + 1e-12);
  CHECK_STATUS(gma_get_diagnostic(s, "effective_components", &v), GMA_OK);
  CHECK(fabs(v - exp(entropy)) < 1e-9 * v);

  /* The ELBO is below log Z = log(2 pi) up to its sampling noise. */
  CHECK_STATUS(gma_get_diagnostic(s, "elbo", &v), GMA_OK);
  CHECK(isfinite(v) && v < log(2 * 3.14159265358979) + 0.1 && v > -2.0);
  CHECK_STATUS(gma_get_diagnostic(s, "run_time", &v), GMA_OK);
  CHECK(v >= 0 && v < 60);
  CHECK_NO_ERROR(s);
  CHECK_STATUS(gma_get_diagnostic(s, "no_such_diag", &v),
               GMA_ERR_UNKNOWN_NAME);
  CHECK_MESSAGE(s, "no_such_diag");
}

/* The 2-D Gaussian: draws, their mean, the mixture, the diagnostics. */
static void test_gaussian_run(void) {
  probe pr = {PROBE_PLAIN, 0, 0, 0};
  gma_sampler *s = small_sampler(42);
  long n = 0;
  double buf[1];

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
  check_mixture(s, kComponents);
  check_diagnostics(s, &pr);
  free(draws);
  gma_destroy(s);
}

/* gma_get_param() reads back what was set, also after a run. */
static void test_param_after_run(void) {
  gma_sampler *s = small_sampler(42);
  double v = 0;
  long n = 0;
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  free(run_and_fetch(s, &n));
  CHECK_STATUS(gma_get_param(s, "iterations", &v), GMA_OK);
  CHECK(v == kIterations);
  CHECK_STATUS(gma_set_param(s, "iterations", 7), GMA_OK);
  CHECK_STATUS(gma_get_param(s, "iterations", &v), GMA_OK);
  CHECK(v == 7);
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

/* What the progress hook saw, and the stage at which it stops. */
typedef struct progress_log {
  int calls[3];       /* calls per stage                       */
  int started[3];     /* a call with done == 0 per stage       */
  int ended[3];       /* a call with done == total per stage   */
  int out_of_order;   /* a stage after a later one, bad counts */
  int last_stage;
  int stop_at;        /* stop at the first call of this stage  */
} progress_log;

/* Progress hook: record the call; stop when asked to. */
static int on_progress(int stage, long done, long total, void *user_data) {
  progress_log *p = user_data;
  if (stage < 0 || stage > 2 || stage < p->last_stage || done < 0 ||
      done > total) {
    ++p->out_of_order;
    return 0;
  }
  p->last_stage = stage;
  ++p->calls[stage];
  p->started[stage] |= done == 0;
  p->ended[stage] |= done == total;
  return stage == p->stop_at;
}

/* The hook sees stages 0, 1, 2 in order, each from start to end. */
static void test_progress(void) {
  progress_log p = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, 0, 0, -1};
  gma_sampler *s = small_sampler(42);
  long n = 0;
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_set_param(s, "progress_every", 25), GMA_OK);
  CHECK_STATUS(gma_set_progress(s, on_progress, &p), GMA_OK);
  CHECK_NO_ERROR(s);
  free(run_and_fetch(s, &n));
  CHECK(p.out_of_order == 0);
  for (int stage = 0; stage < 3; ++stage)
    CHECK(p.calls[stage] > 0 && p.started[stage] && p.ended[stage]);
  CHECK(p.calls[GMA_STAGE_FIT] >= kIterations / 25);

  /* NULL removes the hook. */
  const int before = p.calls[0] + p.calls[1] + p.calls[2];
  CHECK_STATUS(gma_set_progress(s, NULL, NULL), GMA_OK);
  free(run_and_fetch(s, &n));
  CHECK(p.calls[0] + p.calls[1] + p.calls[2] == before);
  gma_destroy(s);
}

/* A hook returning non-zero stops the run: GMA_STOPPED, no results. */
static void test_stop(void) {
  double buf[2], v = 0;
  long n = 0;
  for (int stage = 0; stage < 3; ++stage) {
    progress_log p = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, 0, 0, stage};
    gma_sampler *s = small_sampler(42);
    CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
    free(run_and_fetch(s, &n));
    CHECK_STATUS(gma_set_progress(s, on_progress, &p), GMA_OK);
    CHECK_STATUS(gma_run(s), GMA_STOPPED);
    CHECK(p.calls[stage] == 1);
    CHECK(stage == 2 || p.calls[2] == 0);

    /* The earlier result is gone too. */
    CHECK_STATUS(gma_get_diagnostic(s, "draws", &v), GMA_ERR_STATE);
    CHECK_STATUS(gma_get_draws(s, buf, 1), GMA_ERR_STATE);
    CHECK_STATUS(gma_get_weights(s, buf, 1), GMA_ERR_STATE);
    CHECK_STATUS(gma_get_means(s, buf, 1), GMA_ERR_STATE);
    CHECK_STATUS(gma_get_covariances(s, buf, 1), GMA_ERR_STATE);
    gma_destroy(s);
  }
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

/* Given means (and variances): the run uses exactly that many. */
static void test_given_means(void) {
  double means[2 * 9], var[2 * 9], v = 0;
  gma_sampler *s = small_sampler(42);
  long n = 0;

  /* A 3 x 3 grid of means around the truth, spacing 1.5. */
  for (int i = 0; i < 9; ++i) {
    means[2 * i] = kTruth[0] + 1.5 * (i % 3 - 1);
    means[2 * i + 1] = kTruth[1] + 1.5 * (i / 3 - 1);
    var[2 * i] = var[2 * i + 1] = 0.6;
  }
  CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
  CHECK_STATUS(gma_set_means(s, 9, means), GMA_OK);
  double *draws = run_and_fetch(s, &n);
  CHECK_STATUS(gma_get_diagnostic(s, "components", &v), GMA_OK);
  CHECK(v == 9);
  CHECK(mean_near_truth(draws, n));
  check_mixture(s, 9);
  free(draws);

  /* The same with given variances. */
  CHECK_STATUS(gma_set_variances(s, 9, var), GMA_OK);
  draws = run_and_fetch(s, &n);
  CHECK_STATUS(gma_get_diagnostic(s, "components", &v), GMA_OK);
  CHECK(v == 9);
  CHECK(mean_near_truth(draws, n));
  free(draws);
  gma_destroy(s);
}

/* The other resampling, method and schedule: runs with sane means. */
static void test_variants(void) {
  const char *option[3][2] = {{"resampling", "systematic"},
                              {"method", "wgma-pgd"},
                              {"schedule", "inverse-sqrt"}};
  for (int i = 0; i < 3; ++i) {
    gma_sampler *s = small_sampler(42);
    long n = 0;
    CHECK_STATUS(gma_set_target(s, gauss_batch, NULL), GMA_OK);
    CHECK_STATUS(gma_set_option(s, option[i][0], option[i][1]), GMA_OK);
    double *draws = run_and_fetch(s, &n);
    CHECK(n == kDraws && all_finite(draws, n));
    CHECK(mean_near_truth(draws, n));
    if (!mean_near_truth(draws, n))
      fprintf(stderr, "  (%s = %s)\n", option[i][0], option[i][1]);
    free(draws);
    gma_destroy(s);
  }
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
  test_run_state();
  test_gaussian_run();
  test_param_after_run();
  test_determinism();
  test_callback_failure();
  test_invalid_values();
  test_outside_support();
  test_no_finite_value();
  test_progress();
  test_stop();
  test_logger();
  test_given_means();
  test_variants();
  return finish();
}
