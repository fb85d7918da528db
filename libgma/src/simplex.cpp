// simplex.cpp: the sort-based projection onto the probability simplex.
#include "gma/simplex.hpp"

#include "gma/error.hpp"

namespace gma {

arma::vec project_to_simplex(const arma::vec& v) {
  if (v.is_empty() || !v.is_finite())
    fail(ErrorKind::argument, "gma::project_to_simplex",
         "the vector must be non-empty and finite (", v.n_elem, " entries)");

  // Sort descending and form the shifted cumulative sums.
  const arma::vec u = arma::sort(v, "descend");
  const arma::vec c = arma::cumsum(u) - 1.0;

  // The largest r with u_r - c_r / r > 0 fixes the threshold.
  arma::uword rho = 0;
  for (arma::uword r = 0; r < u.n_elem; ++r) {
    if (u[r] - c[r] / static_cast<double>(r + 1) > 0.0) rho = r;
  }
  const double theta = c[rho] / static_cast<double>(rho + 1);

  // Shift and clip at zero.
  return arma::clamp(v - theta, 0.0, arma::datum::inf);
}

}  // namespace gma
