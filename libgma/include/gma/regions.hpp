// regions.hpp: W-GMA components placed around the modes of the target.
//
// A box says where the mass may be, not what shape it has; in three or
// more dimensions components spread over a box are wider than the
// posterior, and a weights-only fit cannot narrow them. Placement at the
// modes starts instead from a Laplace mixture (lma.hpp): each mode j is a
// region, a Gaussian N(m_j, S_j) with a weight, and gets a share of the N
// components proportional to its weight (at least one each). Within a
// region of n_j components:
//
//   covariance  h^2 S_j, h = min(1, (4 / (n_j (d + 2)))^(1 / (d + 4))),
//               Silverman's normal-reference bandwidth for n_j points
//               (B. W. Silverman, "Density Estimation for Statistics and
//               Data Analysis", Chapman & Hall 1986, eq. 4.14);
//   means       drawn from N(m_j, (s^2 - h^2) S_j), s the spread,
//
// so that the region's components together, at equal weights, form a
// cloud of covariance s^2 S_j: wider than the region by s (default 1.25)
// so that the fit can drop what is too far out but has the tails covered.
//
// A share of the components (cover_fraction, default 0.1) is not placed
// in the regions but over the box, as placement.hpp would: a defensive
// cover. A mode the local searches missed then still has components
// nearby; the fit gives them weight, and a cover component with more
// than its equal share of weight, farther than 3 (Mahalanobis) from every
// region, becomes a region itself at the next round (refit_regions); a
// region the fit gives almost no weight (a Laplace region far too wide
// or in the wrong place) is dropped. After each fit but the last, up to
// 4 more local searches start from the cover's best bank points far from
// every region (cover_starts), and the modes they find far from the
// regions join them (add_new_modes).
//
// After a W-GMA fit on such components each region is re-estimated from
// the bank (refit_regions): its mean and covariance by self-normalised
// importance sampling of the region's bank points, which are a sample of
// the equal-weight mixture of the region's components, and its weight as
// the fitted weight of its components. This corrects a Laplace region
// whose mode is off the mean or whose curvature is not its spread
// (skewed or heavier-tailed targets), at the cost of a second bank.
#ifndef GMA_REGIONS_HPP
#define GMA_REGIONS_HPP

#include <vector>

#include "gma/arma.hpp"
#include "gma/bank.hpp"
#include "gma/mixture.hpp"
#include "gma/rng.hpp"

namespace gma {

// One region of mass: a Gaussian summary and its share of the target.
struct Region {
  arma::vec mean;
  arma::mat cov;        // symmetric positive definite
  double weight = 1.0;  // relative; the shares need not sum to 1
};

// The components placed in regions and the region of each.
struct RegionPlacement {
  Mixture mixture;
  arma::uvec owner;  // owner[i]: the region of component i; the number
                     // of regions for a cover component
  arma::uword regions = 0;  // the number of regions placed
};

// The regions of a Laplace mixture: one per component.
std::vector<Region> laplace_regions(const Mixture& laplace);

// Silverman's bandwidth for n points in dim dimensions, at most 1.
double region_bandwidth(arma::uword n, arma::uword dim);

// The shares of n components among regions by weight, each at least 1
// (largest remainders); with fewer components than regions, the heaviest
// n regions get one each.
arma::uvec region_shares(const std::vector<Region>& regions, arma::uword n);

// n components over the regions as described above (spread s >= 0),
// then the cover's components (which may be empty: cover.n_elem == 0).
RegionPlacement place_in_regions(const std::vector<Region>& regions,
                                 arma::uword n, double spread,
                                 const Mixture* cover, Rng& rng);

// The box mean +- 6 sd (per axis) around all the regions.
void regions_box(const std::vector<Region>& regions, arma::vec& lower,
                 arma::vec& upper);

// What re-estimating the regions from a fit found.
struct RegionRefit {
  std::vector<Region> regions;
  double least_ess = 0.0;   // smallest importance ESS over the regions
  arma::uword kept = 0;     // regions refitted from the weights (low ESS)
  arma::uword found = 0;    // cover components made into regions
  arma::uword dropped = 0;  // regions the fit gave almost no weight
};

// The regions re-estimated from a fit on `placed`: `fitted` its weights,
// `bank` its evaluated bank. When a region's importance ESS is below
// min_ess (too few effective points to estimate a covariance) it takes
// instead the mean and covariance of its components under the fitted
// weights; covariances are repaired by nearest_spd with eigen_floor and
// max_condition. A region whose components got less than 1 / N of the
// weight in all is dropped. Cover components with fitted weight above
// 1 / N, farther than 3 from every region (in the metric of either),
// become regions (their own mean and covariance, the weight they got).
RegionRefit refit_regions(const std::vector<Region>& regions,
                          const RegionPlacement& placed,
                          const arma::vec& fitted, const Bank& bank,
                          double min_ess, double eigen_floor,
                          double max_condition);

// Up to k bank points of the cover's components, by decreasing log p~,
// with a finite log p~ and farther than 3 (in its metric) from every
// region: starts for more local searches, where a mode the first ones
// missed may show (dim x k or fewer).
arma::mat cover_starts(const std::vector<Region>& regions,
                       const RegionPlacement& placed, const Bank& bank,
                       arma::uword k);

// The modes of a Laplace mixture that are farther than 3 from every
// region (in the metric of either) added as regions, each with the mean
// weight of the regions; returns how many were added.
arma::uword add_new_modes(std::vector<Region>& regions,
                          const Mixture& laplace);

}  // namespace gma

#endif  // GMA_REGIONS_HPP
