// wgma_stable.cpp: the stabilised W-GMA updates.
#include "gma/wgma_stable.hpp"

#include <algorithm>
#include <cmath>

#include "gma/error.hpp"
#include "gma/math.hpp"

namespace gma {

namespace {

// The log target the fit sees at inverse temperature beta.
arma::vec tempered_target(const arma::vec& log_target, double beta,
                          bool standardise) {
  if (!standardise) return beta * log_target;
  const double sd = arma::stddev(log_target);
  const double centre = arma::mean(log_target);
  return (beta * log_target - centre) / (sd > 0.0 ? sd : 1.0);
}

// Check the settings: ranges as in options.cpp.
void check(const StableSettings& s) {
  const char* fn = "gma::fit_weights_stable";
  if (s.iterations == 0 || !(s.step_size > 0.0) || !(s.step_offset >= 0.0))
    fail(ErrorKind::argument, fn, "iterations (", s.iterations,
         ") must be >= 1, step_size (", s.step_size, ") > 0, step_offset (",
         s.step_offset, ") >= 0");
  if (!(s.temper_min > 0.0 && s.temper_min <= 1.0) ||
      !(s.md_temperature >= 1.0) || !(s.entropy_penalty >= 0.0))
    fail(ErrorKind::argument, fn, "temper_min (", s.temper_min,
         ") must be in (0, 1], md_temperature (", s.md_temperature,
         ") >= 1, entropy_penalty (", s.entropy_penalty, ") >= 0");
  if (!(s.damping >= 0.0 && s.damping <= 1.0) ||
      !(s.tail_fraction >= 0.0 && s.tail_fraction <= 1.0))
    fail(ErrorKind::argument, fn, "damping (", s.damping,
         ") and tail_fraction (", s.tail_fraction, ") must be in [0, 1]");
}

}  // namespace

arma::vec fit_weights_stable(const WeightObjective& objective,
                             const arma::vec& w0,
                             const StableSettings& settings,
                             arma::uword every,
                             const IterationFn& on_iteration) {
  check(settings);
  if (w0.n_elem != objective.components())
    fail(ErrorKind::argument, "gma::fit_weights_stable", "got ", w0.n_elem,
         " start weights for ", objective.components(), " components");

  // Start on the feasible components; set up the tail average.
  const arma::uvec active = arma::find(objective.feasible());
  arma::vec w(w0.n_elem, arma::fill::zeros);
  w.elem(active) = w0.elem(active) / arma::accu(w0.elem(active));
  const arma::uword K = settings.iterations;
  const auto tail = static_cast<arma::uword>(
      std::llround(settings.tail_fraction * double(K)));
  arma::vec average(w.n_elem, arma::fill::zeros);

  for (arma::uword k = 1; k <= K; ++k) {
    // This iteration's schedule values.
    const double frac = double(k) / double(K);
    const double beta =
        settings.temper_min + (1.0 - settings.temper_min) * frac;
    const double lambda = settings.entropy_penalty * (1.0 - frac);
    const double tau =
        settings.md_temperature + (1.0 - settings.md_temperature) * frac;
    const double alpha = settings.damping > 0.0
        ? std::max(0.05, settings.damping * (1.0 - frac)) : 1.0;
    const double eta =
        settings.step_size / std::sqrt(double(k) + settings.step_offset);

    // The gradient on the tempered target, plus the entropy term.
    const arma::vec target = tempered_target(objective.log_target(), beta,
                                             settings.standardise);
    const arma::vec log_w = arma::log(w.elem(active));
    arma::vec g = objective.gradient(w, target).elem(active);
    g += lambda * (1.0 + log_w);

    // Tempered mirror step, then damping towards it; skip a bad gradient.
    if (g.is_finite()) {
      arma::vec proposal = (log_w - eta * g) / tau;
      proposal = arma::exp(proposal - log_sum_exp(proposal));
      w.elem(active) = (1.0 - alpha) * w.elem(active) + alpha * proposal;
    }

    // Accumulate the tail average; report progress.
    if (k + tail > K) average += w;
    if (on_iteration && (k % every == 0 || k == K) && on_iteration(k, K))
      throw Stopped();
  }
  return tail > 0 ? arma::vec(average / double(tail)) : w;
}

}  // namespace gma
