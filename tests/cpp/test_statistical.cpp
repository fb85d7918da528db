// Statistical tests of whole runs against targets with known answers.
#include <gtest/gtest.h>

#include <cmath>

#include "gma/sampler.hpp"

namespace {

// The four-mode mixture: modes at (+-3, +-3) with the weights and
// covariances below (a, b, c for the matrix [[a, b], [b, c]]).
const double kMean[4][2] = {{-3, -3}, {3, 3}, {-3, 3}, {3, -3}};
const double kCov[4][3] = {{1, 0.8, 1}, {1, -0.8, 1}, {1, 0, 0.2},
                           {0.2, 0, 1}};
const double kWeight[4] = {0.3, 0.3, 0.2, 0.2};

void four_modes(const arma::mat& x, arma::vec& out) {
  for (arma::uword j = 0; j < x.n_cols; ++j) {
    double total = 0;
    for (int k = 0; k < 4; ++k) {
      const double a = kCov[k][0], b = kCov[k][1], c = kCov[k][2];
      const double det = a * c - b * b;
      const double dx = x(0, j) - kMean[k][0], dy = x(1, j) - kMean[k][1];
      const double q = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
      total += kWeight[k] * std::exp(-0.5 * q) / (2 * M_PI * std::sqrt(det));
    }
    out[j] = std::log(total);
  }
}

// The true mean is 0; the covariance is sum_k w_k (Sigma_k + mu_k mu_k').
arma::mat true_covariance() {
  arma::mat s(2, 2, arma::fill::zeros);
  for (int k = 0; k < 4; ++k) {
    const arma::vec mu = {kMean[k][0], kMean[k][1]};
    const arma::mat c = {{kCov[k][0], kCov[k][1]}, {kCov[k][1], kCov[k][2]}};
    s += kWeight[k] * (c + mu * mu.t());
  }
  return s;
}

// A default run on the four-mode target in the paper's box [-6, 6]^2.
arma::mat four_mode_draws(const char* method) {
  gma::Sampler s(2);
  s.set_target(four_modes);
  s.set_box({-6, -6}, {6, 6});
  s.options().set_option("method", method);
  s.options().seed = 2024;
  s.run();
  return s.result().draws;
}

// The share of draws in each quadrant, in the order of kMean.
arma::vec quadrant_shares(const arma::mat& d) {
  arma::vec share(4, arma::fill::zeros);
  for (arma::uword j = 0; j < d.n_cols; ++j) {
    const bool left = d(0, j) < 0, low = d(1, j) < 0;
    share[left && low ? 0 : !left && !low ? 1 : left ? 2 : 3] += 1;
  }
  return share / double(d.n_cols);
}

}  // namespace

class FourModes : public ::testing::TestWithParam<const char*> {};

TEST_P(FourModes, ModeMassesMeanAndCovarianceMatchTheTruth) {
  // Tolerances: 6750 draws resampled from a bank of 6750 points, so each
  // quadrant share has a Monte Carlo sd of about sqrt(.3 * .7 / 3000) =
  // 0.008 counting the bank's reuse (effective size ~3000); 0.04 is five of
  // those, leaving room for the fit's own bias. The mean: coordinate sd
  // 3.1, sd of the mean 3.1 / sqrt(3000) = 0.06; tolerance 0.3 (five sd).
  // The covariance entries (9.84, 1.8): sd of a sample variance of ~10 is
  // about 10 sqrt(2 / 3000) = 0.26 for these heavy two-mode marginals;
  // tolerance 1.0 allows four of those. Mode weights fitted by reverse KL
  // on a grid are biased by the grid, within 0.04 at these settings. A
  // sampler that lost a mode or moved its mass would miss by 0.2 or more.
  const arma::mat d = four_mode_draws(GetParam());
  const arma::vec share = quadrant_shares(d);
  for (int k = 0; k < 4; ++k)
    EXPECT_NEAR(share[k], kWeight[k], 0.04) << "mode " << k;

  const arma::vec mean = arma::mean(d, 1);
  EXPECT_NEAR(mean[0], 0.0, 0.3);
  EXPECT_NEAR(mean[1], 0.0, 0.3);
  const arma::mat cov = arma::cov(d.t());
  const arma::mat truth = true_covariance();
  for (arma::uword k = 0; k < 4; ++k)
    EXPECT_NEAR(cov[k], truth[k], 1.0) << "entry " << k;
}

INSTANTIATE_TEST_SUITE_P(Methods, FourModes,
                         ::testing::Values("wgma-md", "wgma-pgd"));

TEST(Statistical, GaussianMomentsAreRecoveredFromABox) {
  // A 2-D Gaussian with sds 0.5 and 1.5. With the default width (half the
  // grid spacing, sd 0.53 here), the mixture cannot be narrower than a
  // component, so the sd along the narrow axis is allowed 25 % high.
  gma::Sampler s(2);
  s.set_target([](const arma::mat& x, arma::vec& out) {
    const arma::rowvec a = (x.row(0) - 1.0) / 0.5;
    const arma::rowvec b = (x.row(1) + 2.0) / 1.5;
    out = -0.5 * (arma::square(a) + arma::square(b)).t();
  });
  s.set_box({-8, -8}, {8, 8});
  s.options().seed = 7;
  s.run();
  const arma::mat& d = s.result().draws;
  const arma::vec m = arma::mean(d, 1);
  const arma::vec sd = arma::stddev(d, 0, 1);
  EXPECT_NEAR(m[0], 1.0, 0.1);
  EXPECT_NEAR(m[1], -2.0, 0.2);
  EXPECT_NEAR(sd[0] / 0.5, 1.0, 0.25);
  EXPECT_NEAR(sd[1] / 1.5, 1.0, 0.15);
}

TEST(Statistical, SameSeedSameDrawsWhateverTheThreadCount) {
  auto draws = [](double threads, std::uint64_t seed) {
    gma::Sampler s(2);
    s.set_target(four_modes);
    s.set_box({-6, -6}, {6, 6});
    s.options().set("components", 25);
    s.options().set("batch_size", 100);
    s.options().set("threads", threads);
    s.options().seed = seed;
    s.run();
    return arma::mat(s.result().draws);
  };
  const arma::mat a = draws(1, 3), b = draws(2, 3), c = draws(1, 4);
  EXPECT_TRUE(arma::approx_equal(a, b, "absdiff", 0.0));
  EXPECT_FALSE(arma::approx_equal(a, c, "absdiff", 0.0));
}
