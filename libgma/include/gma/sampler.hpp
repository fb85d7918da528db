// sampler.hpp: the W-GMA sampler, from a target to draws.
//
// A run: place the components (from a box or given means), draw the bank
// (M points per component), evaluate the target once at every bank point,
// fit the weights (W-GMA), then draw the output from the bank by the
// fitted weights.
//
//   gma::Sampler s(2);
//   s.set_target([](const arma::mat& x, arma::vec& out) {
//     out = -0.5 * arma::sum(arma::square(x), 0).t();
//   });
//   s.set_box({-5, -5}, {5, 5});
//   s.run();
//   const arma::mat& draws = s.result().draws;  // 2 x n_draws
#ifndef GMA_SAMPLER_HPP
#define GMA_SAMPLER_HPP

#include <functional>
#include <memory>

#include "gma/arma.hpp"
#include "gma/log.hpp"
#include "gma/mixture.hpp"
#include "gma/options.hpp"
#include "gma/target.hpp"

namespace gma {

enum class Stage { bank = 0, fit = 1, resample = 2 };

// Progress: (stage, done, total); returning true stops the run.
using ProgressFn = std::function<bool(Stage, long, long)>;

struct Diagnostics {
  double evaluations = 0;           // points passed to the target
  double invalid = 0;               // NaN or +Inf values
  double outside = 0;               // points outside the support
  double weight_entropy = 0;        // H(w)
  double effective_components = 0; // exp(H(w))
  double elbo = 0;                  // estimate of E_q[log p~ - log q]
  double run_time = 0;              // seconds
};

struct Result {
  arma::mat draws;        // dim x n_draws
  Mixture mixture;        // the fitted mixture
  Diagnostics diagnostics;
  Options options;        // the settings in force, defaults resolved
};

class Sampler {
 public:
  // A sampler for targets on R^dim (dim >= 1).
  explicit Sampler(arma::uword dim);

  arma::uword dim() const { return dim_; }

  // The target (see target.hpp for the value rule).
  void set_target(BatchFn fn);

  // Place components in the box [lower, upper]; replaces given means.
  void set_box(const arma::vec& lower, const arma::vec& upper);

  // Use these means (dim x N); replaces a box. Clears given variances.
  void set_means(const arma::mat& means);

  // Per-component diagonal variances (dim x N) for the given means.
  void set_variances(const arma::mat& variances);

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
  // The starting mixture and the resolved options.
  Mixture initial_mixture(Options& resolved, Rng& rng) const;

  // Report progress; throws Stopped when the hook asks to stop.
  void report(Stage stage, long done, long total) const;

  arma::uword dim_;
  std::unique_ptr<Target> target_;
  arma::vec lower_, upper_;
  arma::mat means_, variances_;
  Options options_;
  Logger logger_;
  ProgressFn progress_;
  std::unique_ptr<Result> result_;
};

}  // namespace gma

#endif  // GMA_SAMPLER_HPP
