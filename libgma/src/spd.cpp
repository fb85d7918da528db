// spd.cpp: the eigenvalue floor and condition cap of nearest_spd.
#include "gma/spd.hpp"

#include <algorithm>
#include <cmath>

#include "gma/error.hpp"

namespace gma {

arma::mat nearest_spd(const arma::mat& a, double eigen_floor,
                      double max_condition) {
  // Check the matrix and the two limits.
  const char* fn = "gma::nearest_spd";
  if (a.n_rows != a.n_cols || a.is_empty())
    fail(ErrorKind::argument, fn, "the matrix (", a.n_rows, " x ", a.n_cols,
         ") must be square and non-empty");
  if (!a.is_finite())
    fail(ErrorKind::argument, fn, "the matrix must be finite");
  if (!(eigen_floor > 0.0) || !std::isfinite(eigen_floor))
    fail(ErrorKind::argument, fn, "eigen_floor (", eigen_floor,
         ") must be positive and finite");
  if (!(max_condition >= 1.0))
    fail(ErrorKind::argument, fn, "max_condition (", max_condition,
         ") must be at least 1");

  // Symmetrise: (a + a') / 2 leaves a symmetric matrix exactly as it is.
  const arma::mat s = 0.5 * (a + a.t());

  // Eigen-decompose the symmetric part.
  arma::vec lambda;
  arma::mat v;
  if (!arma::eig_sym(lambda, v, s))
    fail(ErrorKind::numeric, fn, "the eigen-decomposition of the ",
         a.n_rows, " x ", a.n_cols, " matrix failed");

  // The floor: absolute, or relative to the largest eigenvalue.
  const double floor = std::max(eigen_floor, lambda.max() / max_condition);
  if (lambda.min() >= floor) return s;

  // Raise the small eigenvalues; rebuild, and symmetrise the rounding.
  lambda.transform([floor](double l) { return std::max(l, floor); });
  const arma::mat out = v * arma::diagmat(lambda) * v.t();
  return 0.5 * (out + out.t());
}

}  // namespace gma
