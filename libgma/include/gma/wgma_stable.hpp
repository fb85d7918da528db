// wgma_stable.hpp: stabilised W-GMA, for hard or high-dimensional targets.
//
// The weights-only fit of wgma.hpp with six devices that keep the early
// iterations from collapsing onto a few components. With frac = k / K at
// iteration k of K:
//
//   tempering     the fit sees beta_k log p~, beta_k rising linearly from
//                 temper_min to 1 (temper_min = 1: off)
//   standardising (beta_k log p~ - mean) / sd over the bank (off by
//                 default: it fits p~^(1/sd), a tempered target, so the
//                 draws are then too wide whenever sd > 1)
//   entropy       the objective gains lambda_k sum w log w, lambda_k =
//                 lambda0 (1 - frac): it favours spread weights early
//   temperature   log w~ = (log w - eta_k g) / tau_k, tau_k falling
//                 linearly from tau0 to 1 (tau0 = 1: off)
//   damping       w <- (1 - alpha_k) w + alpha_k softmax(log w~), alpha_k =
//                 max(0.05, alpha0 (1 - frac)) (alpha0 = 0: off, alpha = 1)
//   averaging     the result is the mean of the last tail_fraction K
//                 iterates (0: the last iterate)
//
// Steps eta_k = eta0 / sqrt(k + k0). Defaults as in Y. Huang, "Sampling via
// Gaussian Mixture Approximations", arXiv:2509.25232 (2025): beta_min 0.3,
// lambda0 0.01, tau0 1.8, alpha0 0.2, eta0 0.05, k0 800, tail 75 of 100.
#ifndef GMA_WGMA_STABLE_HPP
#define GMA_WGMA_STABLE_HPP

#include "gma/arma.hpp"
#include "gma/wgma.hpp"

namespace gma {

struct StableSettings {
  arma::uword iterations = 500;
  double step_size = 0.05;
  double step_offset = 800.0;
  double temper_min = 0.3;
  bool standardise = false;
  double entropy_penalty = 0.01;
  double md_temperature = 1.8;
  double damping = 0.2;
  double tail_fraction = 0.75;
};

// Fit the weights from w0 with the stabilised updates. on_iteration is
// called every `every` iterations; true throws gma::Stopped.
arma::vec fit_weights_stable(const WeightObjective& objective,
                             const arma::vec& w0,
                             const StableSettings& settings,
                             arma::uword every,
                             const IterationFn& on_iteration = IterationFn());

}  // namespace gma

#endif  // GMA_WGMA_STABLE_HPP
