// importance.cpp: the importance-sampling check of a mixture, resampling.
#include "gma/importance.hpp"

#include <cmath>

#include "gma/error.hpp"
#include "gma/math.hpp"
#include "gma/resample.hpp"

namespace gma {

ImportanceCheck check_importance(const Mixture& q, const Target& target,
                                 arma::uword n, Rng& rng,
                                 arma::uword batch_size, arma::uword threads,
                                 const RoundFn& after_round) {
  // Check the settings.
  const char* fn = "gma::check_importance";
  if (q.dim() != target.dim())
    fail(ErrorKind::argument, fn, "the mixture has dimension ", q.dim(),
         ", the target ", target.dim());
  if (n < 2)
    fail(ErrorKind::argument, fn, "need n >= 2 draws (", n, ")");

  // Draw from q and evaluate the target there.
  ImportanceCheck check;
  check.draws = q.sample(n, rng);
  const arma::vec log_p = target.evaluate(check.draws, batch_size, threads,
                                          check.counts, after_round);
  if (check.counts.outside == n)
    fail(ErrorKind::target, fn, "no draw has a finite log density (", n,
         " draws, ", check.counts.invalid, " NaN or +Inf); the mixture ",
         "misses the target's support");

  // The log ratios, -Inf outside the support.
  const arma::vec log_q = q.log_density(check.draws);
  check.log_ratios.set_size(n);
  for (arma::uword s = 0; s < n; ++s) {
    if (log_p[s] == -arma::datum::inf) {
      check.log_ratios[s] = -arma::datum::inf;
      continue;
    }
    if (!std::isfinite(log_q[s]))
      fail(ErrorKind::numeric, fn, "log q is ", log_q[s], " at draw ", s,
           " where log p~ is ", log_p[s]);
    check.log_ratios[s] = log_p[s] - log_q[s];
  }

  // Smooth, and summarise the weights and the evidence.
  check.psis = pareto_smooth(check.log_ratios);
  check.ess = importance_ess(check.psis.log_weights);
  const Evidence ev = log_evidence(check.log_ratios);
  check.log_evidence = ev.log_z;
  check.log_evidence_se = ev.se;
  return check;
}

arma::mat resample_importance(const ImportanceCheck& check, arma::uword m,
                              Rng& rng) {
  // Check the request and that the check is complete.
  const char* fn = "gma::resample_importance";
  const arma::vec& lw = check.psis.log_weights;
  if (m == 0) fail(ErrorKind::argument, fn, "need m >= 1 draws (0)");
  if (check.draws.n_cols == 0 || lw.n_elem != check.draws.n_cols)
    fail(ErrorKind::argument, fn, "the check holds ", check.draws.n_cols,
         " draws and ", lw.n_elem, " weights; run check_importance first");
  if (lw.has_nan() || !(lw.max() > -arma::datum::inf))
    fail(ErrorKind::argument, fn, "the smoothed weights are NaN or all 0");

  // Weights scaled so the largest is 1, then systematic resampling.
  const arma::vec w = arma::exp(lw - lw.max());
  const arma::uvec idx = systematic_indices(w, m, rng);
  return check.draws.cols(idx);
}

MomentGap moment_gap(const ImportanceCheck& check, const Mixture& q) {
  // Too few effective draws to estimate a covariance: no gap.
  const arma::uword d = q.dim();
  MomentGap gap;
  const arma::vec& lw = check.psis.log_weights;
  if (!(check.ess >= double(d + 1)) || lw.n_elem != check.draws.n_cols)
    return gap;

  // The target's moments from the normalised smoothed weights.
  arma::vec w = arma::exp(lw - lw.max());
  w.elem(arma::find_nonfinite(w)).zeros();
  w /= arma::accu(w);
  arma::vec mean_p;
  arma::mat cov_p;
  weighted_moments(check.draws, w, mean_p, cov_p);
  arma::mat l;
  if (!arma::chol(l, arma::symmatu(cov_p), "lower")) return gap;

  // q's exact moments, whitened by the target's.
  arma::vec mean_q;
  arma::mat cov_q;
  q.moments(mean_q, cov_q);
  const arma::mat li = arma::inv(arma::trimatl(l));
  const arma::vec eig = arma::eig_sym(arma::symmatu(li * cov_q * li.t()));

  // The gaps, and what the noise of the estimate allows.
  const double e = check.ess, r = std::sqrt(double(d) / e);
  // (The shift's noise is about chi_d / sqrt(e): d + 4 sqrt(2 d) is near
  // the 99.9 % point of chi^2_d.)
  gap.mean_shift = arma::norm(li * (mean_q - mean_p));
  gap.scale_gap = 0.5 * arma::max(arma::abs(arma::log(eig)));
  gap.mean_limit = 0.2 + std::sqrt((d + 4.0 * std::sqrt(2.0 * d)) / e);
  gap.scale_limit = std::log(1.25) + std::log1p(r) + 3.0 / std::sqrt(2 * e);
  return gap;
}

}  // namespace gma
