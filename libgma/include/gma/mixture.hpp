// mixture.hpp: a finite mixture of Gaussians.
//
//   q(z) = sum_i w_i N(z; mu_i, Sigma_i)
//
// Three forms of covariance: shared isotropic (Sigma_i = s I, the W-GMA
// default: the log densities are one matrix product of the points with the
// means), diagonal (Sigma_i = diag(v_i)) and full (Sigma_i = L_i L_i', by
// its Cholesky factor). Log densities are computed in log space.
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

  // N components with means (dim x N) and full covariances (dim x dim x N,
  // each symmetric positive definite), equal weights. Throws if a matrix
  // is not symmetric or has no Cholesky factor.
  static Mixture full(const arma::mat& means, const arma::cube& covariances);

  arma::uword dim() const { return means_.n_rows; }
  arma::uword size() const { return means_.n_cols; }
  bool is_isotropic() const { return kind_ == Kind::isotropic; }
  bool is_full() const { return kind_ == Kind::full; }

  const arma::mat& means() const { return means_; }
  // Diagonal variances (dim x N); for full covariances, their diagonals.
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

  // n draws from the mixture (component by weight): a dim x n matrix.
  arma::mat sample(arma::uword n, Rng& rng) const;

  // The covariance matrices, dim x dim x N.
  arma::cube covariances() const;

  // The mixture's own mean and covariance (under its weights).
  void moments(arma::vec& mean, arma::mat& cov) const;

 private:
  enum class Kind { isotropic, diagonal, full };

  Mixture(const arma::mat& means, const arma::mat& variances, Kind kind);

  // log N for full covariances, component by component.
  arma::mat full_log_densities(const arma::mat& x) const;

  arma::mat means_;       // dim x N
  arma::mat variances_;   // dim x N (diagonals for full covariances)
  arma::cube chol_;       // lower Cholesky factors, full covariances only
  arma::vec weights_;     // N
  Kind kind_;
};

}  // namespace gma

#endif  // GMA_MIXTURE_HPP
