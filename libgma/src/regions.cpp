// regions.cpp: components around the modes, and the regions refitted.
#include "gma/regions.hpp"

#include <algorithm>
#include <cmath>

#include "gma/error.hpp"
#include "gma/math.hpp"
#include "gma/spd.hpp"

namespace gma {

std::vector<Region> laplace_regions(const Mixture& laplace) {
  std::vector<Region> regions;
  const arma::cube cov = laplace.covariances();
  for (arma::uword j = 0; j < laplace.size(); ++j)
    regions.push_back({laplace.means().col(j), cov.slice(j),
                       laplace.weights()[j]});
  return regions;
}

double region_bandwidth(arma::uword n, arma::uword dim) {
  const double d = double(dim);
  const double h =
      std::pow(4.0 / (double(std::max<arma::uword>(n, 1)) * (d + 2.0)),
               1.0 / (d + 4.0));
  return std::min(1.0, h);
}

arma::uvec region_shares(const std::vector<Region>& regions, arma::uword n) {
  // Normalised weights; all-zero weights count as equal.
  const arma::uword r = regions.size();
  arma::vec w(r);
  for (arma::uword j = 0; j < r; ++j)
    w[j] = std::max(0.0, regions[j].weight);
  if (!(arma::accu(w) > 0.0)) w.ones();
  w /= arma::accu(w);

  // Fewer components than regions: one each for the heaviest.
  arma::uvec shares(r, arma::fill::zeros);
  const arma::uvec order = arma::sort_index(w, "descend");
  if (n <= r) {
    for (arma::uword j = 0; j < n; ++j) shares[order[j]] = 1;
    return shares;
  }

  // One each, the rest by weight, rounded by largest remainders.
  const double rest = double(n - r);
  arma::vec exact = rest * w;
  shares = 1 + arma::conv_to<arma::uvec>::from(arma::floor(exact));
  arma::uword left = n - arma::accu(shares);
  const arma::uvec by_remainder =
      arma::sort_index(exact - arma::floor(exact), "descend");
  for (arma::uword j = 0; left > 0; ++j, --left) ++shares[by_remainder[j]];
  return shares;
}

namespace {

// The mixture of the given means and covariances followed by the cover's.
Mixture with_cover(const arma::mat& means, const arma::cube& covs,
                   const Mixture* cover) {
  if (!cover || cover->size() == 0) return Mixture::full(means, covs);
  return Mixture::full(arma::join_rows(means, cover->means()),
                       arma::join_slices(covs, cover->covariances()));
}

}  // namespace

void regions_box(const std::vector<Region>& regions, arma::vec& lower,
                 arma::vec& upper) {
  for (std::size_t j = 0; j < regions.size(); ++j) {
    const arma::vec sd = arma::sqrt(regions[j].cov.diag());
    const arma::vec lo = regions[j].mean - 6.0 * sd;
    const arma::vec hi = regions[j].mean + 6.0 * sd;
    lower = j ? arma::vec(arma::min(lower, lo)) : lo;
    upper = j ? arma::vec(arma::max(upper, hi)) : hi;
  }
}

RegionPlacement place_in_regions(const std::vector<Region>& regions,
                                 arma::uword n, double spread,
                                 const Mixture* cover, Rng& rng) {
  if (regions.empty() || n == 0)
    fail(ErrorKind::argument, "gma::place_in_regions", "need at least one ",
         "region and one component (got ", regions.size(), " and ", n, ")");
  const arma::uword dim = regions[0].mean.n_elem;
  const arma::uvec shares = region_shares(regions, n);

  // Region by region: means from the widened cloud, narrow covariances.
  arma::mat means(dim, n);
  arma::cube covs(dim, dim, n);
  arma::uvec owner(n);
  arma::uword next = 0;
  for (arma::uword j = 0; j < regions.size(); ++j) {
    const arma::uword nj = shares[j];
    if (nj == 0) continue;
    const double h = region_bandwidth(nj, dim);
    const double offset = std::sqrt(std::max(0.0, spread * spread - h * h));
    const arma::mat l = arma::chol(regions[j].cov, "lower");
    arma::mat m = offset * l * rng.normal_matrix(dim, nj);
    m.each_col() += regions[j].mean;
    means.cols(next, next + nj - 1) = m;
    for (arma::uword i = next; i < next + nj; ++i) {
      covs.slice(i) = h * h * regions[j].cov;
      owner[i] = j;
    }
    next += nj;
  }

  // The cover's components belong to no region.
  const arma::uword extra = cover ? cover->size() : 0;
  owner.resize(n + extra);
  if (extra) owner.tail(extra).fill(regions.size());
  return {with_cover(means, covs, cover), owner, regions.size()};
}

namespace {

// The components comps of a mixture, at equal weights.
Mixture sub_mixture(const Mixture& mixture, const arma::uvec& comps) {
  const arma::cube all = mixture.covariances();
  arma::cube covs(mixture.dim(), mixture.dim(), comps.n_elem);
  for (arma::uword k = 0; k < comps.n_elem; ++k)
    covs.slice(k) = all.slice(comps[k]);
  return Mixture::full(mixture.means().cols(comps), covs);
}

// Self-normalised importance estimate of one region from its bank
// points, a sample of the equal-weight mixture of its components.
Region refit_one(const Region& old, const arma::uvec& comps,
                 const Mixture& placed, const Bank& bank, double& ess) {
  // The region's points, their target values and their proposal density.
  const arma::uword m = bank.per_component;
  arma::uvec rows(comps.n_elem * m);
  for (arma::uword k = 0; k < comps.n_elem; ++k)
    rows.subvec(k * m, k * m + m - 1) =
        arma::regspace<arma::uvec>(comps[k] * m, comps[k] * m + m - 1);
  const arma::mat z = bank.points.cols(rows);
  const arma::vec log_q = sub_mixture(placed, comps).log_density(z);

  // Normalised importance weights and their ESS.
  arma::vec lw = bank.log_target.elem(rows) - log_q;
  lw.elem(arma::find_nonfinite(lw)).fill(-arma::datum::inf);
  const double top = lw.max();
  ess = 0.0;
  if (!std::isfinite(top)) return old;
  arma::vec w = arma::exp(lw - top);
  w /= arma::accu(w);
  ess = 1.0 / arma::accu(arma::square(w));

  // The weighted mean and covariance.
  Region r = old;
  weighted_moments(z, w, r.mean, r.cov);
  return r;
}

// The mean and covariance of the region's components under the fitted
// weights; the old region if the fit gave them no weight.
Region fitted_moments(const Region& old, const arma::uvec& comps,
                      const Mixture& placed, const arma::vec& fitted) {
  const arma::vec w = fitted.elem(comps);
  if (!(arma::accu(w) > 0.0)) return old;
  Mixture own = sub_mixture(placed, comps);
  own.set_weights(w / arma::accu(w));
  Region r = old;
  own.moments(r.mean, r.cov);
  return r;
}

// The region of largest weight.
Region heaviest(const std::vector<Region>& regions) {
  std::size_t best = 0;
  for (std::size_t j = 1; j < regions.size(); ++j)
    if (regions[j].weight > regions[best].weight) best = j;
  return regions[best];
}

// Mahalanobis distance squared of d in the metric of cov.
double distance2(const arma::vec& d, const arma::mat& cov) {
  return arma::dot(d, arma::solve(cov, d));
}

// Is a component (mean, cov) farther than 3 from every region, in its
// own metric and in the region's?
bool far_from_all(const arma::vec& mean, const arma::mat& cov,
                  const std::vector<Region>& regions) {
  for (const Region& r : regions) {
    const arma::vec d = mean - r.mean;
    if (distance2(d, cov) < 9.0 || distance2(d, r.cov) < 9.0) return false;
  }
  return true;
}

// Cover components the fit gave more than an equal share, far from the
// regions, become regions of their own.
void promote_cover(const std::vector<Region>& regions,
                   const RegionPlacement& placed, const arma::vec& fitted,
                   RegionRefit& out) {
  const arma::uvec cover = arma::find(placed.owner == placed.regions);
  const double share = 1.0 / double(fitted.n_elem);
  const arma::cube covs = placed.mixture.covariances();
  const arma::uvec order = arma::sort_index(fitted.elem(cover), "descend");
  for (const arma::uword k : order) {
    const arma::uword i = cover[k];
    const arma::vec mean = placed.mixture.means().col(i);
    if (fitted[i] <= share || !far_from_all(mean, covs.slice(i), out.regions))
      continue;
    out.regions.push_back({mean, covs.slice(i), fitted[i]});
    ++out.found;
  }
}

}  // namespace

arma::mat cover_starts(const std::vector<Region>& regions,
                       const RegionPlacement& placed, const Bank& bank,
                       arma::uword k) {
  // The cover's bank points, best first.
  const arma::uword m = bank.per_component;
  const arma::uvec cover = arma::find(placed.owner == placed.regions);
  std::vector<arma::uword> rows;
  for (const arma::uword i : cover)
    for (arma::uword j = 0; j < m; ++j) rows.push_back(i * m + j);
  const arma::uvec r(rows);
  const arma::vec lt = bank.log_target.elem(r);
  const arma::uvec order = arma::sort_index(lt, "descend");

  // Keep the finite ones far from every region, up to k.
  arma::mat out(bank.points.n_rows, 0);
  for (arma::uword t = 0; t < order.n_elem && out.n_cols < k; ++t) {
    if (!std::isfinite(lt[order[t]])) break;
    const arma::vec x = bank.points.col(r[order[t]]);
    bool far = true;
    for (const Region& g : regions)
      far = far && distance2(x - g.mean, g.cov) >= 9.0;
    if (far) out.insert_cols(out.n_cols, x);
  }
  return out;
}

arma::uword add_new_modes(std::vector<Region>& regions,
                          const Mixture& laplace) {
  double mean_weight = 0.0;
  for (const Region& g : regions) mean_weight += g.weight;
  mean_weight = regions.empty() ? 1.0 : mean_weight / regions.size();
  const arma::cube covs = laplace.covariances();
  arma::uword added = 0;
  for (arma::uword j = 0; j < laplace.size(); ++j) {
    const arma::vec mu = laplace.means().col(j);
    if (!far_from_all(mu, covs.slice(j), regions)) continue;
    regions.push_back({mu, covs.slice(j), mean_weight});
    ++added;
  }
  return added;
}

RegionRefit refit_regions(const std::vector<Region>& regions,
                          const RegionPlacement& placed,
                          const arma::vec& fitted, const Bank& bank,
                          double min_ess, double eigen_floor,
                          double max_condition) {
  if (fitted.n_elem != placed.mixture.size() ||
      bank.components() != placed.mixture.size())
    fail(ErrorKind::argument, "gma::refit_regions", "the weights (",
         fitted.n_elem, ") and the bank (", bank.components(),
         " components) must match the placement (",
         placed.mixture.size(), " components)");

  RegionRefit out;
  out.least_ess = arma::datum::inf;
  for (arma::uword j = 0; j < regions.size(); ++j) {
    const arma::uvec comps = arma::find(placed.owner == j);
    if (comps.is_empty()) {
      out.regions.push_back(regions[j]);
      continue;
    }

    // Moments by importance sampling; with too few effective points,
    // the moments of what the fit made of the region's components.
    double ess = 0.0;
    Region r = refit_one(regions[j], comps, placed.mixture, bank, ess);
    out.least_ess = std::min(out.least_ess, ess);
    if (ess < min_ess) {
      r = fitted_moments(regions[j], comps, placed.mixture, fitted);
      ++out.kept;
    }
    r.cov = nearest_spd(r.cov, eigen_floor, max_condition);

    // The weight: what the fit gave the region's components. A region
    // with less than one component's equal share is not where the mass
    // is: dropped.
    r.weight = arma::accu(fitted.elem(comps));
    if (r.weight < 1.0 / double(fitted.n_elem)) {
      ++out.dropped;
      continue;
    }
    out.regions.push_back(r);
  }
  promote_cover(regions, placed, fitted, out);

  // Never none: the heaviest old region stays.
  if (out.regions.empty()) out.regions.push_back(heaviest(regions));
  return out;
}

}  // namespace gma
