// resample.cpp: stratified and systematic resampling of the bank.
#include "gma/resample.hpp"

#include <algorithm>

#include "gma/error.hpp"
#include "gma/math.hpp"

namespace gma {

namespace {

// The bank points of each component that lie inside the support.
std::vector<arma::uvec> inside_points(const Bank& bank) {
  std::vector<arma::uvec> points(bank.components());
  for (arma::uword i = 0; i < bank.components(); ++i) {
    const arma::uword first = i * bank.per_component;
    const arma::vec block =
        bank.log_target.subvec(first, first + bank.per_component - 1);
    points[i] = first + arma::find(block > -arma::datum::inf);
  }
  return points;
}

// Component weights restricted to components with a point inside.
arma::vec usable_weights(const arma::vec& w,
                         const std::vector<arma::uvec>& inside) {
  arma::vec p = w;
  for (arma::uword i = 0; i < p.n_elem; ++i)
    if (inside[i].is_empty()) p[i] = 0.0;
  if (!(arma::accu(p) > 0.0))
    fail(ErrorKind::numeric, "gma::resample",
         "no weight rests on a component with a point inside the support");
  return p;
}

}  // namespace

arma::uvec systematic_indices(const arma::vec& p, arma::uword n, Rng& rng) {
  if (n == 0 || p.is_empty() || !(arma::accu(p) > 0.0) || p.min() < 0.0)
    fail(ErrorKind::argument, "gma::systematic_indices",
         "need n >= 1 (", n, ") and non-negative weights with a positive ",
         "sum");

  // One uniform offset, n evenly spaced positions on the cumulative sum.
  const arma::vec cumulative = arma::cumsum(p);
  const double total = cumulative[cumulative.n_elem - 1];
  const double u = rng.uniform();
  arma::uvec out(n);
  for (arma::uword j = 0; j < n; ++j) {
    const double position = (u + static_cast<double>(j)) / n * total;
    out[j] = search_cumulative(cumulative, position);
  }
  return out;
}

arma::uvec resample(const Bank& bank, const arma::vec& w, arma::uword n,
                    Resampling scheme, Rng& rng) {
  if (w.n_elem != bank.components())
    fail(ErrorKind::argument, "gma::resample", "got ", w.n_elem,
         " weights for ", bank.components(), " components");
  const std::vector<arma::uvec> inside = inside_points(bank);
  const arma::vec p = usable_weights(w, inside);
  arma::uvec out(n);

  if (scheme == Resampling::stratified) {
    // A component by weight, then one of its inside points uniformly.
    const arma::vec cumulative = arma::cumsum(p);
    const double total = cumulative[cumulative.n_elem - 1];
    for (arma::uword j = 0; j < n; ++j) {
      const arma::uword c =
          search_cumulative(cumulative, rng.uniform() * total);
      out[j] = inside[c][rng.index(inside[c].n_elem)];
    }
    return out;
  }

  // Systematic over the inside points, each carrying w_c / |inside_c|.
  arma::vec point_weight(bank.size(), arma::fill::zeros);
  for (arma::uword i = 0; i < inside.size(); ++i)
    if (!inside[i].is_empty())
      point_weight.elem(inside[i]).fill(p[i] / inside[i].n_elem);
  return systematic_indices(point_weight, n, rng);
}

}  // namespace gma
