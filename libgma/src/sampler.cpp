// sampler.cpp: one W-GMA run, stage by stage.
#include "gma/sampler.hpp"

#include <chrono>
#include <cmath>

#include "gma/bank.hpp"
#include "gma/error.hpp"
#include "gma/math.hpp"
#include "gma/placement.hpp"
#include "gma/resample.hpp"
#include "gma/wgma.hpp"

namespace gma {

Sampler::Sampler(arma::uword dim) : dim_(dim) {
  if (dim == 0)
    fail(ErrorKind::argument, "gma::Sampler", "dim (0) must be at least 1");
}

void Sampler::set_target(BatchFn fn) {
  target_ = std::make_unique<Target>(dim_, std::move(fn));
}

void Sampler::set_box(const arma::vec& lower, const arma::vec& upper) {
  // Check the box: dim finite values each, lower < upper.
  if (lower.n_elem != dim_ || upper.n_elem != dim_)
    fail(ErrorKind::argument, "gma::Sampler::set_box", "lower and upper ",
         "need ", dim_, " values each (got ", lower.n_elem, " and ",
         upper.n_elem, ")");
  for (arma::uword k = 0; k < dim_; ++k) {
    if (!std::isfinite(lower[k]) || !std::isfinite(upper[k]) ||
        !(lower[k] < upper[k]))
      fail(ErrorKind::argument, "gma::Sampler::set_box", "coordinate ",
           k + 1, ": need finite lower < upper (lower ", lower[k],
           ", upper ", upper[k], ")");
  }
  lower_ = lower;
  upper_ = upper;
  means_.reset();
  variances_.reset();
}

void Sampler::set_means(const arma::mat& means) {
  if (means.n_rows != dim_ || means.n_cols == 0)
    fail(ErrorKind::argument, "gma::Sampler::set_means", "means must be ",
         dim_, " x N with N >= 1 (got ", means.n_rows, " x ", means.n_cols,
         ")");
  if (!means.is_finite())
    fail(ErrorKind::argument, "gma::Sampler::set_means",
         "means must be finite");
  means_ = means;
  variances_.reset();
  lower_.reset();
  upper_.reset();
  options_.components = means.n_cols;
}

void Sampler::set_variances(const arma::mat& variances) {
  if (means_.is_empty())
    fail(ErrorKind::state, "gma::Sampler::set_variances",
         "set the means first");
  if (variances.n_rows != means_.n_rows || variances.n_cols != means_.n_cols)
    fail(ErrorKind::argument, "gma::Sampler::set_variances", "variances (",
         variances.n_rows, " x ", variances.n_cols, ") must match the means (",
         means_.n_rows, " x ", means_.n_cols, ")");
  if (!variances.is_finite() || variances.min() <= 0.0)
    fail(ErrorKind::argument, "gma::Sampler::set_variances",
         "variances must be positive and finite (smallest ",
         variances.min(), ")");
  variances_ = variances;
}

const Result& Sampler::result() const {
  if (!result_)
    fail(ErrorKind::state, "gma::Sampler::result",
         "no result: run the sampler successfully first");
  return *result_;
}

void Sampler::report(Stage stage, long done, long total) const {
  if (progress_ && progress_(stage, done, total)) throw Stopped();
}

Mixture Sampler::initial_mixture(Options& resolved, Rng& rng) const {
  // Given means: their count, the given or the default width.
  if (!means_.is_empty()) {
    if (resolved.components != means_.n_cols)
      fail(ErrorKind::argument, "gma::Sampler::run", "components (",
           resolved.components, ") must equal the number of means (",
           means_.n_cols, ")");
    if (!variances_.is_empty()) return Mixture::diagonal(means_, variances_);
    if (resolved.cov_scale == 0.0)
      resolved.cov_scale = default_variance(means_);
    return Mixture::isotropic(means_, resolved.cov_scale);
  }

  // A box: the default count for the dimension, placed by placement.hpp.
  if (lower_.is_empty())
    fail(ErrorKind::state, "gma::Sampler::run",
         "no placement: set a box or initial means first");
  if (resolved.components == 0) resolved.components = default_components(dim_);
  return place_in_box(lower_, upper_, resolved.components,
                      resolved.cov_scale, rng);
}

void Sampler::run() {
  const auto start = std::chrono::steady_clock::now();
  result_.reset();
  if (!target_)
    fail(ErrorKind::state, "gma::Sampler::run", "no target: set one first");

  // Resolve the defaults and place the components.
  Options resolved = options_;
  Rng rng(resolved.seed);
  Mixture mixture = initial_mixture(resolved, rng);
  resolved.step_size = resolved.effective_step_size();
  if (resolved.draws == 0)
    resolved.draws = resolved.components * resolved.points_per_component;
  logger_.log(LogLevel::info, "sampler",
              cat(resolved.components, " components, ",
                  resolved.points_per_component, " bank points each, ",
                  resolved.iterations, " iterations"));

  // Draw the bank and evaluate the target on it.
  const long n_bank = long(resolved.components * resolved.points_per_component);
  report(Stage::bank, 0, n_bank);
  Bank bank = draw_bank(mixture, resolved.points_per_component, rng);
  evaluate_bank(bank, *target_, resolved.batch_size, resolved.threads,
                [this](arma::uword done, arma::uword total) {
                  return progress_ && progress_(Stage::bank, long(done),
                                                long(total));
                });
  if (bank.counts.invalid > 0)
    logger_.log(LogLevel::warning, "target",
                cat(bank.counts.invalid, " of ", bank.size(), " values were ",
                    "NaN or +Inf; treated as outside the support"));

  // Fit the weights.
  const long n_iter = long(resolved.iterations);
  report(Stage::fit, 0, n_iter);
  const WeightObjective objective(mixture, bank);
  WgmaSettings settings{resolved.iterations, resolved.step_size,
                        resolved.update, resolved.schedule};
  const arma::vec w = fit_weights(
      objective, mixture.weights(), settings, resolved.progress_every,
      [this](arma::uword k, arma::uword total) {
        return progress_ && progress_(Stage::fit, long(k), long(total));
      });
  mixture.set_weights(w / arma::accu(w));

  // Draw the output from the bank.
  report(Stage::resample, 0, long(resolved.draws));
  const arma::uvec picks = resample(bank, mixture.weights(), resolved.draws,
                                    resolved.resampling, rng);
  report(Stage::resample, long(resolved.draws), long(resolved.draws));

  // Keep the result with its diagnostics.
  auto result = std::make_unique<Result>(
      Result{bank.points.cols(picks), mixture, Diagnostics(), resolved});
  Diagnostics& d = result->diagnostics;
  d.evaluations = double(bank.counts.evaluations);
  d.invalid = double(bank.counts.invalid);
  d.outside = double(bank.counts.outside);
  d.weight_entropy = entropy(mixture.weights());
  d.effective_components = std::exp(d.weight_entropy);
  d.elbo = -objective.value(mixture.weights());
  d.run_time = std::chrono::duration<double>(
                   std::chrono::steady_clock::now() - start).count();
  result_ = std::move(result);
}

}  // namespace gma
