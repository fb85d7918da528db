// Tests of the default placement and width of the components.
#include <gtest/gtest.h>

#include <cmath>

#include "gma/error.hpp"
#include "gma/placement.hpp"

TEST(Placement, DefaultComponentCountsFollowTheDimension) {
  EXPECT_EQ(gma::default_components(1), 50u);
  EXPECT_EQ(gma::default_components(2), 225u);
  EXPECT_EQ(gma::default_components(4), 160u);
  EXPECT_EQ(gma::default_components(50), 400u);
}

TEST(Placement, TwoDimensionalSquareCountsGiveTheGridOfCellCentres) {
  gma::Rng rng(1);
  const gma::Mixture m = gma::place_in_box({-6, 0}, {6, 3}, 9, 0.0, rng);
  // 3 x 3 cell centres: -4, 0, 4 along x and 0.5, 1.5, 2.5 along y.
  const arma::vec xs = arma::unique(m.means().row(0).t());
  const arma::vec ys = arma::unique(m.means().row(1).t());
  ASSERT_EQ(xs.n_elem, 3u);
  ASSERT_EQ(ys.n_elem, 3u);
  EXPECT_NEAR(xs[0], -4, 1e-12);
  EXPECT_NEAR(xs[2], 4, 1e-12);
  EXPECT_NEAR(ys[1], 1.5, 1e-12);
  // Half the spacing along each axis: sd 2 and 0.5.
  EXPECT_NEAR(m.variances()(0, 0), 4.0, 1e-12);
  EXPECT_NEAR(m.variances()(1, 4), 0.25, 1e-12);
  EXPECT_FALSE(m.is_isotropic());
}

TEST(Placement, LatinHypercubePutsOneMeanInEveryStratumOfEveryAxis) {
  gma::Rng rng(2);
  const arma::uword n = 40;
  const gma::Mixture m =
      gma::place_in_box({0, 0, 0, 0}, {1, 2, 4, 8}, n, 0.0, rng);
  for (arma::uword k = 0; k < 4; ++k) {
    const double width = std::pow(2.0, double(k));
    arma::uvec hits(n, arma::fill::zeros);
    for (arma::uword j = 0; j < n; ++j)
      hits[arma::uword(m.means()(k, j) / width * n)] += 1;
    EXPECT_EQ(hits.max(), 1u) << "axis " << k;
  }
}

TEST(Placement, CovScaleGivesIsotropicComponents) {
  gma::Rng rng(3);
  const gma::Mixture m = gma::place_in_box({-1}, {1}, 5, 0.3, rng);
  EXPECT_TRUE(m.is_isotropic());
  EXPECT_DOUBLE_EQ(m.variances()(0, 2), 0.3);
}

TEST(Placement, DefaultVarianceIsHalfTheMedianNearestNeighbourDistance) {
  const arma::mat means = {{0.0, 1.0, 3.0, 10.0}};
  // Nearest distances 1, 1, 2, 7: median 1.5, half 0.75, squared.
  EXPECT_NEAR(gma::default_variance(means), 0.75 * 0.75, 1e-12);
  EXPECT_DOUBLE_EQ(gma::default_variance(arma::mat(1, 1, arma::fill::value(2.0))), 1.0);
}

TEST(Placement, RejectsBadBoxes) {
  gma::Rng rng(4);
  EXPECT_THROW(gma::place_in_box({0, 0}, {1}, 4, 0.0, rng), gma::Error);
  EXPECT_THROW(gma::place_in_box({0}, {0}, 4, 0.0, rng), gma::Error);
  EXPECT_THROW(gma::place_in_box({0}, {arma::datum::inf}, 4, 0.0, rng),
               gma::Error);
  EXPECT_THROW(gma::place_in_box({0}, {1}, 0, 0.0, rng), gma::Error);
}
