// Tests of the projection onto the probability simplex.
#include <gtest/gtest.h>

#include <cmath>

#include "gma/error.hpp"
#include "gma/rng.hpp"
#include "gma/simplex.hpp"

namespace {

// The nearest point of the simplex to v in 3-D, by search over a grid of
// step h (the true projection is within h of the grid's best point).
arma::vec brute_force_3(const arma::vec& v, double h) {
  arma::vec best(3);
  double best_d = arma::datum::inf;
  for (double a = 0; a <= 1 + 1e-12; a += h) {
    for (double b = 0; a + b <= 1 + 1e-12; b += h) {
      const arma::vec w = {a, b, std::max(0.0, 1 - a - b)};
      const double d = arma::accu(arma::square(w - v));
      if (d < best_d) {
        best_d = d;
        best = w;
      }
    }
  }
  return best;
}

}  // namespace

TEST(Simplex, PointsOnTheSimplexStayPut) {
  const arma::vec w = {0.2, 0.5, 0.3};
  EXPECT_LT(arma::abs(gma::project_to_simplex(w) - w).max(), 1e-15);
}

TEST(Simplex, MatchesBruteForceOnSmallCases) {
  // Vectors inside, outside and on the far side of the simplex.
  const std::vector<arma::vec> cases = {
      {0.9, 0.9, 0.9}, {2.0, -1.0, 0.1}, {-0.5, -0.2, -0.9},
      {0.1, 0.2, 0.3}, {5.0, 4.9, -3.0}, {0.0, 0.0, 1.0}};
  const double h = 0.002;
  for (const arma::vec& v : cases) {
    const arma::vec w = gma::project_to_simplex(v);
    const arma::vec b = brute_force_3(v, h);
    EXPECT_NEAR(arma::accu(w), 1.0, 1e-12);
    EXPECT_GE(w.min(), 0.0);
    EXPECT_LT(arma::abs(w - b).max(), 2 * h) << v.t();
  }
}

TEST(Simplex, ProjectionIsNoFartherThanAnyOtherSimplexPoint) {
  // Against random simplex points in 6-D: the projection is the nearest.
  gma::Rng rng(1);
  const arma::vec v = {0.7, -0.3, 0.4, 1.2, 0.0, -2.0};
  const arma::vec w = gma::project_to_simplex(v);
  const double d = arma::accu(arma::square(w - v));
  for (int t = 0; t < 2000; ++t) {
    arma::vec u(6);
    for (double& x : u) x = -std::log(rng.uniform());
    u /= arma::accu(u);
    EXPECT_LE(d, arma::accu(arma::square(u - v)) + 1e-12);
  }
}

TEST(Simplex, ShiftingAllEntriesEquallyChangesNothing) {
  const arma::vec v = {0.3, -0.1, 0.8, 0.2};
  const arma::vec a = gma::project_to_simplex(v);
  const arma::vec b = gma::project_to_simplex(v + 7.5);
  EXPECT_LT(arma::abs(a - b).max(), 1e-12);
}

TEST(Simplex, RejectsEmptyAndNonFiniteVectors) {
  EXPECT_THROW(gma::project_to_simplex(arma::vec()), gma::Error);
  const arma::vec bad = {0.1, arma::datum::nan};
  EXPECT_THROW(gma::project_to_simplex(bad), gma::Error);
}
