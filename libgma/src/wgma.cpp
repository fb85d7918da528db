// wgma.cpp: the W-GMA objective and its projected-gradient and
// mirror-descent updates.
#include "gma/wgma.hpp"

#include <cmath>

#include "gma/error.hpp"
#include "gma/math.hpp"
#include "gma/simplex.hpp"

namespace gma {

namespace {

// How far below the smallest finite bank value an outside point counts.
constexpr double kOutsideFloor = 20.0;

// A row sum of scaled densities below this is recomputed exactly.
constexpr double kUnderflow = 1e-280;

}  // namespace

WeightObjective::WeightObjective(const Mixture& mixture, const Bank& bank)
    : per_component_(bank.per_component) {
  if (bank.components() != mixture.size() || bank.size() == 0)
    fail(ErrorKind::argument, "gma::WeightObjective", "the bank has ",
         bank.components(), " components, the mixture ", mixture.size());

  // Component log densities at the bank and their row-scaled exponentials,
  // so that q_w = exp(row max) * (scaled * w) is one matrix-vector product.
  log_p_ = mixture.component_log_densities(bank.points);
  row_max_ = arma::max(log_p_, 1);
  scaled_ = arma::exp(log_p_.each_col() - row_max_);

  // Floor the outside points below the smallest finite value.
  log_target_ = bank.log_target;
  const arma::uvec finite = arma::find_finite(log_target_);
  const double floor = log_target_.elem(finite).min() - kOutsideFloor;
  log_target_.elem(arma::find_nonfinite(log_target_)).fill(floor);

  // A component with no bank point inside the support keeps weight 0.
  feasible_.set_size(mixture.size());
  for (arma::uword i = 0; i < mixture.size(); ++i)
    feasible_[i] = bank.inside(i) > 0 ? 1 : 0;
}

arma::vec WeightObjective::log_q(const arma::vec& w) const {
  // Fast path: one product with the scaled densities.
  arma::vec q = scaled_ * w;
  arma::vec out = arma::log(q) + row_max_;

  // Rows where the weighted sum underflowed: exact log-sum-exp.
  const arma::uvec low = arma::find(q < kUnderflow);
  if (!low.is_empty()) {
    const arma::rowvec log_w = arma::log(w).t();
    for (arma::uword m : low)
      out[m] = log_sum_exp((log_p_.row(m) + log_w).t());
  }
  return out;
}

arma::vec WeightObjective::block_means(const arma::vec& log_q,
                                       const arma::vec& log_target) const {
  // Mean of log q - log p~ over each component's block of the bank.
  const arma::vec diff = log_q - log_target;
  const arma::mat blocks(const_cast<double*>(diff.memptr()), per_component_,
                         components(), false, true);
  return arma::mean(blocks, 0).t();
}

arma::vec WeightObjective::gradient(const arma::vec& w) const {
  return 1.0 + block_means(log_q(w), log_target_);
}

arma::vec WeightObjective::gradient(const arma::vec& w,
                                    const arma::vec& log_target) const {
  if (log_target.n_elem != log_target_.n_elem)
    fail(ErrorKind::argument, "gma::WeightObjective::gradient", "got ",
         log_target.n_elem, " log target values for a bank of ",
         log_target_.n_elem);
  return 1.0 + block_means(log_q(w), log_target);
}

double WeightObjective::value(const arma::vec& w) const {
  return arma::dot(w, block_means(log_q(w), log_target_));
}

namespace {

// eta_k for iteration k = 1, 2, ...
double step_at(const WgmaSettings& s, arma::uword k) {
  const double kk = static_cast<double>(k);
  return s.schedule == Schedule::inverse ? s.step_size / kk
                                         : s.step_size / std::sqrt(kk);
}

// w <- Proj(w - eta g) over the feasible components.
void projected_step(arma::vec& w, const arma::vec& g, double eta,
                    const arma::uvec& active) {
  arma::vec v = w.elem(active) - eta * g.elem(active);
  w.zeros();
  w.elem(active) = project_to_simplex(v);
}

// log w <- log w - eta g, normalised, over the feasible components.
void mirror_step(arma::vec& w, const arma::vec& g, double eta,
                 const arma::uvec& active) {
  arma::vec log_w = arma::log(w.elem(active)) - eta * g.elem(active);
  log_w -= log_sum_exp(log_w);
  w.zeros();
  w.elem(active) = arma::exp(log_w);
}

}  // namespace

arma::vec fit_weights(const WeightObjective& objective, const arma::vec& w0,
                      const WgmaSettings& settings, arma::uword every,
                      const IterationFn& on_iteration) {
  // Check the settings and the start.
  if (settings.iterations == 0 || !(settings.step_size > 0.0))
    fail(ErrorKind::argument, "gma::fit_weights", "iterations (",
         settings.iterations, ") must be >= 1 and step_size (",
         settings.step_size, ") > 0");
  if (w0.n_elem != objective.components())
    fail(ErrorKind::argument, "gma::fit_weights", "got ", w0.n_elem,
         " start weights for ", objective.components(), " components");

  // Start from w0 restricted to the feasible components, renormalised.
  const arma::uvec active = arma::find(objective.feasible());
  arma::vec w(w0.n_elem, arma::fill::zeros);
  w.elem(active) = w0.elem(active) / arma::accu(w0.elem(active));

  for (arma::uword k = 1; k <= settings.iterations; ++k) {
    // One update; a gradient that is not finite skips the step.
    const arma::vec g = objective.gradient(w);
    const double eta = step_at(settings, k);
    if (g.elem(active).is_finite()) {
      if (settings.update == Update::projected_gradient)
        projected_step(w, g, eta, active);
      else
        mirror_step(w, g, eta, active);
    }

    // Report progress, and stop if asked.
    if (on_iteration && (k % every == 0 || k == settings.iterations) &&
        on_iteration(k, settings.iterations))
      throw Stopped();
  }
  return w;
}

}  // namespace gma
