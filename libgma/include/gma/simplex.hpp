// simplex.hpp: Euclidean projection onto the probability simplex.
//
// The sort-based algorithm: u = sort(v, descending), c = cumsum(u) - 1,
// rho = max{r : u_r - c_r / r > 0}, theta = c_rho / rho,
// result = max(v - theta, 0). It is the point of the simplex nearest to v.
#ifndef GMA_SIMPLEX_HPP
#define GMA_SIMPLEX_HPP

#include "gma/arma.hpp"

namespace gma {

// The projection of v (finite, non-empty) onto {w : w >= 0, sum w = 1}.
arma::vec project_to_simplex(const arma::vec& v);

}  // namespace gma

#endif  // GMA_SIMPLEX_HPP
