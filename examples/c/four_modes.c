/*
 * four_modes.c: sample a 2-D mixture of four correlated Gaussians with
 * libgma and compare the mass near each mode with the truth.
 *
 *   cmake --build build && ./build/examples/c/four_modes
 *
 * The target: modes at (+-3, +-3) with weights 0.3, 0.3, 0.2, 0.2 and
 * covariances [[1, .8], [.8, 1]], [[1, -.8], [-.8, 1]], diag(1, .2),
 * diag(.2, 1). libgma sees only its unnormalised log density.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "gma.h"

/* The four components: mean, covariance (a, b; b, c) and weight. */
static const double kMean[4][2] = {{-3, -3}, {3, 3}, {-3, 3}, {3, -3}};
static const double kCov[4][3] = {
    {1, 0.8, 1}, {1, -0.8, 1}, {1, 0, 0.2}, {0.2, 0, 1}};
static const double kWeight[4] = {0.3, 0.3, 0.2, 0.2};

/* log of a bivariate normal density with covariance (a, b; b, c). */
static double log_normal2(const double *x, const double *mu,
                          const double *cov) {
  const double a = cov[0], b = cov[1], c = cov[2];
  const double det = a * c - b * b;
  const double dx = x[0] - mu[0], dy = x[1] - mu[1];
  const double q = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
  return -0.5 * q - log(2 * M_PI) - 0.5 * log(det);
}

/* The batched target: log of the mixture density at n points. */
static int four_modes(int n, int dim, const double *x, double *out,
                      void *user_data) {
  (void)dim;
  (void)user_data;
  for (int j = 0; j < n; ++j) {
    const double *p = x + 2 * (size_t)j;
    double top = -INFINITY, part[4];
    for (int k = 0; k < 4; ++k) {
      part[k] = log(kWeight[k]) + log_normal2(p, kMean[k], kCov[k]);
      if (part[k] > top) top = part[k];
    }
    double sum = 0;
    for (int k = 0; k < 4; ++k) sum += exp(part[k] - top);
    out[j] = top + log(sum);
  }
  return 0;
}

/* Stop with the handle's message when a call fails. */
static void check(gma_sampler *s, int status) {
  if (status < 0) {
    fprintf(stderr, "libgma: %s\n", gma_last_error(s));
    exit(1);
  }
}

int main(void) {
  /* A sampler for R^2, the target, the box of the paper's grid. */
  gma_sampler *s = NULL;
  const double lower[2] = {-6, -6}, upper[2] = {6, 6};
  if (gma_create(2, &s) != GMA_OK) return 1;
  check(s, gma_set_target(s, four_modes, NULL));
  check(s, gma_set_box(s, lower, upper));
  check(s, gma_set_seed(s, 2024));

  /* Run with the defaults and fetch the draws. */
  check(s, gma_run(s));
  double n = 0, evals = 0, eff = 0, secs = 0;
  check(s, gma_get_diagnostic(s, "draws", &n));
  check(s, gma_get_diagnostic(s, "evaluations", &evals));
  check(s, gma_get_diagnostic(s, "effective_components", &eff));
  check(s, gma_get_diagnostic(s, "run_time", &secs));
  double *draws = malloc((size_t)n * 2 * sizeof *draws);
  if (draws == NULL) return 1;
  check(s, gma_get_draws(s, draws, (long)n));

  /* The share of draws in each quadrant against the mode's weight. */
  double count[4] = {0, 0, 0, 0};
  for (long j = 0; j < (long)n; ++j) {
    const double x = draws[2 * j], y = draws[2 * j + 1];
    const int k = (x < 0 && y < 0) ? 0 : (x >= 0 && y >= 0) ? 1
                  : (x < 0) ? 2 : 3;
    count[k] += 1;
  }
  printf("four-mode mixture: %.0f draws, %.0f target evaluations, "
         "%.1f effective components, %.2f s\n", n, evals, eff, secs);
  printf("mode        true weight  share of draws\n");
  for (int k = 0; k < 4; ++k)
    printf("(%+.0f, %+.0f)    %.3f        %.3f\n", kMean[k][0], kMean[k][1],
           kWeight[k], count[k] / n);

  free(draws);
  gma_destroy(s);
  return 0;
}
