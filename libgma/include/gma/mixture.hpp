// mixture.hpp: a finite mixture of Gaussians with diagonal covariances.
//
//   q(z) = sum_i w_i N(z; mu_i, diag(v_i))
//
// The shared isotropic case (v_i = s * 1 for every i) is the special case
// that W-GMA uses by default; it is recorded so that the log densities take
// the cheaper path (one matrix product of the points with the means).
#ifndef GMA_MIXTURE_HPP
#define GMA_MIXTURE_HPP

#include "gma/arma.hpp"
#include "gma/rng.hpp"

namespace gma {

class Mixture {
 public:
  // N components with means (dim x N), all of variance `variance` in every
  // direction, equal weights. Throws if variance <= 0 or means are empty.
  static Mixture isotropic(const arma::mat& means, double variance);

  // N components with means (dim x N) and diagonal variances (dim x N, all
  // positive), equal weights.
  static Mixture diagonal(const arma::mat& means, const arma::mat& variances);

  arma::uword dim() const { return means_.n_rows; }
  arma::uword size() const { return means_.n_cols; }
  bool is_isotropic() const { return isotropic_; }

  const arma::mat& means() const { return means_; }
  const arma::mat& variances() const { return variances_; }
  const arma::vec& weights() const { return weights_; }

  // Replace the weights: N non-negative values summing to 1 (within 1e-8).
  void set_weights(const arma::vec& weights);

  // log N(z_m; mu_l, Sigma_l) for every point (column of x) and component:
  // an n x N matrix.
  arma::mat component_log_densities(const arma::mat& x) const;

  // log q(z_m) for every column of x.
  arma::vec log_density(const arma::mat& x) const;

  // n draws from component i: a dim x n matrix.
  arma::mat sample_component(arma::uword i, arma::uword n, Rng& rng) const;

  // The covariance matrices, dim x dim x N.
  arma::cube covariances() const;

 private:
  Mixture(const arma::mat& means, const arma::mat& variances, bool iso);

  arma::mat means_;      // dim x N
  arma::mat variances_;  // dim x N
  arma::vec weights_;    // N
  bool isotropic_;
};

}  // namespace gma

#endif  // GMA_MIXTURE_HPP
