// mixture.cpp: log densities and sampling of a diagonal Gaussian mixture.
#include "gma/mixture.hpp"

#include <algorithm>
#include <cmath>

#include "gma/error.hpp"
#include "gma/math.hpp"

namespace gma {

Mixture::Mixture(const arma::mat& means, const arma::mat& variances,
                 Kind kind)
    : means_(means), variances_(variances), kind_(kind) {
  weights_.set_size(means.n_cols);
  weights_.fill(1.0 / static_cast<double>(means.n_cols));
}

Mixture Mixture::isotropic(const arma::mat& means, double variance) {
  // Check the inputs: a non-empty, finite set of means, a positive variance.
  if (means.n_elem == 0)
    fail(ErrorKind::argument, "gma::Mixture::isotropic", "no means given");
  if (!means.is_finite())
    fail(ErrorKind::argument, "gma::Mixture::isotropic",
         "means must be finite");
  if (!(variance > 0.0) || !std::isfinite(variance))
    fail(ErrorKind::argument, "gma::Mixture::isotropic", "variance (",
         variance, ") must be positive and finite");

  // Every component gets the same variance in every direction.
  arma::mat v(means.n_rows, means.n_cols, arma::fill::value(variance));
  return Mixture(means, v, Kind::isotropic);
}

Mixture Mixture::diagonal(const arma::mat& means, const arma::mat& variances) {
  // Check the inputs: matching shapes, finite means, positive variances.
  if (means.n_elem == 0)
    fail(ErrorKind::argument, "gma::Mixture::diagonal", "no means given");
  if (variances.n_rows != means.n_rows || variances.n_cols != means.n_cols)
    fail(ErrorKind::argument, "gma::Mixture::diagonal", "variances (",
         variances.n_rows, " x ", variances.n_cols, ") must match means (",
         means.n_rows, " x ", means.n_cols, ")");
  if (!means.is_finite())
    fail(ErrorKind::argument, "gma::Mixture::diagonal",
         "means must be finite");
  if (!variances.is_finite() || variances.min() <= 0.0)
    fail(ErrorKind::argument, "gma::Mixture::diagonal",
         "variances must be positive and finite (smallest ",
         variances.min(), ")");
  return Mixture(means, variances, Kind::diagonal);
}

Mixture Mixture::full(const arma::mat& means, const arma::cube& covariances) {
  // Check the shapes and that the means are finite.
  const char* fn = "gma::Mixture::full";
  if (means.n_elem == 0) fail(ErrorKind::argument, fn, "no means given");
  if (covariances.n_rows != means.n_rows ||
      covariances.n_cols != means.n_rows ||
      covariances.n_slices != means.n_cols)
    fail(ErrorKind::argument, fn, "covariances (", covariances.n_rows, " x ",
         covariances.n_cols, " x ", covariances.n_slices, ") must be ",
         means.n_rows, " x ", means.n_rows, " x ", means.n_cols);
  if (!means.is_finite() || !covariances.is_finite())
    fail(ErrorKind::argument, fn, "means and covariances must be finite");

  // A Cholesky factor of every covariance, which must be symmetric.
  Mixture m(means, arma::mat(means.n_rows, means.n_cols), Kind::full);
  m.chol_.set_size(arma::size(covariances));
  for (arma::uword i = 0; i < means.n_cols; ++i) {
    const arma::mat& c = covariances.slice(i);
    const double scale = std::max(1.0, arma::abs(c).max());
    if (arma::abs(c - c.t()).max() > 1e-10 * scale)
      fail(ErrorKind::argument, fn, "covariance ", i, " is not symmetric");
    arma::mat l;
    if (!arma::chol(l, c, "lower"))
      fail(ErrorKind::argument, fn, "covariance ", i,
           " is not positive definite (smallest eigenvalue ",
           arma::eig_sym(c).min(), ")");
    m.chol_.slice(i) = l;
    m.variances_.col(i) = c.diag();
  }
  return m;
}

void Mixture::set_weights(const arma::vec& weights) {
  // Check the weights form a probability vector of the right length.
  if (weights.n_elem != size())
    fail(ErrorKind::argument, "gma::Mixture::set_weights", "got ",
         weights.n_elem, " weights for ", size(), " components");
  if (!weights.is_finite() || weights.min() < 0.0 ||
      std::abs(arma::accu(weights) - 1.0) > 1e-8)
    fail(ErrorKind::argument, "gma::Mixture::set_weights",
         "weights must be non-negative and sum to 1 (sum ",
         arma::accu(weights), ")");
  weights_ = weights;
}

arma::mat Mixture::component_log_densities(const arma::mat& x) const {
  if (x.n_rows != dim())
    fail(ErrorKind::argument, "gma::Mixture::component_log_densities",
         "points have ", x.n_rows, " rows, the mixture dimension is ", dim());

  if (kind_ == Kind::full) return full_log_densities(x);

  // Centre points and means on the means' centroid: the expansion of
  // |z - mu|^2 below then loses no precision to large offsets.
  const arma::vec centre = arma::mean(means_, 1);
  const arma::mat z = x.each_col() - centre;
  const arma::mat mu = means_.each_col() - centre;
  const double d = static_cast<double>(dim());

  if (kind_ == Kind::isotropic) {
    // |z - mu|^2 = |z|^2 + |mu|^2 - 2 z'mu: one matrix product.
    const double v = variances_(0, 0);
    arma::mat sq = -2.0 * z.t() * mu;
    sq.each_col() += arma::sum(arma::square(z), 0).t();
    sq.each_row() += arma::sum(arma::square(mu), 0);
    sq.clamp(0.0, arma::datum::inf);
    return -0.5 * (sq / v) - 0.5 * d * std::log(2.0 * M_PI * v);
  }

  // Diagonal: sum_k (z_k - mu_k)^2 / v_k expanded into two products.
  const arma::mat prec = 1.0 / variances_;
  arma::mat sq = arma::square(z).t() * prec - 2.0 * z.t() * (mu % prec);
  sq.each_row() += arma::sum(arma::square(mu) % prec, 0);
  sq.clamp(0.0, arma::datum::inf);
  const arma::rowvec log_norm =
      -0.5 * (d * std::log(2.0 * M_PI) + arma::sum(arma::log(variances_), 0));
  sq *= -0.5;
  sq.each_row() += log_norm;
  return sq;
}

arma::mat Mixture::full_log_densities(const arma::mat& x) const {
  // log N = -d/2 log 2 pi - log |L| - |L^-1 (z - mu)|^2 / 2, per component.
  const double d = static_cast<double>(dim());
  arma::mat out(x.n_cols, size());
  for (arma::uword l = 0; l < size(); ++l) {
    const arma::mat& chol = chol_.slice(l);
    const arma::mat centred = x.each_col() - means_.col(l);
    const arma::mat white = arma::solve(arma::trimatl(chol), centred);
    const double log_det = arma::accu(arma::log(chol.diag()));
    out.col(l) = -0.5 * arma::sum(arma::square(white), 0).t() - log_det -
                 0.5 * d * std::log(2.0 * M_PI);
  }
  return out;
}

arma::vec Mixture::log_density(const arma::mat& x) const {
  // log q(z) = log sum_l exp(log w_l + log N_l(z)).
  arma::mat parts = component_log_densities(x);
  parts.each_row() += arma::log(weights_).t();
  return log_sum_exp_rows(parts);
}

arma::mat Mixture::sample_component(arma::uword i, arma::uword n,
                                    Rng& rng) const {
  if (i >= size())
    fail(ErrorKind::argument, "gma::Mixture::sample_component", "component ",
         i, " does not exist (", size(), " components)");

  // mu_i + L_i * standard normal (L_i = sqrt(v_i) when diagonal).
  arma::mat z = rng.normal_matrix(dim(), n);
  if (kind_ == Kind::full)
    z = chol_.slice(i) * z;
  else
    z.each_col() %= arma::sqrt(variances_.col(i));
  z.each_col() += means_.col(i);
  return z;
}

arma::mat Mixture::sample(arma::uword n, Rng& rng) const {
  // Components by weight (inverse CDF), then one draw from each chosen.
  const arma::vec cumulative = arma::cumsum(weights_);
  arma::mat z(dim(), n);
  for (arma::uword j = 0; j < n; ++j) {
    const arma::uword i = search_cumulative(
        cumulative, rng.uniform() * cumulative[size() - 1]);
    z.col(j) = sample_component(i, 1, rng);
  }
  return z;
}

arma::cube Mixture::covariances() const {
  arma::cube c(dim(), dim(), size(), arma::fill::zeros);
  for (arma::uword i = 0; i < size(); ++i) {
    if (kind_ == Kind::full)
      c.slice(i) = chol_.slice(i) * chol_.slice(i).t();
    else
      c.slice(i).diag() = variances_.col(i);
  }
  return c;
}

void Mixture::moments(arma::vec& mean, arma::mat& cov) const {
  // Mean: the weighted means; covariance: within plus between components.
  const arma::cube covs = covariances();
  mean = means_ * weights_;
  cov.zeros(dim(), dim());
  for (arma::uword i = 0; i < size(); ++i) {
    const arma::vec d = means_.col(i) - mean;
    cov += weights_[i] * (covs.slice(i) + d * d.t());
  }
}

}  // namespace gma
