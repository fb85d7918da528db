// placement.hpp: where the components go and how wide they are, by default.
//
// From a box [lower, upper] and N components:
//   - 1-D: N evenly spaced cell centres; 2-D with N a perfect square: the
//     sqrt(N) x sqrt(N) grid of cell centres; otherwise a Latin hypercube
//     (each axis cut into N strata, one mean per stratum, strata paired at
//     random), which covers every axis evenly in any dimension.
//   - Width: per axis, half the spacing h_k = (upper_k - lower_k) / g_k,
//     with g_k the points per axis (N^(1/d) for a Latin hypercube), as a
//     diagonal variance (h_k / 2)^2; an isotropic cov_scale overrides it.
// From given means: isotropic variance (s/2)^2 with s the median distance
// from a mean to its nearest neighbour (1 for a single mean).
#ifndef GMA_PLACEMENT_HPP
#define GMA_PLACEMENT_HPP

#include "gma/arma.hpp"
#include "gma/mixture.hpp"
#include "gma/rng.hpp"

namespace gma {

// The default number of components for a box in dimension dim:
// 50 in 1-D, 15 x 15 in 2-D, 40 * dim (at most 400) in more.
arma::uword default_components(arma::uword dim);

// N components placed in the box; cov_scale > 0 gives isotropic variance
// cov_scale, 0 the default width.
Mixture place_in_box(const arma::vec& lower, const arma::vec& upper,
                     arma::uword n, double cov_scale, Rng& rng);

// n points of a Latin hypercube in the box [lower, upper].
arma::mat latin_hypercube_in_box(const arma::vec& lower,
                                 const arma::vec& upper, arma::uword n,
                                 Rng& rng);

// The default isotropic variance for given means (dim x N).
double default_variance(const arma::mat& means);

}  // namespace gma

#endif  // GMA_PLACEMENT_HPP
