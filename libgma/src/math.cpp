// math.cpp: log-sum-exp and entropy.
#include "gma/math.hpp"

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

double entropy(const arma::vec& w) {
  double h = 0.0;
  for (double wi : w) {
    if (wi > 0.0) h -= wi * std::log(wi);
  }
  return h;
}

}  // namespace gma
