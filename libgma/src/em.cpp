// em.cpp: EM-GMA, population EM with self-normalised importance weights,
// their ESS guard (tempering) and the collapsed-component rule.
#include "gma/em.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>

#include "gma/error.hpp"
#include "gma/math.hpp"
#include "gma/spd.hpp"

namespace gma {

namespace {

// A component whose share of the weight falls below this has collapsed.
constexpr double kCollapsedShare = 1e-8;

// Every weight is floored here (then renormalised): log w stays finite.
constexpr double kWeightFloor = 1e-8;

// Bisection steps for the tempering exponent: beta to within 2^-60.
constexpr int kBisectionSteps = 60;

// x with `digits` decimals, for the log messages.
std::string fixed(double x, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << x;
  return out.str();
}

// x with `digits` significant digits, for the log messages.
std::string significant(double x, int digits) {
  std::ostringstream out;
  out << std::setprecision(digits) << x;
  return out.str();
}

// Check every setting and the dimensions, naming the first one wrong.
void check_inputs(const Mixture& start, const Target& target,
                  const EmSettings& s) {
  const char* fn = "gma::fit_em";
  if (s.iterations == 0)
    fail(ErrorKind::argument, fn, "iterations (", s.iterations,
         ") must be at least 1");
  if (s.bank_size < 2)
    fail(ErrorKind::argument, fn, "bank_size (", s.bank_size,
         ") must be at least 2");
  if (!(s.ridge >= 0.0) || !std::isfinite(s.ridge))
    fail(ErrorKind::argument, fn, "ridge (", s.ridge,
         ") must be non-negative and finite");
  if (!(s.eigen_floor > 0.0) || !std::isfinite(s.eigen_floor))
    fail(ErrorKind::argument, fn, "eigen_floor (", s.eigen_floor,
         ") must be positive and finite");
  if (!(s.max_condition >= 1.0))
    fail(ErrorKind::argument, fn, "max_condition (", s.max_condition,
         ") must be at least 1");
  if (!(s.min_ess_fraction >= 0.0 && s.min_ess_fraction <= 1.0))
    fail(ErrorKind::argument, fn, "min_ess_fraction (", s.min_ess_fraction,
         ") must be in [0, 1]");
  if (s.batch_size == 0 || s.threads == 0)
    fail(ErrorKind::argument, fn, "batch_size (", s.batch_size,
         ") and threads (", s.threads, ") must be at least 1");
  if (start.dim() != target.dim())
    fail(ErrorKind::argument, fn, "the start mixture has dimension ",
         start.dim(), ", the target ", target.dim());
}

// ESS = 1 / sum omega^2 of omega = softmax(lw), in log space:
// (sum e^lw)^2 / sum e^(2 lw).
double ess_of(const arma::vec& lw) {
  return std::exp(2.0 * log_sum_exp(lw) - log_sum_exp(2.0 * lw));
}

// Normalised importance weights and what the ESS guard did to them.
struct Weights {
  arma::vec omega;     // softmax(beta lw)
  double raw_ess = 0;  // ESS at beta = 1
  double ess = 0;      // ESS at the beta used
  double beta = 1;     // tempering exponent in [0, 1]
};

// softmax(beta lw) with the largest beta in [0, 1] whose ESS reaches
// ess_min; beta = 0 (uniform) if even that falls short. lw is finite.
Weights importance_weights(const arma::vec& lw, double ess_min) {
  // The untempered weights are used when their ESS is enough.
  Weights w;
  w.raw_ess = ess_of(lw);
  const double n = static_cast<double>(lw.n_elem);
  if (w.raw_ess >= ess_min) {
    w.beta = 1.0;
  } else if (n < ess_min) {
    w.beta = 0.0;
  } else {
    // Bisection: ESS(lo) >= ess_min > ESS(hi), ESS(0) = n.
    double lo = 0.0, hi = 1.0;
    for (int step = 0; step < kBisectionSteps; ++step) {
      const double mid = 0.5 * (lo + hi);
      if (ess_of(mid * lw) >= ess_min)
        lo = mid;
      else
        hi = mid;
    }
    w.beta = lo;
  }

  // The weights at that beta.
  const arma::vec scaled = w.beta * lw;
  w.omega = arma::exp(scaled - log_sum_exp(scaled));
  w.ess = 1.0 / arma::accu(arma::square(w.omega));
  return w;
}

// One M-step from points z (dim x n), their weights omega, the parts
// log w_k + log N_k(z_m) (n x N) and log q(z_m). Counts the collapsed
// components, which keep their mean and covariance.
Mixture em_step(const Mixture& q, const arma::mat& z, const arma::vec& omega,
                const arma::mat& parts, const arma::vec& log_q,
                const EmSettings& s, arma::uword& collapsed) {
  // a_mk = omega_m r_mk, the weight of point m in component k.
  arma::mat a = arma::exp(parts.each_col() - log_q);
  a.each_col() %= omega;
  const arma::rowvec mass = arma::sum(a, 0);
  const arma::rowvec mass_sq = arma::sum(arma::square(a), 0);
  const double total = arma::accu(mass);

  // Start from the current parameters.
  const double d = static_cast<double>(q.dim());
  arma::mat means = q.means();
  arma::cube covs = q.covariances();
  const arma::mat ridge = s.ridge * arma::eye(q.dim(), q.dim());
  collapsed = 0;

  for (arma::uword k = 0; k < q.size(); ++k) {
    // A collapsed component keeps its mean and covariance.
    const double n_eff =
        mass_sq[k] > 0.0 ? mass[k] * mass[k] / mass_sq[k] : 0.0;
    if (!(mass[k] >= kCollapsedShare * total) || n_eff < d + 1.0) {
      ++collapsed;
      continue;
    }

    // Weighted mean and covariance, repaired into an SPD matrix.
    const arma::vec ak = a.col(k);
    means.col(k) = z * ak / mass[k];
    arma::mat centred = z.each_col() - means.col(k);
    const arma::mat moment =
        (centred.each_row() % ak.t()) * centred.t() / mass[k];
    covs.slice(k) =
        nearest_spd(moment + ridge, s.eigen_floor, s.max_condition);
  }

  // Weights N_k / sum N, floored so that no log weight is -Inf.
  arma::vec w = mass.t() / total;
  w.transform([](double x) { return std::max(x, kWeightFloor); });
  w /= arma::accu(w);

  Mixture out = Mixture::full(means, covs);
  out.set_weights(w);
  return out;
}

}  // namespace

EmReport fit_em(const Mixture& start, const Target& target,
                const EmSettings& settings, Rng& rng, const Logger& logger,
                const IterationFn& on_iteration) {
  // Check the inputs; the ESS floor is at least dim + 1 points.
  check_inputs(start, target, settings);
  const arma::uword T = settings.iterations, B = settings.bank_size;
  const double d = static_cast<double>(start.dim());
  const double ess_min =
      std::max(d + 1.0, settings.min_ess_fraction * static_cast<double>(B));
  EmReport report{start, EvalCounts(),
                  std::numeric_limits<double>::infinity(), 0.0, 0,
                  arma::vec(T, arma::fill::zeros)};

  // Work with full covariances from the start.
  Mixture q = Mixture::full(start.means(), start.covariances());
  q.set_weights(start.weights());

  for (arma::uword t = 1; t <= T; ++t) {
    // A fresh bank from the current mixture, and the target on it.
    const arma::mat z = q.sample(B, rng);
    EvalCounts counts;
    const arma::vec log_p =
        target.evaluate(z, settings.batch_size, settings.threads, counts);
    report.counts.evaluations += counts.evaluations;
    report.counts.invalid += counts.invalid;
    report.counts.outside += counts.outside;
    if (counts.outside == B)
      fail(ErrorKind::target, "gma::fit_em", "iteration ", t, ": no point ",
           "of the bank has a finite log density (", B, " points, ",
           counts.invalid, " NaN or +Inf); check the target and the ",
           "start mixture");

    // log q and its parts log w_k + log N_k at every point.
    arma::mat parts = q.component_log_densities(z);
    parts.each_row() += arma::log(q.weights()).t();
    const arma::vec log_q = log_sum_exp_rows(parts);

    // Keep the points where both log p~ and log q are finite (a sum is
    // finite only then); the others have importance weight 0.
    const arma::uvec usable = arma::find_finite(log_p + log_q);
    const arma::vec lw = log_p.elem(usable) - log_q.elem(usable);

    // SNIS weights, tempered if their ESS is below the floor.
    const Weights w = importance_weights(lw, ess_min);
    report.ess[t - 1] = w.raw_ess;
    report.min_ess = std::min(report.min_ess, w.raw_ess);
    report.last_ess = w.raw_ess;
    const bool degenerate = w.raw_ess < ess_min;
    const bool skip = w.ess < d + 1.0;
    if (degenerate) {
      ++report.degenerate_iterations;
      logger.log(LogLevel::warning, "em",
                 cat("iteration ", t, ": importance weights degenerate ",
                     "(ESS ", fixed(w.raw_ess, 1), " of ", B, "); ",
                     skip ? cat("only ", usable.n_elem, " points inside ",
                                "the support, update skipped")
                          : cat("tempered the log weights by beta ",
                                significant(w.beta, 3), " to reach ESS ",
                                fixed(w.ess, 1)),
                     "; widen the initial covariances or use more ",
                     "components"));
    }

    // The EM update from the usable points.
    arma::uword collapsed = 0;
    if (!skip)
      q = em_step(q, z.cols(usable), w.omega, parts.rows(usable),
                  log_q.elem(usable), settings, collapsed);
    if (logger.enabled(LogLevel::debug))
      logger.log(LogLevel::debug, "em",
                 cat("iteration ", t, ": ESS ", fixed(w.raw_ess, 1), " of ",
                     B, ", beta ", significant(w.beta, 3), ", ", collapsed,
                     " collapsed components"));

    // Report progress, and stop if asked.
    if (on_iteration && on_iteration(t, T)) throw Stopped();
  }

  // Summarise the run.
  if (report.counts.invalid > 0)
    logger.log(LogLevel::warning, "em",
               cat(report.counts.invalid, " of ", report.counts.evaluations,
                   " values were NaN or +Inf; treated as outside the ",
                   "support"));
  logger.log(LogLevel::info, "em",
             cat(T, " iterations of ", B, " points, ", q.size(),
                 " components; smallest ESS ", fixed(report.min_ess, 1),
                 ", last ", fixed(report.last_ess, 1), ", ",
                 report.degenerate_iterations, " degenerate iterations"));
  report.mixture = q;
  return report;
}

}  // namespace gma
