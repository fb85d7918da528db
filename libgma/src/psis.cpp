// psis.cpp: the GPD fit, Pareto smoothing, the ESS and the evidence.
#include "gma/psis.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "gma/error.hpp"
#include "gma/math.hpp"

namespace gma {

namespace {

// Throw unless v is non-empty, free of NaN and +Inf, and not all -Inf.
void check_log_values(const arma::vec& v, const char* function,
                      const char* what) {
  if (v.is_empty())
    fail(ErrorKind::argument, function, "no ", what, " given");
  for (arma::uword s = 0; s < v.n_elem; ++s)
    if (std::isnan(v[s]) || v[s] == arma::datum::inf)
      fail(ErrorKind::argument, function, what, "[", s, "] is ", v[s],
           "; only finite values and -Inf (zero weight) are allowed");
  if (v.max() == -arma::datum::inf)
    fail(ErrorKind::argument, function, "all ", v.n_elem, " ", what,
         " are -Inf (every weight is zero)");
}

// The mean of log(1 - theta x) over x: the shape k given theta.
double shape_given_theta(double theta, const arma::vec& x) {
  double sum = 0.0;
  for (double xi : x) sum += std::log1p(-theta * xi);
  return sum / static_cast<double>(x.n_elem);
}

// The GPD quantile at probability p for shape k and scale sigma.
double gpd_quantile(double p, double k, double sigma) {
  if (k == 0.0) return -sigma * std::log1p(-p);
  return sigma * std::expm1(-k * std::log1p(-p)) / k;
}

}  // namespace

arma::uword pareto_tail_length(arma::uword n) {
  const double s = static_cast<double>(n);
  return static_cast<arma::uword>(
      std::ceil(std::min(0.2 * s, 3.0 * std::sqrt(s))));
}

double pareto_k_threshold(arma::uword n) {
  if (n < 2)
    fail(ErrorKind::argument, "gma::pareto_k_threshold", "need n >= 2 (",
         n, ")");
  return std::min(1.0 - 1.0 / std::log10(static_cast<double>(n)), 0.7);
}

GpdFit fit_generalized_pareto(const arma::vec& x) {
  // Check the exceedances: at least two, finite, >= 0, ascending.
  const char* fn = "gma::fit_generalized_pareto";
  const arma::uword m = x.n_elem;
  if (m < 2)
    fail(ErrorKind::argument, fn, "need at least 2 exceedances (", m, ")");
  if (!x.is_finite() || x.min() < 0.0)
    fail(ErrorKind::argument, fn, "exceedances must be finite and >= 0 ",
         "(smallest ", x.min(), ", largest ", x.max(), ")");
  if (!x.is_sorted())
    fail(ErrorKind::argument, fn, "exceedances must be sorted ascending");

  // The grid of theta = -k / sigma: from 1 / max(x) downwards, spaced by
  // the prior scale 3 times the first quartile (Zhang and Stephens).
  const double prior = 3.0;
  const double md = static_cast<double>(m);
  const arma::uword grid = 30 + static_cast<arma::uword>(std::sqrt(md));
  const double quartile = x[static_cast<arma::uword>(md / 4.0 + 0.5) - 1];
  arma::vec theta(grid);
  for (arma::uword j = 0; j < grid; ++j) {
    const double half = static_cast<double>(j) + 0.5;
    theta[j] = 1.0 / x[m - 1] +
               (1.0 - std::sqrt(static_cast<double>(grid) / half)) / prior /
                   quartile;
  }

  // The profile log likelihood at each theta, m (log(-theta/k) - k - 1).
  arma::vec log_lik(grid);
  for (arma::uword j = 0; j < grid; ++j) {
    const double k = shape_given_theta(theta[j], x);
    log_lik[j] = md * (std::log(-theta[j] / k) - k - 1.0);
  }

  // The posterior mean of theta (flat prior on the grid), and the k and
  // sigma it implies.
  const arma::vec post = arma::exp(log_lik - log_sum_exp(log_lik));
  const double theta_hat = arma::accu(theta % post);
  GpdFit fit;
  fit.k = shape_given_theta(theta_hat, x);
  fit.sigma = -fit.k / theta_hat;

  // Draw k towards 0.5 by the weakly informative prior (10 observations).
  fit.k = (md * fit.k + 10.0 * 0.5) / (md + 10.0);
  if (std::isnan(fit.k)) fit.k = arma::datum::inf;
  return fit;
}

// Log ratios closer than this are equal up to rounding: a flat tail.
constexpr double kFlatTail = 1e-10;

Psis pareto_smooth(const arma::vec& log_ratios) {
  // Check the ratios; start from them unchanged, with no tail fitted.
  check_log_values(log_ratios, "gma::pareto_smooth", "log_ratios");
  const arma::uword n = log_ratios.n_elem;
  const double top = log_ratios.max();
  Psis out;
  out.log_weights = log_ratios;
  out.pareto_k = arma::datum::inf;

  // The tail length, leaving a finite ratio below the tail as threshold.
  const arma::uword finite = arma::accu(log_ratios > -arma::datum::inf);
  const arma::uword tail = std::min(pareto_tail_length(n), finite - 1);
  if (tail < 5) return out;

  // The tail in ascending order, shifted so the largest ratio is 0, and
  // the threshold below it. A flat tail has no spread to fit: the ratios
  // are bounded there (q is proportional to p~), so k-hat is -Inf.
  const arma::uvec order = arma::stable_sort_index(log_ratios);
  const arma::uvec tail_ids = order.tail(tail);
  const arma::vec lw_tail = log_ratios.elem(tail_ids) - top;
  if (lw_tail.max() - lw_tail.min() < kFlatTail) {
    out.pareto_k = -arma::datum::inf;
    return out;
  }
  const double cutoff = std::exp(log_ratios[order[n - tail - 1]] - top);

  // Fit the GPD to the tail weights' exceedances of the threshold.
  const GpdFit fit = fit_generalized_pareto(arma::exp(lw_tail) - cutoff);
  if (!std::isfinite(fit.k) || !(fit.sigma > 0.0)) return out;

  // Replace the tail by the threshold plus the expected order statistics,
  // truncated at the largest raw weight, and shift back.
  for (arma::uword z = 0; z < tail; ++z) {
    const double p = (static_cast<double>(z) + 0.5) / tail;
    const double q = gpd_quantile(p, fit.k, fit.sigma);
    out.log_weights[tail_ids[z]] = std::min(std::log(q + cutoff), 0.0) + top;
  }
  out.pareto_k = fit.k;
  out.tail_length = tail;
  return out;
}

double importance_ess(const arma::vec& log_weights) {
  // Check the weights; scale them so the largest is 1.
  check_log_values(log_weights, "gma::importance_ess", "log_weights");
  const arma::vec w = arma::exp(log_weights - log_weights.max());

  // (sum w)^2 / sum w^2.
  const double sum = arma::accu(w);
  return sum * sum / arma::accu(arma::square(w));
}

Evidence log_evidence(const arma::vec& log_ratios) {
  // Check the ratios: at least two, to estimate the error.
  const char* fn = "gma::log_evidence";
  if (log_ratios.n_elem == 1)
    fail(ErrorKind::argument, fn, "need at least 2 log_ratios for a ",
         "standard error (1)");
  check_log_values(log_ratios, fn, "log_ratios");

  // The mean and sd of the weights scaled so the largest is 1.
  const double top = log_ratios.max();
  const arma::vec w = arma::exp(log_ratios - top);
  const double n = static_cast<double>(w.n_elem);
  const double mean = arma::mean(w);
  const double sd = arma::stddev(w);

  // log Z = log mean e^r; se = sd / (sqrt(n) mean) by the delta method.
  Evidence ev;
  ev.log_z = top + std::log(mean);
  ev.se = sd / (std::sqrt(n) * mean);
  return ev;
}

}  // namespace gma
