// psis.hpp: Pareto-smoothed importance sampling (PSIS) and its summaries.
//
// Vehtari, Simpson, Gelman, Yao and Gabry, "Pareto smoothed importance
// sampling", JMLR 25 (2024). For draws z_s from a proposal q and an
// unnormalised target p~, the log importance ratios are r_s = log p~(z_s) -
// log q(z_s). The largest M ratios are replaced by the expected order
// statistics of a generalized Pareto distribution (GPD) fitted to them; the
// fitted shape k-hat says how far the estimates can be trusted:
//
//   k-hat < pareto_k_threshold(n)   the smoothed estimates are reliable;
//   k-hat > 0.7                     too heavy a tail: do not trust them.
//
// Conventions. A ratio of -Inf is a draw with zero weight (outside the
// target's support) and stays -Inf; NaN and +Inf are rejected. When the
// tail cannot be fitted (fewer than 5 tail values, or no finite fit), the
// weights are returned unsmoothed and k-hat is +Inf, as the R package loo
// does: nothing is then known about the tail, so the check must read as
// failed. When the tail values are all equal (q proportional to p~ there:
// the ratios are bounded), the weights are returned as given and k-hat is
// -Inf, where loo would say +Inf: a perfect fit must not read as failed.
#ifndef GMA_PSIS_HPP
#define GMA_PSIS_HPP

#include "gma/arma.hpp"

namespace gma {

// The result of pareto_smooth.
struct Psis {
  arma::vec log_weights;       // smoothed log weights, on the input's scale
  double pareto_k = 0.0;       // the tail shape k-hat; +Inf if not fitted
  arma::uword tail_length = 0; // weights replaced by the fit; 0 if none
};

// A generalized Pareto distribution fitted to exceedances of a threshold:
// P(X > x) = (1 + k x / sigma)^(-1/k).
struct GpdFit {
  double k = 0.0;      // shape (k > 0: heavy tail), after the prior
  double sigma = 0.0;  // scale (> 0)
};

// The PSIS tail length for n draws: ceil(min(0.2 n, 3 sqrt(n))), the
// paper's rule for independent draws (relative efficiency 1).
arma::uword pareto_tail_length(arma::uword n);

// The sample-size-dependent bound on k-hat, min(1 - 1/log10(n), 0.7),
// above which n draws cannot give a reliable estimate. It is <= 0 for
// n <= 10 (no k-hat is good enough). Throws (argument) if n < 2.
double pareto_k_threshold(arma::uword n);

// Fit a GPD to exceedances x (sorted ascending, all >= 0) by the empirical
// Bayes estimator of Zhang and Stephens (2009): theta = -k / sigma is the
// mean of a grid of 30 + floor(sqrt(m)) values weighted by their profile
// likelihood, and k, sigma follow from it. Then k is drawn towards 0.5 by
// a weakly informative prior worth 10 observations, k = (m k + 10 * 0.5) /
// (m + 10); sigma is left as fitted. k is +Inf when the fit gives no
// number. Throws (argument) if x has fewer than 2 values, is unsorted, or
// has negative or non-finite values.
GpdFit fit_generalized_pareto(const arma::vec& x);

// Pareto-smooth the log importance ratios (n values, finite or -Inf, at
// least one finite): shift by the maximum; fit a GPD (in weight space,
// relative to the threshold) to the M = pareto_tail_length(n) largest
// ratios above the (M+1)-th largest, M being cut to one less than the
// number of finite ratios; replace the tail by the threshold plus the GPD
// quantiles at (z - 0.5) / M, z = 1..M, in the tail's order; truncate all
// weights at the largest raw weight; shift back. Ratios outside the tail
// are returned exactly as given; ties keep their input order. Throws
// (argument) on empty input, a NaN or +Inf, or all -Inf.
Psis pareto_smooth(const arma::vec& log_ratios);

// The importance-sampling effective sample size of log weights,
// (sum w)^2 / sum w^2, between 1 and the number of non-zero weights.
// Throws (argument) on empty input, a NaN or +Inf, or all -Inf.
double importance_ess(const arma::vec& log_weights);

// An estimate of the target's normalising constant Z.
struct Evidence {
  double log_z = 0.0;  // log of the mean ratio, log((1/n) sum_s e^r_s)
  double se = 0.0;     // Monte Carlo standard error of log_z
};

// log Z from raw (unsmoothed) log ratios: the log of their mean, with the
// delta-method standard error se = sd(w) / (sqrt(n) mean(w)), sd with
// divisor n - 1, computed on w = e^(r - max r) so nothing overflows. The
// mean ratio is unbiased for Z whenever q covers the target's support; the
// se is only meaningful when the ratios have a finite variance (k-hat <
// 0.5). Throws (argument) with fewer than 2 values, a NaN or +Inf, or all
// -Inf.
Evidence log_evidence(const arma::vec& log_ratios);

}  // namespace gma

#endif  // GMA_PSIS_HPP
