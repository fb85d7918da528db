// sampler.hpp: the GMA sampler, from a target to draws.
//
// A run: resolve the defaults, place the components (from a box, given
// means, a prior sampler or a start point), fit the mixture by the chosen
// method, check it by importance sampling (Pareto k-hat, ESS, log
// evidence), then draw the output.
//
//   gma::Sampler s(2);
//   s.set_target([](const arma::mat& x, arma::vec& out) {
//     out = -0.5 * arma::sum(arma::square(x), 0).t();
//   });
//   s.set_box({-5, -5}, {5, 5});
//   s.run();
//   const arma::mat& draws = s.result().draws;  // 2 x n_draws
//
// With bounds set, the sampler works on unconstrained coordinates
// (transform.hpp): a box, means and a start point are given on the
// constrained scale and mapped; draws come back on the constrained scale;
// the fitted mixture stays unconstrained.
#ifndef GMA_SAMPLER_HPP
#define GMA_SAMPLER_HPP

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "gma/arma.hpp"
#include "gma/log.hpp"
#include "gma/methods.hpp"
#include "gma/mixture.hpp"
#include "gma/options.hpp"
#include "gma/target.hpp"
#include "gma/transform.hpp"

namespace gma {

// A prior sampler: fill the dim x n matrix `out` with n prior draws.
using PriorFn = std::function<void(arma::mat& out)>;

struct Result {
  arma::mat draws;        // dim x n_draws, on the constrained scale
  Mixture mixture;        // the fitted mixture (unconstrained scale)
  std::map<std::string, double> diagnostics;
  Options options;        // the settings in force, defaults resolved
  arma::vec log_ratios;   // log p~ - log q of the importance check's draws
};

class Sampler {
 public:
  // A sampler for targets on R^dim (dim >= 1).
  explicit Sampler(arma::uword dim);

  arma::uword dim() const { return dim_; }

  // The target (see target.hpp for the value rule).
  void set_target(BatchFn fn);

  // Bounds per coordinate (either may be infinite); see transform.hpp.
  void set_bounds(const arma::vec& lower, const arma::vec& upper);

  // Place components in the box [lower, upper]; replaces other starts.
  void set_box(const arma::vec& lower, const arma::vec& upper);

  // Use these means (dim x N); replaces other starts.
  void set_means(const arma::mat& means);

  // Per-component diagonal variances (dim x N) for the given means.
  void set_variances(const arma::mat& variances);

  // Start from a prior sampler; replaces other starts.
  void set_prior(PriorFn prior);

  // Start from one point (local optimisation finds the region first);
  // replaces other starts.
  void set_start(const arma::vec& point);

  Options& options() { return options_; }
  const Options& options() const { return options_; }
  Logger& logger() { return logger_; }
  void set_progress(ProgressFn fn) { progress_ = std::move(fn); }

  // Run; throws gma::Error on failure and gma::Stopped when the progress
  // hook asks to stop. Either way the previous result is cleared.
  void run();

  bool has_result() const { return result_ != nullptr; }

  // The last run's result; throws gma::Error (kind state) before a run.
  const Result& result() const;

 private:
  // How the run starts: the options' defaults and the first mixture.
  Options resolve() const;
  Placement resolved_placement(const Options& resolved) const;
  Mixture start_mixture(const Context& c, EvalCounts& spent) const;
  arma::mat lma_starts(const Context& c) const;
  arma::mat prior_draws(arma::uword n) const;
  Fit fit(const Context& c) const;
  Fit fit_method(const Context& c, EvalCounts& spent) const;
  // The fit at the modes, or nothing when no search finds a mode and a
  // box can take over (logged; the searches' evaluations go to spent).
  std::optional<Fit> try_modes(const Context& c, EvalCounts& spent) const;

  // Clear the starting information before a new one is set.
  void clear_starts();

  arma::uword dim_;
  std::unique_ptr<Target> target_;
  Bounds bounds_;
  arma::vec lower_, upper_, start_;
  arma::mat means_, variances_;
  PriorFn prior_;
  Options options_;
  Logger logger_;
  ProgressFn progress_;
  std::unique_ptr<Result> result_;
};

}  // namespace gma

#endif  // GMA_SAMPLER_HPP
