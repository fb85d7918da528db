// importance.hpp: checking a fitted mixture by importance sampling.
//
// Fresh draws from the mixture q are weighted by r = log p~ - log q. Their
// Pareto-smoothed weights (gma/psis.hpp) say whether q covers the target:
// a small k-hat (below pareto_k_threshold(n), and certainly below 0.7)
// means the weighted draws give reliable target expectations and an
// estimate of the normalising constant Z; a large one means q misses
// mass of the target and its draws should not be trusted. The check costs
// n target evaluations on top of the fit.
#ifndef GMA_IMPORTANCE_HPP
#define GMA_IMPORTANCE_HPP

#include "gma/arma.hpp"
#include "gma/mixture.hpp"
#include "gma/psis.hpp"
#include "gma/rng.hpp"
#include "gma/target.hpp"

namespace gma {

// The result of check_importance.
struct ImportanceCheck {
  arma::mat draws;             // dim x n draws from q
  arma::vec log_ratios;        // log p~ - log q at each draw (-Inf outside)
  Psis psis;                   // smoothed log weights and pareto_k
  double ess = 0.0;            // importance ESS of the smoothed weights
  double log_evidence = 0.0;   // log Z from the raw ratios (log_evidence())
  double log_evidence_se = 0.0;  // its Monte Carlo standard error
  EvalCounts counts;           // the target evaluations of the check
};

// Draw n points from q, evaluate the target on them (Target::evaluate with
// batch_size, threads and after_round; NaN and +Inf count as invalid and
// become -Inf) and summarise the log ratios: Pareto smoothing, the ESS of
// the smoothed weights and the log evidence of the raw ones. Throws
// gma::Error: argument if the dimensions differ or n < 2; target if no
// draw has a finite log density; numeric if q's own density underflows at
// a draw where the target is finite. Throws gma::Stopped when after_round
// asks to stop.
ImportanceCheck check_importance(const Mixture& q, const Target& target,
                                 arma::uword n, Rng& rng,
                                 arma::uword batch_size, arma::uword threads,
                                 const RoundFn& after_round = RoundFn());

// The fitted mixture q against the target's mean and covariance as the
// check's smoothed weights estimate them (m_p, S_p), in the target's own
// metric: the mean shift |m_q - m_p| in S_p's Mahalanobis norm (in target
// sds along the shift), and the scale gap max |log sd_q / sd_p| over all
// directions (half the largest |log eigenvalue| of S_p^-1/2 S_q S_p^-1/2;
// it sees a wrong correlation as well as a wrong sd). q's moments are
// exact. A k-hat below the threshold says the ratios are usable, not that
// q is close to p: a q wider than p, or shifted by a fraction of its sd,
// keeps the ratios bounded and k-hat low, and these two numbers show it.
// The limits add to the tolerances 0.2 sd and log 1.25 what the noise of
// S_p allows at the check's ESS e in d dimensions: sqrt((d + 4 sqrt(2d))
// / e) for the shift (near the 99.9 % point of the chi_d noise), and
// log(1 + sqrt(d / e)) + 3 / sqrt(2 e) for the scale (the spread of a
// sample covariance's eigenvalues). With an ESS below d + 1 or a
// singular S_p the gaps are NaN (k-hat and the ESS flag such fits).
struct MomentGap {
  double mean_shift = arma::datum::nan;  // in target sds
  double scale_gap = arma::datum::nan;   // |log sd ratio|, worst direction
  double mean_limit = arma::datum::nan;
  double scale_limit = arma::datum::nan;
};
MomentGap moment_gap(const ImportanceCheck& check, const Mixture& q);

// m draws (dim x m) from the check's draws by systematic (low-variance)
// resampling with probabilities proportional to the smoothed weights; a
// draw's count differs from m times its weight by less than one. Throws
// (argument) if m = 0 or the check holds no draws or mismatched weights.
arma::mat resample_importance(const ImportanceCheck& check, arma::uword m,
                              Rng& rng);

}  // namespace gma

#endif  // GMA_IMPORTANCE_HPP
