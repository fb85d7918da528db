// math.cpp: log-sum-exp and entropy.
#include "gma/math.hpp"

#include <algorithm>
#include <cmath>

namespace gma {

double log_sum_exp(const arma::vec& v) {
  // Shift by the maximum so the largest term is exp(0) = 1.
  const double top = v.is_empty() ? -arma::datum::inf : v.max();
  if (!std::isfinite(top)) return top;
  return top + std::log(arma::accu(arma::exp(v - top)));
}

arma::vec log_sum_exp_rows(const arma::mat& a) {
  // Row maxima, with all -Inf rows left at -Inf.
  arma::vec top = arma::max(a, 1);
  arma::vec shift = top;
  shift.elem(arma::find_nonfinite(shift)).zeros();

  // Sum the shifted exponentials row by row.
  arma::vec sums = arma::sum(arma::exp(a.each_col() - shift), 1);
  return arma::log(sums) + shift;
}

arma::uword search_cumulative(const arma::vec& cumulative, double u) {
  const double* begin = cumulative.memptr();
  const double* hit = std::upper_bound(begin, begin + cumulative.n_elem, u);
  const auto i = static_cast<arma::uword>(hit - begin);
  return std::min<arma::uword>(i, cumulative.n_elem - 1);
}

double entropy(const arma::vec& w) {
  double h = 0.0;
  for (double wi : w) {
    if (wi > 0.0) h -= wi * std::log(wi);
  }
  return h;
}

void weighted_moments(const arma::mat& x, const arma::vec& w,
                      arma::vec& mean, arma::mat& cov) {
  mean = x * w;
  const arma::mat centred = x.each_col() - mean;
  cov = (centred.each_row() % w.t()) * centred.t();
}

}  // namespace gma
