// wgma.hpp: W-GMA, the weights-only Gaussian mixture fit.
//
// Components fixed, the weights w minimise
//
//   F(w) = sum_i w_i E_{z ~ N_i}[log q_w(z) - log p~(z)],
//
// a convex function of w, estimated from the bank (M points per component):
//
//   g_i = 1 + (1/M) sum_{j in block i} (log q_w(z_j) - log p~(z_j)).
//
// Updates: projected gradient descent, w <- Proj(w - eta_k g), or mirror
// descent, w_i <- w_i exp(-eta_k g_i) / normaliser; steps eta0 / k or
// eta0 / sqrt(k). Reference: Y. Huang, "Sampling via Gaussian Mixture
// Approximations", arXiv:2509.25232 (2025).
//
// Points outside the support (-Inf) enter the estimate as if their log
// density were 20 below the smallest finite value of the bank; a component
// with no point inside the support keeps weight 0.
#ifndef GMA_WGMA_HPP
#define GMA_WGMA_HPP

#include <functional>

#include "gma/arma.hpp"
#include "gma/bank.hpp"
#include "gma/mixture.hpp"

namespace gma {

enum class Update { projected_gradient, mirror_descent };
enum class Schedule { inverse, inverse_sqrt };

struct WgmaSettings {
  arma::uword iterations = 500;
  double step_size = 1.0;
  Update update = Update::mirror_descent;
  Schedule schedule = Schedule::inverse;
};

// Called every `every` iterations with (k, K); true stops the fit.
using IterationFn = std::function<bool(arma::uword k, arma::uword total)>;

// The sample estimate of F and its gradient, precomputed from the bank.
class WeightObjective {
 public:
  WeightObjective(const Mixture& mixture, const Bank& bank);

  arma::uword components() const { return feasible_.n_elem; }

  // Components with at least one bank point inside the support.
  const arma::uvec& feasible() const { return feasible_; }

  // log q_w at every bank point.
  arma::vec log_q(const arma::vec& w) const;

  // The gradient estimate g (one entry per component).
  arma::vec gradient(const arma::vec& w) const;

  // The estimate of F(w) = sum_i w_i (g_i - 1).
  double value(const arma::vec& w) const;

  // The log target the fit uses: log p~ with outside points floored.
  const arma::vec& log_target() const { return log_target_; }

  // The gradient estimate for another log target on the same bank (as
  // used by the stabilised fit's tempering).
  arma::vec gradient(const arma::vec& w, const arma::vec& log_target) const;

  // Per-block means of log q - log_target.
  arma::vec block_means(const arma::vec& log_q,
                        const arma::vec& log_target) const;

 private:
  arma::mat log_p_;      // log N(z_m; mu_l, Sigma_l), (N*M) x N
  arma::mat scaled_;     // exp(log_p_ - row max)
  arma::vec row_max_;    // row maxima of log_p_
  arma::vec log_target_; // log p~ with the floor for outside points
  arma::uword per_component_;
  arma::uvec feasible_;  // 1 where the component may carry weight
};

// Fit the weights from w0 (a probability vector). Returns the final weights.
arma::vec fit_weights(const WeightObjective& objective, const arma::vec& w0,
                      const WgmaSettings& settings, arma::uword every,
                      const IterationFn& on_iteration = IterationFn());

}  // namespace gma

#endif  // GMA_WGMA_HPP
