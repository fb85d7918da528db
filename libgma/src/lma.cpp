// lma.cpp: multi-start derivative-free maximisation, mode merging, and
// Laplace covariances and weights at the modes.
#include "gma/lma.hpp"

#include <nlopt.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <exception>
#include <memory>
#include <numeric>
#include <type_traits>
#include <vector>

#include "gma/error.hpp"
#include "gma/hessian.hpp"
#include "gma/math.hpp"
#include "gma/spd.hpp"

namespace gma {

namespace {

// What NLopt sees for log p~ = -Inf: finite, far below any real value.
constexpr double kOutsideValue = -1e30;

// nlopt_destroy as a deleter, so that every exit frees the optimiser.
struct OptDeleter {
  void operator()(nlopt_opt opt) const { nlopt_destroy(opt); }
};
using OptPtr = std::unique_ptr<std::remove_pointer_t<nlopt_opt>, OptDeleter>;

// The state the objective callback works on.
struct Objective {
  const Target* target = nullptr;
  EvalCounts* counts = nullptr;
  arma::mat point;            // dim x 1, reused by every call
  nlopt_opt opt = nullptr;
  arma::uword calls = 0;
  double best = -arma::datum::inf;  // the highest true log p~ seen
  std::exception_ptr error;   // an exception caught in the callback
};

// The NLopt objective: log p~ at one point. Nothing may escape into C.
double objective(unsigned n, const double* x, double* /*grad*/,
                 void* data) {
  auto* o = static_cast<Objective*>(data);
  try {
    std::copy(x, x + n, o->point.memptr());
    const double v = o->target->evaluate(o->point, 1, 1, *o->counts)[0];
    ++o->calls;
    o->best = std::max(o->best, v);
    return v == -arma::datum::inf ? kOutsideValue : v;
  } catch (...) {
    o->error = std::current_exception();
    nlopt_force_stop(o->opt);
    return kOutsideValue;
  }
}

// One local run's outcome.
struct LocalRun {
  nlopt_result code = NLOPT_FAILURE;
  arma::vec x;
  double value = -arma::datum::inf;  // log p~ at x (-Inf if never finite)
  arma::uword calls = 0;

  // Success, or NLopt's "rounding limited progress" (whose point NLopt
  // documents as typically useful), at a finite log p~.
  bool usable() const {
    return (code > 0 || code == NLOPT_ROUNDOFF_LIMITED) &&
           std::isfinite(value);
  }
};

// Maximise log p~ from start with one NLopt algorithm and budget.
LocalRun run_local(const Target& target, const arma::vec& start,
                   nlopt_algorithm algorithm, arma::uword budget,
                   const LmaSettings& s, EvalCounts& counts) {
  // The optimiser: maximise, relative x tolerance, evaluation budget.
  const unsigned d = static_cast<unsigned>(start.n_elem);
  OptPtr opt(nlopt_create(algorithm, d));
  if (!opt)
    fail(ErrorKind::numeric, "gma::fit_lma", "NLopt could not create ",
         nlopt_algorithm_name(algorithm), " in dimension ", d);
  Objective o;
  o.target = &target;
  o.counts = &counts;
  o.point.set_size(d, 1);
  o.opt = opt.get();
  nlopt_set_max_objective(opt.get(), objective, &o);
  nlopt_set_xtol_rel(opt.get(), s.x_tolerance);
  nlopt_set_maxeval(opt.get(),
                    static_cast<int>(std::min<arma::uword>(budget, INT_MAX)));

  // First steps proportional to the coordinates' magnitude.
  const arma::vec dx = s.initial_step * arma::clamp(arma::abs(start), 1.0,
                                                    arma::datum::inf);
  nlopt_set_initial_step(opt.get(), dx.memptr());

  // Run; rethrow what the objective caught, now outside NLopt.
  LocalRun run;
  run.x = start;
  double f = 0.0;
  run.code = nlopt_optimize(opt.get(), run.x.memptr(), &f);
  if (o.error) std::rethrow_exception(o.error);
  run.calls = o.calls;
  run.value = f <= kOutsideValue ? -arma::datum::inf : f;
  return run;
}

// Maximise from one start: BOBYQA, then Nelder-Mead on the budget left.
LocalRun optimise_start(const Target& target, const arma::vec& start,
                        arma::uword budget, const LmaSettings& s,
                        EvalCounts& counts, const Logger& logger,
                        arma::uword index) {
  // BOBYQA first; a plain success ends the start.
  LocalRun run = run_local(target, start, NLOPT_LN_BOBYQA, budget, s, counts);
  if ((run.code > 0 && run.usable()) || run.calls >= budget) return run;

  // Nelder-Mead: from BOBYQA's point if rounding stopped it there, else
  // from the start again.
  const bool polish = run.usable();
  logger.log(LogLevel::debug, "lma",
             cat("start ", index + 1, ": BOBYQA ended with ",
                 nlopt_result_to_string(run.code), " at log p~ ", run.value,
                 polish ? "; polishing" : "; restarting",
                 " with Nelder-Mead"));
  LocalRun fallback = run_local(target, polish ? run.x : start,
                                NLOPT_LN_NELDERMEAD, budget - run.calls, s,
                                counts);
  fallback.calls += run.calls;

  // Keep the better usable outcome.
  if (polish && !(fallback.usable() && fallback.value >= run.value)) {
    run.calls = fallback.calls;
    return run;
  }
  return fallback;
}

// Check the starts against the target and the settings' ranges.
void check_inputs(const Target& target, const arma::mat& starts,
                  const LmaSettings& s) {
  const char* fn = "gma::fit_lma";
  if (starts.n_rows != target.dim() || starts.n_cols == 0)
    fail(ErrorKind::argument, fn, "starts must be ", target.dim(),
         " x S with S >= 1 (got ", starts.n_rows, " x ", starts.n_cols, ")");
  if (!starts.is_finite())
    fail(ErrorKind::argument, fn, "starts must be finite");
  if (!(s.kappa > 0.0) || !std::isfinite(s.kappa))
    fail(ErrorKind::argument, fn, "kappa (", s.kappa,
         ") must be positive and finite");
  if (!(s.x_tolerance > 0.0) || !(s.initial_step > 0.0) ||
      !std::isfinite(s.initial_step))
    fail(ErrorKind::argument, fn, "x_tolerance (", s.x_tolerance,
         ") and initial_step (", s.initial_step, ") must be positive");
  if (!(s.merge_distance >= 0.0))
    fail(ErrorKind::argument, fn, "merge_distance (", s.merge_distance,
         ") must be non-negative");
  if (!(s.eigen_floor > 0.0) || !std::isfinite(s.eigen_floor) ||
      !(s.max_condition >= 1.0))
    fail(ErrorKind::argument, fn, "eigen_floor (", s.eigen_floor,
         ") must be positive and max_condition (", s.max_condition,
         ") at least 1");
  if (!(s.fd_step >= 0.0) || !std::isfinite(s.fd_step))
    fail(ErrorKind::argument, fn, "fd_step (", s.fd_step,
         ") must be finite and non-negative");
  if (s.batch_size == 0 || s.threads == 0)
    fail(ErrorKind::argument, fn, "batch_size (", s.batch_size,
         ") and threads (", s.threads, ") must be at least 1");
}

// A kept mode: its location, log p~ and floored precision P = -H repaired.
struct Mode {
  arma::vec mean;
  double log_density;
  arma::mat precision;
};

// The Laplace precision at x, or false if a stencil point is outside.
bool laplace_precision(const Target& target, const arma::vec& x,
                       const LmaSettings& s, EvalCounts& counts,
                       const Logger& logger, arma::uword index,
                       arma::mat& precision) {
  // The Hessian from one batch of stencil points.
  const arma::vec h = hessian_steps(x, s.fd_step);
  const arma::vec values = target.evaluate(hessian_stencil(x, h),
                                           s.batch_size, s.threads, counts);
  if (!values.is_finite()) {
    logger.log(LogLevel::warning, "lma",
               cat("start ", index + 1, ": a Hessian stencil point near the ",
                   "optimum is outside the support; start dropped"));
    return false;
  }
  const arma::mat neg_h = -hessian_from_stencil(values, h);

  // Warn when the floor of nearest_spd changes an eigenvalue (same rule).
  const arma::vec lambda = arma::eig_sym(neg_h);
  const double floor = std::max(s.eigen_floor,
                                lambda.max() / s.max_condition);
  const arma::uword raised = arma::uvec(arma::find(lambda < floor)).n_elem;
  if (raised > 0)
    logger.log(LogLevel::warning, "lma",
               cat("start ", index + 1, ": ", raised, " of ", x.n_elem,
                   " eigenvalues of -H (smallest ", lambda.min(),
                   ") raised to ", floor, " (flat or non-concave ",
                   "directions); the covariance is capped"));

  // Floor the eigenvalues of -H: a bounded, conditioned covariance.
  precision = nearest_spd(neg_h, s.eigen_floor, s.max_condition);
  return true;
}

// The first kept mode within merge_distance of x in its metric, or size.
arma::uword nearby_mode(const std::vector<Mode>& modes, const arma::vec& x,
                        double merge_distance) {
  for (arma::uword j = 0; j < modes.size(); ++j) {
    const arma::vec delta = x - modes[j].mean;
    const double d2 = arma::dot(delta, modes[j].precision * delta);
    if (d2 < merge_distance * merge_distance) return j;
  }
  return modes.size();
}

}  // namespace

LmaReport fit_lma(const Target& target, const arma::mat& starts,
                  const LmaSettings& settings, const Logger& logger,
                  const IterationFn& on_start) {
  // Check the inputs and resolve the per-start budget.
  check_inputs(target, starts, settings);
  const arma::uword d = target.dim(), n_starts = starts.n_cols;
  const arma::uword budget = settings.max_evaluations > 0
                                 ? settings.max_evaluations
                                 : 200 * (d + 1) * (d + 1);
  EvalCounts counts;

  // (a) One local maximisation per start.
  std::vector<LocalRun> runs(n_starts);
  arma::uword failed = 0;
  for (arma::uword s = 0; s < n_starts; ++s) {
    runs[s] = optimise_start(target, starts.col(s), budget, settings, counts,
                             logger, s);
    const LocalRun& r = runs[s];
    if (!r.usable()) {
      ++failed;
      logger.log(LogLevel::warning, "lma",
                 cat("start ", s + 1, " of ", n_starts, " failed (NLopt ",
                     nlopt_result_to_string(r.code), ", log p~ ", r.value,
                     ", ", r.calls, " evaluations)"));
    } else if (r.code == NLOPT_MAXEVAL_REACHED) {
      logger.log(LogLevel::warning, "lma",
                 cat("start ", s + 1, " used all ", budget, " evaluations; ",
                     "its optimum may be inexact"));
    } else {
      logger.log(LogLevel::debug, "lma",
                 cat("start ", s + 1, ": log p~ ", r.value, " after ",
                     r.calls, " evaluations"));
    }
    if (on_start && on_start(s + 1, n_starts)) throw Stopped();
  }
  if (failed == n_starts)
    fail(ErrorKind::target, "gma::fit_lma", "all ", n_starts, " starts ",
         "failed: no finite local maximum of log p~ was found");

  // (b, c) Visit the optima by decreasing log p~: merge or add a mode.
  std::vector<arma::uword> order(n_starts);
  std::iota(order.begin(), order.end(), arma::uword(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](arma::uword a, arma::uword b) {
                     return runs[a].value > runs[b].value;
                   });
  std::vector<Mode> modes;
  arma::uvec start_mode(n_starts, arma::fill::zeros);
  for (arma::uword s : order) {
    if (!runs[s].usable()) continue;
    const arma::uword near = nearby_mode(modes, runs[s].x,
                                         settings.merge_distance);
    if (near < modes.size()) {
      start_mode[s] = near;
      continue;
    }
    arma::mat precision;
    if (!laplace_precision(target, runs[s].x, settings, counts, logger, s,
                           precision)) {
      ++failed;
      runs[s].code = NLOPT_FAILURE;
      continue;
    }
    start_mode[s] = modes.size();
    modes.push_back(Mode{runs[s].x, runs[s].value, precision});
  }
  if (modes.empty())
    fail(ErrorKind::target, "gma::fit_lma", "all ", n_starts, " starts ",
         "failed: no mode has a Hessian inside the support");
  for (arma::uword s = 0; s < n_starts; ++s)
    if (!runs[s].usable()) start_mode[s] = modes.size();

  // (c, d) Covariances kappa^2 P^-1 and log evidences of the modes.
  const arma::uword n = modes.size();
  arma::mat means(d, n);
  arma::cube covariances(d, d, n);
  arma::vec log_density(n), log_evidence(n);
  const double kappa2 = settings.kappa * settings.kappa;
  for (arma::uword j = 0; j < n; ++j) {
    const arma::mat unscaled = arma::inv_sympd(modes[j].precision);
    means.col(j) = modes[j].mean;
    covariances.slice(j) = kappa2 * 0.5 * (unscaled + unscaled.t());
    log_density[j] = modes[j].log_density;
    log_evidence[j] = log_density[j] + 0.5 * d * std::log(2.0 * M_PI) -
                      0.5 * arma::log_det_sympd(modes[j].precision);
  }

  // (d, e) Softmax of the log evidences as the mixture's weights.
  Mixture mixture = Mixture::full(means, covariances);
  arma::vec weights = arma::exp(log_evidence - log_sum_exp(log_evidence));
  mixture.set_weights(weights / arma::accu(weights));
  logger.log(LogLevel::info, "lma",
             cat(n_starts, " starts, ", failed, " failed, ", n, " modes, ",
                 counts.evaluations, " evaluations"));
  return LmaReport{mixture, counts, n, log_density, failed, start_mode};
}

}  // namespace gma
