// lma.hpp: the Laplace mixture approximation (LMA) of a target.
//
// From log p~ evaluations only (no gradients):
//   (a) Multi-start local maximisation of log p~ from S given starts, by
//       NLopt's derivative-free BOBYQA (M. J. D. Powell, "The BOBYQA
//       algorithm for bound constrained optimization without derivatives",
//       DAMTP 2009/NA06, Cambridge, 2009), falling back to Nelder-Mead
//       (J. A. Nelder and R. Mead, Computer Journal 7 (1965) 308-313) on
//       the evaluations left: from the same start when BOBYQA fails, from
//       BOBYQA's point when rounding limited it (NLOPT_ROUNDOFF_LIMITED,
//       whose point is then kept unless Nelder-Mead does at least as well).
//   (b) Merging of duplicate optima: visited in order of decreasing
//       log p~, an optimum x whose Mahalanobis distance to a kept mode mu_j
//       in that mode's (unscaled, floored) Laplace metric,
//       sqrt((x - mu_j)' P_j (x - mu_j)), is below merge_distance is the
//       same mode and the higher one, mu_j, is kept.
//   (c) At each mode the Hessian H_j of log p~ by central differences
//       (hessian.hpp) and the precision P_j = nearest_spd(-H_j, eigen_floor,
//       max_condition) (spd.hpp): the eigenvalues of -H_j are raised to
//       max(eigen_floor, lambda_max / max_condition), so that every
//       covariance eigenvalue is at most 1 / eigen_floor and the condition
//       number at most max_condition, even along flat or non-concave
//       directions (logged at warning level). Sigma_j = kappa^2 P_j^-1.
//   (d) Weights from the Laplace evidence of each mode,
//         log w~_j = log p~(mu_j) + (d/2) log 2 pi - (1/2) log |P_j|,
//       (P_j^-1 the unscaled covariance: kappa does not change the
//       weights), normalised by softmax. For well separated Gaussian
//       components these are the components' own weights exactly.
// References: L. Tierney and J. B. Kadane, "Accurate approximations for
// posterior moments and marginal densities", JASA 81 (1986) 82-86, for the
// Laplace approximation and its evidence; A. Gelman et al., "Bayesian Data
// Analysis", 3rd ed., CRC Press 2013, chapter 13, for a mixture of normal
// approximations at the modes weighted by their evidence.
//
// Optimiser evaluations are one point each (Target::evaluate on a dim x 1
// matrix); a value of -Inf (outside the support, or NaN / +Inf by the
// target's rule) is passed to NLopt as -1e30. An exception from the target
// never crosses NLopt's C frames: it is caught in the objective, NLopt is
// force-stopped and the exception rethrown after nlopt_optimize returns.
#ifndef GMA_LMA_HPP
#define GMA_LMA_HPP

#include "gma/arma.hpp"
#include "gma/log.hpp"
#include "gma/mixture.hpp"
#include "gma/target.hpp"
#include "gma/wgma.hpp"

namespace gma {

struct LmaSettings {
  double kappa = 1.0;             // covariance scale, > 0: kappa^2 P^-1
  arma::uword max_evaluations = 0;  // per start, shared by BOBYQA and its
                                    // fallback; 0: 200 (d+1)^2
  double x_tolerance = 1e-8;      // NLopt's relative x tolerance, > 0
  double initial_step = 0.1;      // first steps initial_step max(1,|x_k|)
  double merge_distance = 1.0;    // Mahalanobis radius of one mode, >= 0
  double eigen_floor = 1e-6;      // least precision eigenvalue, > 0
  double max_condition = 1e6;     // largest condition number, >= 1
  double fd_step = 0.0;           // relative Hessian step; 0: eps^(1/4)
  arma::uword batch_size = 4096;  // stencil points per target call, >= 1
  arma::uword threads = 1;        // threads for the stencils, >= 1
};

struct LmaReport {
  Mixture mixture;             // full covariances, modes by decreasing p~
  EvalCounts counts;           // every evaluation: optimiser and stencils
  arma::uword modes = 0;       // components of the mixture
  arma::vec mode_log_density;  // log p~ at each mode
  arma::uword failed_starts = 0;  // starts that gave no usable mode
  arma::uvec start_mode;       // each start's mode, or `modes` if it failed
};

// Fit the LMA to target from the starts (dim x S, finite, S >= 1). After
// each start on_start(s, S) is called with s the starts done; true throws
// gma::Stopped. A start whose optimisation fails, ends at -Inf, or whose
// mode has a stencil point outside the support, is counted in
// failed_starts and logged at warning level. Throws gma::Error (argument)
// for starts of the wrong shape or settings out of range, (target) when
// every start fails, and rethrows whatever the target throws.
LmaReport fit_lma(const Target& target, const arma::mat& starts,
                  const LmaSettings& settings, const Logger& logger,
                  const IterationFn& on_start = IterationFn());

}  // namespace gma

#endif  // GMA_LMA_HPP
