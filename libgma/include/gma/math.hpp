// math.hpp: small numerical helpers shared by the algorithms.
#ifndef GMA_MATH_HPP
#define GMA_MATH_HPP

#include "gma/arma.hpp"

namespace gma {

// log(sum(exp(v))), exact for any finite or -Inf entries; -Inf if all are.
double log_sum_exp(const arma::vec& v);

// log_sum_exp of every row of a: row m of the result is log sum_l e^a(m,l).
arma::vec log_sum_exp_rows(const arma::mat& a);

// The index of the first entry of an increasing cumulative sum above u,
// clamped to the last entry: inverse-CDF sampling for u in [0, total).
arma::uword search_cumulative(const arma::vec& cumulative, double u);

// The mean and covariance of the columns of x under weights w (one per
// column, non-negative, summing to 1).
void weighted_moments(const arma::mat& x, const arma::vec& w,
                      arma::vec& mean, arma::mat& cov);

// Entropy -sum w log w of a probability vector (0 log 0 = 0).
double entropy(const arma::vec& w);

}  // namespace gma

#endif  // GMA_MATH_HPP
