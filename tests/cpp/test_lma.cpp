// Tests of the Laplace mixture approximation: modes, covariances, weights,
// the eigenvalue floor, and the error and stop paths through NLopt.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common.hpp"
#include "gma/error.hpp"
#include "gma/lma.hpp"
#include "gma/rng.hpp"

namespace {

// A correlated 3-D Gaussian, unnormalised by the factor 5.
const arma::vec kMean3 = {1.0, -2.0, 0.5};
const arma::mat kCov3 = {{1.0, 0.5, -0.3},
                         {0.5, 2.0, 0.4},
                         {-0.3, 0.4, 0.7}};

gma::Target gaussian3() {
  const arma::mat precision = arma::inv_sympd(kCov3);
  return gma_test::pointwise(3, [precision](const arma::vec& x) {
    const arma::vec z = x - kMean3;
    return std::log(5.0) - 0.5 * arma::dot(z, precision * z);
  });
}

// Three well separated 2-D Gaussians, weights 0.5, 0.3, 0.2, times 7. The
// closest pair is 6.4 apart and no standard deviation exceeds 0.81, so
// each component's density at another's mean is below exp(-31) of its
// peak: the cross-talk moves the modes and Hessians by far less than 1e-6.
gma::Mixture three_gaussians() {
  const arma::mat means = {{-4.0, 4.0, 0.0}, {0.0, 0.0, 5.0}};
  arma::cube covs(2, 2, 3);
  covs.slice(0) = {{0.5, 0.2}, {0.2, 0.4}};
  covs.slice(1) = {{0.3, -0.1}, {-0.1, 0.6}};
  covs.slice(2) = {{0.64, 0.0}, {0.0, 0.25}};
  gma::Mixture mix = gma::Mixture::full(means, covs);
  mix.set_weights({0.5, 0.3, 0.2});
  return mix;
}

// Starts drawn uniformly in [lo, hi]^d with our own stream.
arma::mat uniform_starts(arma::uword d, arma::uword n, double lo, double hi,
                         std::uint64_t seed) {
  gma::Rng rng(seed);
  arma::mat s(d, n);
  for (double& v : s) v = lo + (hi - lo) * rng.uniform();
  return s;
}

// Relative Frobenius distance of a to b.
double relative_error(const arma::mat& a, const arma::mat& b) {
  return arma::norm(a - b, "fro") / arma::norm(b, "fro");
}

// A logger that keeps every message.
struct Captured {
  gma::Logger logger;
  std::vector<std::string> lines;
  explicit Captured(gma::LogLevel level = gma::LogLevel::warning) {
    logger.set_sink([this](gma::LogLevel, const std::string& m) {
      lines.push_back(m);
    }, level);
  }
  bool contains(const std::string& text) const {
    for (const auto& l : lines)
      if (l.find(text) != std::string::npos) return true;
    return false;
  }
};

}  // namespace

TEST(Lma, FindsTheOneModeAndCovarianceOfACorrelatedGaussian) {
  // Five starts in [-6, 6]^3 all climb to the mean and merge into one
  // mode. BOBYQA stops at trust radius 1e-8 times the first step, so the
  // mode is good to far better than 1e-4; the Hessian of a quadratic is
  // exact up to rounding (~1e-7), far inside the 1e-3 asked for.
  const gma::Target target = gaussian3();
  const arma::mat starts = uniform_starts(3, 5, -6.0, 6.0, 11);
  Captured log;
  const gma::LmaReport r =
      gma::fit_lma(target, starts, gma::LmaSettings(), log.logger);

  ASSERT_EQ(r.modes, 1u);
  EXPECT_EQ(r.failed_starts, 0u);
  EXPECT_LT(arma::abs(r.mixture.means().col(0) - kMean3).max(), 1e-4);
  EXPECT_LT(relative_error(r.mixture.covariances().slice(0), kCov3), 1e-3);
  EXPECT_DOUBLE_EQ(r.mixture.weights()[0], 1.0);
  EXPECT_NEAR(r.mode_log_density[0], std::log(5.0), 1e-8);
  EXPECT_TRUE(arma::all(r.start_mode == 0));
  EXPECT_GT(r.counts.evaluations, 0u);
  EXPECT_TRUE(log.lines.empty());
}

TEST(Lma, KappaScalesTheCovariancesButNotTheWeights) {
  // Sigma = kappa^2 P^-1; the evidence uses the unscaled P^-1.
  const gma::Target target = gaussian3();
  const arma::mat starts = uniform_starts(3, 2, -3.0, 3.0, 12);
  gma::LmaSettings s;
  s.kappa = 2.0;
  const gma::LmaReport r = gma::fit_lma(target, starts, s, gma::Logger());
  ASSERT_EQ(r.modes, 1u);
  EXPECT_LT(relative_error(r.mixture.covariances().slice(0), 4.0 * kCov3),
            1e-3);
  EXPECT_DOUBLE_EQ(r.mixture.weights()[0], 1.0);
}

TEST(Lma, SeparatesThreeModesWithTheirLaplaceWeightsAndCovariances) {
  // Twelve starts uniform in [-8, 8]^2 (seed 3 reaches all three basins).
  // For a well separated Gaussian component, p~(mu) (2 pi)^(d/2) |C|^(1/2)
  // is 7 w exactly, so the Laplace weights are the true ones up to the
  // cross-talk (< 1e-6) and the mode error: 0.01 is a loose bound.
  const gma::Mixture truth = three_gaussians();
  const gma::Target target(2, [&](const arma::mat& x, arma::vec& out) {
    out = std::log(7.0) + truth.log_density(x);
  });
  const arma::mat starts = uniform_starts(2, 12, -8.0, 8.0, 3);
  Captured log;
  const gma::LmaReport r =
      gma::fit_lma(target, starts, gma::LmaSettings(), log.logger);

  ASSERT_EQ(r.modes, 3u);
  EXPECT_EQ(r.failed_starts, 0u);
  const arma::cube covs = r.mixture.covariances();
  const arma::cube true_covs = truth.covariances();
  for (arma::uword i = 0; i < 3; ++i) {
    // Match true component i to the nearest fitted mode.
    const arma::vec mu = truth.means().col(i);
    arma::uword j = 0;
    for (arma::uword k = 1; k < 3; ++k)
      if (arma::norm(r.mixture.means().col(k) - mu) <
          arma::norm(r.mixture.means().col(j) - mu))
        j = k;
    EXPECT_LT(arma::abs(r.mixture.means().col(j) - mu).max(), 1e-3)
        << "component " << i;
    EXPECT_NEAR(r.mixture.weights()[j], truth.weights()[i], 0.01)
        << "component " << i;
    EXPECT_LT(relative_error(covs.slice(j), true_covs.slice(i)), 1e-3)
        << "component " << i;
  }

  // The modes come by decreasing log p~, and every start found one.
  EXPECT_TRUE(r.mode_log_density.is_sorted("descend"));
  EXPECT_TRUE(arma::all(r.start_mode < 3));
}

TEST(Lma, CapsTheCovarianceAlongAFlatDirectionAndWarns) {
  // log p~ = -(x1 - 1)^2 / 2 - 1e-12 x2^2: -H has eigenvalues 1 and 2e-12,
  // the latter raised to max(1e-6, 1 / 1e6) = 1e-6, so the covariance is
  // diag(1, 1e6) with condition number exactly 1e6 (up to rounding). In
  // that metric the starts' different x2 end points (|dx2| < 1000) are
  // one mode.
  const gma::Target target = gma_test::pointwise(2, [](const arma::vec& x) {
    return -0.5 * (x[0] - 1.0) * (x[0] - 1.0) - 1e-12 * x[1] * x[1];
  });
  const arma::mat starts = uniform_starts(2, 4, -5.0, 5.0, 21);
  Captured log;
  const gma::LmaReport r =
      gma::fit_lma(target, starts, gma::LmaSettings(), log.logger);

  ASSERT_EQ(r.modes, 1u);
  const arma::mat cov = r.mixture.covariances().slice(0);
  ASSERT_TRUE(cov.is_finite());
  const arma::vec ev = arma::eig_sym(cov);
  EXPECT_LE(ev.max() / ev.min(), 1e6 * (1.0 + 1e-9));
  EXPECT_LE(ev.max(), 1e6 * (1.0 + 1e-9));
  EXPECT_NEAR(cov(0, 0), 1.0, 1e-6);
  EXPECT_NEAR(r.mixture.means()(0, 0), 1.0, 1e-4);
  EXPECT_TRUE(log.contains("raised")) << "no warning about the floor";
}

TEST(Lma, WorksInOneDimension) {
  // Two 1-D modes, weights 0.7 and 0.3 at -3 and 3 (sd 0.5 and 0.8).
  const gma::Target target = gma_test::pointwise(1, [](const arma::vec& x) {
    const double a = std::log(0.7) + gma_test::log_normal(x[0], -3.0, 0.5);
    const double b = std::log(0.3) + gma_test::log_normal(x[0], 3.0, 0.8);
    const double m = std::max(a, b);
    return m + std::log(std::exp(a - m) + std::exp(b - m));
  });
  const arma::mat starts = {{-5.0, -1.0, 1.0, 6.0}};
  const gma::LmaReport r =
      gma::fit_lma(target, starts, gma::LmaSettings(), gma::Logger());
  ASSERT_EQ(r.modes, 2u);
  EXPECT_NEAR(r.mixture.means()(0, 0), -3.0, 1e-4);
  EXPECT_NEAR(r.mixture.weights()[0], 0.7, 0.01);
  EXPECT_NEAR(r.mixture.covariances()(0, 0, 1), 0.64, 1e-3);
}

TEST(Lma, CountsAndWarnsAboutAStartOutsideTheSupport) {
  // Support x1 > -10; the start at x1 = -30 sees -Inf within its first
  // steps (0.1 * 30 = 3), so BOBYQA and Nelder-Mead both fail there.
  const gma::Target target = gma_test::pointwise(2, [](const arma::vec& x) {
    return x[0] <= -10.0 ? -arma::datum::inf
                         : -0.5 * (x[0] * x[0] + x[1] * x[1]);
  });
  const arma::mat starts = {{-30.0, 1.0, -2.0}, {0.0, 1.0, 0.5}};
  Captured log;
  const gma::LmaReport r =
      gma::fit_lma(target, starts, gma::LmaSettings(), log.logger);
  EXPECT_EQ(r.failed_starts, 1u);
  EXPECT_EQ(r.modes, 1u);
  EXPECT_EQ(r.start_mode[0], 1u);
  EXPECT_GT(r.counts.outside, 0u);
  EXPECT_TRUE(log.contains("start 1 of 3 failed"));
}

TEST(Lma, RejectsBadStartsAndSettings) {
  using gma::ErrorKind;
  const gma::Target target = gaussian3();
  const gma::Logger quiet;
  gma_test::expect_error([&] {
    gma::fit_lma(target, arma::mat(2, 4, arma::fill::zeros),
                 gma::LmaSettings(), quiet);
  }, ErrorKind::argument, "got 2 x 4");
  gma::LmaSettings s;
  s.kappa = 0.0;
  gma_test::expect_error([&] {
    gma::fit_lma(target, arma::mat(3, 1, arma::fill::zeros), s, quiet);
  }, ErrorKind::argument, "kappa (0)");
  s.kappa = -1.0;
  gma_test::expect_error([&] {
    gma::fit_lma(target, arma::mat(3, 1, arma::fill::zeros), s, quiet);
  }, ErrorKind::argument, "kappa (-1)");
}

TEST(Lma, FailsWithATargetErrorWhenEveryStartFails) {
  const gma::Target nowhere = gma_test::pointwise(2, [](const arma::vec&) {
    return -arma::datum::inf;
  });
  Captured log;
  gma::LmaSettings s;
  s.max_evaluations = 200;
  gma_test::expect_error([&] {
    gma::fit_lma(nowhere, uniform_starts(2, 5, -1.0, 1.0, 4), s, log.logger);
  }, gma::ErrorKind::target, "all 5 starts");
  EXPECT_TRUE(log.contains("start 5 of 5 failed"));
}

TEST(Lma, ReturnsATargetsErrorThrownInsideNlopt) {
  // The target fails on its 10th point, inside nlopt_optimize.
  int calls = 0;
  const gma::Target target(2, [&](const arma::mat& x, arma::vec& out) {
    if (++calls == 10)
      gma::fail(gma::ErrorKind::callback, "user_density", "broke at call ",
                calls);
    out = -0.5 * arma::sum(arma::square(x), 0).t();
  });
  gma_test::expect_error([&] {
    gma::fit_lma(target, arma::mat(2, 3, arma::fill::ones),
                 gma::LmaSettings(), gma::Logger());
  }, gma::ErrorKind::callback, "user_density(): broke at call 10");
  EXPECT_EQ(calls, 10);

  // A stop request raised inside the objective comes back the same way.
  calls = 0;
  const gma::Target stopping(2, [&](const arma::mat& x, arma::vec& out) {
    if (++calls == 5) throw gma::Stopped();
    out = -0.5 * arma::sum(arma::square(x), 0).t();
  });
  EXPECT_THROW(gma::fit_lma(stopping, arma::mat(2, 3, arma::fill::ones),
                            gma::LmaSettings(), gma::Logger()),
               gma::Stopped);
  EXPECT_EQ(calls, 5);
}

TEST(Lma, StopsWhenTheStartHookAsksTo) {
  const gma::Target target = gaussian3();
  std::vector<arma::uword> seen;
  EXPECT_THROW(gma::fit_lma(target, uniform_starts(3, 4, -2.0, 2.0, 5),
                            gma::LmaSettings(), gma::Logger(),
                            [&](arma::uword s, arma::uword total) {
                              seen.push_back(s);
                              EXPECT_EQ(total, 4u);
                              return s == 2;
                            }),
               gma::Stopped);
  EXPECT_EQ(seen, (std::vector<arma::uword>{1, 2}));
}

TEST(Lma, DropsAModeWhoseHessianStencilLeavesTheSupport) {
  // log p~ = x1 - x2^2 / 2 on x1 <= 0 peaks on the edge x1 = 0, where the
  // stencil's x1 + h is outside: no Hessian, so no mode at all.
  const gma::Target edge = gma_test::pointwise(2, [](const arma::vec& x) {
    return x[0] > 0.0 ? -arma::datum::inf : x[0] - 0.5 * x[1] * x[1];
  });
  Captured log;
  gma_test::expect_error([&] {
    gma::fit_lma(edge, arma::mat(arma::vec{-3.0, 1.0}), gma::LmaSettings(),
                 log.logger);
  }, gma::ErrorKind::target, "no mode has a Hessian");
  EXPECT_TRUE(log.contains("outside the support; start dropped"));
}
