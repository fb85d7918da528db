// common.hpp: small helpers shared by the C++ tests.
#ifndef GMA_TESTS_COMMON_HPP
#define GMA_TESTS_COMMON_HPP

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "gma/bank.hpp"
#include "gma/error.hpp"
#include "gma/mixture.hpp"
#include "gma/target.hpp"

namespace gma_test {

// Expect f to throw gma::Error of the given kind whose message holds text.
template <typename F>
void expect_error(F f, gma::ErrorKind kind, const std::string& text) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one mentioning '" << text << "'";
  } catch (const gma::Error& e) {
    EXPECT_EQ(static_cast<int>(e.kind()), static_cast<int>(kind))
        << e.what();
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos)
        << e.what();
  }
}

// A target from a pointwise function of one column.
template <typename F>
gma::Target pointwise(arma::uword dim, F f) {
  return gma::Target(dim, [f](const arma::mat& x, arma::vec& out) {
    for (arma::uword j = 0; j < x.n_cols; ++j) out[j] = f(x.col(j));
  });
}

// log N(x; mu, s^2) in one dimension.
inline double log_normal(double x, double mu, double s) {
  const double z = (x - mu) / s;
  return -0.5 * z * z - std::log(s) - 0.5 * std::log(2 * M_PI);
}

// A bank of m points per component of mix, evaluated on target.
inline gma::Bank evaluated_bank(const gma::Mixture& mix,
                                const gma::Target& target, arma::uword m,
                                std::uint64_t seed) {
  gma::Rng rng(seed);
  gma::Bank bank = gma::draw_bank(mix, m, rng);
  gma::evaluate_bank(bank, target, 4096, 1, gma::RoundFn());
  return bank;
}

}  // namespace gma_test

#endif  // GMA_TESTS_COMMON_HPP
