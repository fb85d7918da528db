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

#include <cstddef>
#include <functional>
#include <memory>

#include "gma/arma.hpp"
#include "gma/bank.hpp"
#include "gma/mixture.hpp"

namespace gma {

enum class Update { projected_gradient, mirror_descent };
// Step sizes: eta0 / k, eta0 / sqrt(k), or backtracking (Armijo's rule
// along the projection arc: the step starts at twice the last accepted
// one, eta0 at first, and is halved until the estimate of F decreases by
// at least 1e-4 g'(w - w_new); the fit stops early when 40 halvings find
// no decrease). automatic is resolved by the sampler (backtracking for
// projected gradient with the placement at the modes, inverse otherwise);
// fit_weights reads it as inverse.
enum class Schedule { inverse, inverse_sqrt, backtracking, automatic };

struct WgmaSettings {
  arma::uword iterations = 500;
  double step_size = 1.0;
  Update update = Update::mirror_descent;
  Schedule schedule = Schedule::inverse;
};

// Called every `every` iterations with (k, K); true stops the fit.
using IterationFn = std::function<bool(arma::uword k, arma::uword total)>;

// How WeightObjective stores the component densities at the bank.
enum class Storage {
  dense,   // the whole (N*M) x N matrices: 16 N^2 M bytes
  sparse   // truncated rows, a bound and an exact extension (default)
};

// The sample estimate of F and its gradient, precomputed from the bank.
//
// Both storages compute q_w at bank point z_m as
//
//   q_w(z_m) = exp(r_m) sum_l w_l s(m, l),  s(m, l) = exp(log_p(m,l) - r_m),
//
// r_m the largest component log density at z_m, so that log q is one
// matrix-vector product away.
//
// Dense: s and log_p are held in full; rows whose sum underflows (below
// 1e-280) are summed exactly in log space from log_p.
//
// Sparse: only the entries with log_p(m,l) >= r_m - tau are stored (an
// arma::sp_mat, built block by block of bank points without ever forming
// the dense matrix). A dropped entry is below e^-tau of its row's largest
// and that largest is kept, so the stored part alone is low by at most
//
//   e^-tau sum_l w_l / w_l*(m)   (relative; l*(m) the closest component),
//
// i.e. at most N e^-tau / c when every weight is at least c / N: 2e-10 / c
// for N = 2000 and tau = 30. Fitted weights are far more unbalanced than
// that (mirror descent spreads them over hundreds of nats: after the iris
// fit of bench/README.md the stored part alone is off by more than 1e-11
// in log q at 69 % of the bank points, by over 1 nat at 38 %, by up to
// 183 nats), so the sparse form does not rely on it. It keeps,
// for every component block i of the bank and every component l, the
// largest dropped s(m, l) over the block's points (an N x N matrix, 8 N^2
// bytes), and with it a bound on what the dropped entries add to q. Where
// that bound exceeds kTolerance times q, the (block, component) pairs
// that carry it are computed from the mixture (for that block's M points
// only) and kept from then on; rows whose stored sum underflows are summed
// exactly in log space from the mixture. The result: for any non-negative
// w, |log q (sparse) - log q (exact)| <= kTolerance, up to rounding. The
// extension grows with what the weights need (it is part of the
// objective's state, shared by its copies and guarded by a lock, so the
// const methods below may be called from several threads).
class WeightObjective {
 public:
  // Entries more than this many nats below their row's largest are not
  // stored by default (e^-30 = 9.4e-14).
  static constexpr double kDefaultTau = 30.0;

  // The bound the sparse storage keeps on |log q - exact log q|.
  static constexpr double kTolerance = 1e-12;

  // The objective for the mixture's components and the evaluated bank.
  // tau > 0 is the truncation of the sparse storage (+Inf: keep every
  // entry that is a normal double); it is checked but unused when dense.
  // Throws gma::Error (kind argument) if the bank does not match the
  // mixture or tau is not positive, (kind target) if no bank point has a
  // finite log p~.
  WeightObjective(const Mixture& mixture, const Bank& bank,
                  Storage storage = Storage::sparse,
                  double tau = kDefaultTau);

  arma::uword components() const { return feasible_.n_elem; }

  // Components with at least one bank point inside the support.
  const arma::uvec& feasible() const { return feasible_; }

  // log p~ at every bank point, with the floor for outside points: the
  // target the fit works with.
  const arma::vec& log_target() const { return log_target_; }

  // log q_w at every bank point, for N non-negative weights (they need
  // not sum to 1).
  arma::vec log_q(const arma::vec& w) const;

  // Per-block means of log q - log_target: entry i averages the M bank
  // points of component i. Both vectors have one entry per bank point.
  arma::vec block_means(const arma::vec& log_q,
                        const arma::vec& log_target) const;

  // The gradient estimate g (one entry per component).
  arma::vec gradient(const arma::vec& w) const;

  // The gradient estimate for another target on the bank (one value per
  // bank point, e.g. a tempered or standardised log p~):
  // g_i = 1 + block mean of (log q_w - log_target).
  arma::vec gradient(const arma::vec& w, const arma::vec& log_target) const;

  // The estimate of F(w) = sum_i w_i (g_i - 1).
  double value(const arma::vec& w) const;

  Storage storage() const { return storage_; }
  double tau() const { return tau_; }

  // Stored density entries over the (N*M) * N of the dense form: 1 when
  // dense; when sparse, the truncated rows plus the extension so far.
  double stored_fraction() const;

  // Bytes held by the objective's matrices and vectors (the bank copy,
  // the densities, the bound and the extension so far).
  std::size_t memory_bytes() const;

 private:
  struct Extension;  // the sparse form's bound and computed pairs

  // Build the sparse form, block by block of bank points.
  void build_sparse(const Mixture& mixture, double tau);

  // log q for the dense form.
  arma::vec dense_log_q(const arma::vec& w) const;

  // log q for the sparse form (extends the stored pairs when needed).
  arma::vec sparse_log_q(const arma::vec& w) const;

  // Exact log q at the given bank points, summed over all components.
  arma::vec exact_log_q(const arma::vec& w, const arma::uvec& rows) const;

  // Compute, keep and add to q (scaled) the pairs `which` of block i.
  void extend_block(arma::uword i, const arma::uvec& which,
                    const arma::vec& w, arma::vec& q) const;

  Storage storage_;
  double tau_;
  Mixture mixture_;         // the components, for the exact fallback
  arma::cube covariances_;  // their covariances, full covariances only
  arma::mat points_;        // the bank points, dim x (N*M)
  arma::uword per_component_;
  arma::uvec feasible_;     // 1 where the component may carry weight
  arma::vec log_target_;    // log p~ with the floor for outside points
  arma::vec row_max_;       // r_m, the row maxima of log_p

  arma::mat log_p_;         // dense: log N(z_m; mu_l, Sigma_l), (N*M) x N
  arma::mat scaled_;        // dense: exp(log_p_ - row max)

  arma::sp_mat kept_;       // sparse: column m holds row m's kept s(m, l)
  std::shared_ptr<Extension> ext_;  // sparse: bound and extension
};

// Fit the weights from w0 (a probability vector). Returns the final weights.
arma::vec fit_weights(const WeightObjective& objective, const arma::vec& w0,
                      const WgmaSettings& settings, arma::uword every,
                      const IterationFn& on_iteration = IterationFn());

}  // namespace gma

#endif  // GMA_WGMA_HPP
