// placement.cpp: default component means and widths.
#include "gma/placement.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "gma/error.hpp"

namespace gma {

arma::uword default_components(arma::uword dim) {
  if (dim == 1) return 50;
  if (dim == 2) return 225;
  return std::min<arma::uword>(400, 40 * dim);
}

namespace {

// Is n a perfect square? Sets root to its square root when it is.
bool perfect_square(arma::uword n, arma::uword& root) {
  root = static_cast<arma::uword>(std::llround(std::sqrt(double(n))));
  return root * root == n;
}

// A Latin hypercube of n points in [0, 1]^dim, one per stratum per axis.
arma::mat latin_hypercube(arma::uword dim, arma::uword n, Rng& rng) {
  arma::mat u(dim, n);
  std::vector<arma::uword> order(n);
  for (arma::uword k = 0; k < dim; ++k) {
    // A random permutation of the strata (Fisher-Yates), then a jitter.
    std::iota(order.begin(), order.end(), 0);
    for (arma::uword j = n; j > 1; --j)
      std::swap(order[j - 1], order[rng.index(j)]);
    for (arma::uword j = 0; j < n; ++j)
      u(k, j) = (static_cast<double>(order[j]) + rng.uniform()) / n;
  }
  return u;
}

// The cell centres of a regular grid with g points per axis in [0, 1]^dim.
arma::mat unit_grid(arma::uword dim, arma::uword g) {
  const arma::uword n = static_cast<arma::uword>(std::pow(g, dim));
  arma::mat u(dim, n);
  for (arma::uword j = 0; j < n; ++j) {
    arma::uword rest = j;
    for (arma::uword k = 0; k < dim; ++k) {
      u(k, j) = (static_cast<double>(rest % g) + 0.5) / g;
      rest /= g;
    }
  }
  return u;
}

}  // namespace

Mixture place_in_box(const arma::vec& lower, const arma::vec& upper,
                     arma::uword n, double cov_scale, Rng& rng) {
  // Check the box and the count.
  if (lower.n_elem == 0 || lower.n_elem != upper.n_elem)
    fail(ErrorKind::argument, "gma::place_in_box", "lower has ",
         lower.n_elem, " values, upper ", upper.n_elem);
  if (!lower.is_finite() || !upper.is_finite() || arma::any(lower >= upper))
    fail(ErrorKind::argument, "gma::place_in_box",
         "the box must be finite with lower < upper in every coordinate");
  if (n == 0)
    fail(ErrorKind::argument, "gma::place_in_box",
         "components must be at least 1");

  // Unit-cube positions: a grid where it is regular, else a hypercube.
  const arma::uword dim = lower.n_elem;
  arma::uword root = 0;
  arma::mat unit;
  double per_axis;
  if (dim == 1) {
    unit = unit_grid(1, n);
    per_axis = static_cast<double>(n);
  } else if (dim == 2 && perfect_square(n, root)) {
    unit = unit_grid(2, root);
    per_axis = static_cast<double>(root);
  } else {
    unit = latin_hypercube(dim, n, rng);
    per_axis = std::pow(static_cast<double>(n), 1.0 / dim);
  }

  // Scale into the box.
  const arma::vec width = upper - lower;
  arma::mat means = unit.each_col() % width;
  means.each_col() += lower;
  if (cov_scale > 0.0) return Mixture::isotropic(means, cov_scale);

  // Default width: half the spacing along each axis.
  const arma::vec sd = 0.5 * width / per_axis;
  arma::mat variances(dim, means.n_cols);
  variances.each_col() = arma::square(sd);
  return Mixture::diagonal(means, variances);
}

arma::mat latin_hypercube_in_box(const arma::vec& lower,
                                 const arma::vec& upper, arma::uword n,
                                 Rng& rng) {
  arma::mat x = latin_hypercube(lower.n_elem, n, rng);
  x.each_col() %= (upper - lower);
  x.each_col() += lower;
  return x;
}

double default_variance(const arma::mat& means) {
  if (means.n_cols < 2) return 1.0;

  // Distance from every mean to its nearest neighbour.
  arma::vec nearest(means.n_cols);
  for (arma::uword i = 0; i < means.n_cols; ++i) {
    arma::rowvec d2 =
        arma::sum(arma::square(means.each_col() - means.col(i)), 0);
    d2[i] = arma::datum::inf;
    nearest[i] = std::sqrt(d2.min());
  }

  // Half the median of those distances; coincident means fall back to 1.
  const double s = 0.5 * arma::median(nearest);
  return s > 0.0 ? s * s : 1.0;
}

}  // namespace gma
