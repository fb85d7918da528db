// Tests of EM-GMA: recovery of known mixtures, the ESS guard, the
// collapsed-component rule, the error paths and the stop hook.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "common.hpp"
#include "gma/em.hpp"
#include "gma/error.hpp"
#include "gma/log.hpp"

namespace {

constexpr double kPi = 3.14159265358979323846;

// The star: 5 equal-weight components, means 1.5 (cos a_j, sin a_j) with
// a_j = 2 pi j / 5, variance 1 along the radius and 0.01 across it.
constexpr double kStarRadius = 1.5, kAlong = 1.0, kAcross = 0.01;

double star_angle(int j) { return 2.0 * kPi * j / 5.0; }

// log p of the star at x, written out in each component's radial frame.
double star_log_density(const arma::vec& x) {
  arma::vec parts(5);
  for (int j = 0; j < 5; ++j) {
    const double c = std::cos(star_angle(j)), s = std::sin(star_angle(j));
    const double dx = x[0] - kStarRadius * c, dy = x[1] - kStarRadius * s;
    const double a = c * dx + s * dy, b = -s * dx + c * dy;
    parts[j] = std::log(0.2) - 0.5 * (a * a / kAlong + b * b / kAcross) -
               std::log(2.0 * kPi) - 0.5 * std::log(kAlong * kAcross);
  }
  const double top = parts.max();
  return top + std::log(arma::accu(arma::exp(parts - top)));
}

// The star's covariance: by the 5-fold symmetry the averages of u u' and
// v v' over the radial (u) and tangential (v) directions are I / 2, so
// Cov = (kAlong + kAcross) / 2 I + kStarRadius^2 / 2 I = 1.63 I.
constexpr double kStarVariance =
    0.5 * (kAlong + kAcross) + 0.5 * kStarRadius * kStarRadius;

// A mixture of n components at radius r, angles 2 pi j / n + offset,
// covariance v I.
gma::Mixture ring(arma::uword n, double r, double offset, double v) {
  arma::mat means(2, n);
  for (arma::uword j = 0; j < n; ++j) {
    const double a = 2.0 * kPi * j / n + offset;
    means(0, j) = r * std::cos(a);
    means(1, j) = r * std::sin(a);
  }
  arma::cube covs(2, 2, n);
  covs.each_slice() = v * arma::eye(2, 2);
  return gma::Mixture::full(means, covs);
}

// A silent logger, and one that keeps every message up to `level`.
gma::Logger silent() { return gma::Logger(); }

gma::Logger recording(std::vector<std::string>& messages,
                      gma::LogLevel level) {
  gma::Logger logger;
  logger.set_sink([&messages](gma::LogLevel, const std::string& m) {
    messages.push_back(m);
  }, level);
  return logger;
}

// Whether every parameter of the mixture is finite.
bool all_finite(const gma::Mixture& m) {
  return m.means().is_finite() && m.covariances().is_finite() &&
         m.weights().is_finite();
}

// The angle in degrees between two lines (directions up to sign).
double line_angle(const arma::vec& a, const arma::vec& b) {
  const double c = std::abs(arma::dot(a, b)) / (arma::norm(a) * arma::norm(b));
  return std::acos(std::min(1.0, c)) * 180.0 / kPi;
}

// A 2-D standard normal target.
gma::Target standard_normal_2d() {
  return gma::Target(2, [](const arma::mat& x, arma::vec& out) {
    out = -0.5 * arma::sum(arma::square(x), 0).t();
  });
}

}  // namespace

TEST(Em, RecoversTheFiveComponentStar) {
  // Five components on the unit circle, 0.4 rad off the true angles (each
  // closest to one true mode), covariance I; B = 8192, T = 80.
  const gma::Target target = gma_test::pointwise(2, star_log_density);
  gma::EmSettings settings;
  settings.iterations = 80;
  settings.bank_size = 8192;
  gma::Rng rng(20250925);
  const gma::EmReport rep = gma::fit_em(ring(5, 1.0, 0.4, 1.0), target,
                                        settings, rng, silent());
  const gma::Mixture& m = rep.mixture;
  ASSERT_TRUE(all_finite(m));
  EXPECT_EQ(rep.counts.evaluations, 80u * 8192u);

  // Match every true mode to its nearest fitted mean; the match must be
  // one to one.
  std::vector<int> used(5, 0);
  for (int j = 0; j < 5; ++j) {
    const arma::vec u = {std::cos(star_angle(j)), std::sin(star_angle(j))};
    const arma::vec truth = kStarRadius * u;
    arma::vec dist(5);
    for (arma::uword k = 0; k < 5; ++k)
      dist[k] = arma::norm(m.means().col(k) - truth);
    const arma::uword k = dist.index_min();
    ++used[k];

    // The tolerances are the brief's: weight 0.05, mean 0.15, direction
    // 10 degrees, variances 25%. At convergence the EM fixed point is the
    // truth; the remaining error is the Monte Carlo noise of the last bank
    // (about 1600 points per component: sd of a weight about 0.01, of a
    // radial mean coordinate about 0.025, of a variance about 4%).
    arma::vec l;
    arma::mat v;
    arma::eig_sym(l, v, m.covariances().slice(k));
    const double angle = line_angle(v.col(1), u);
    std::printf("  mode %d: component %llu, weight %.4f, mean (%.4f, %.4f) "
                "at distance %.4f, principal axis %.2f deg off radial, "
                "variances %.4f (1) and %.5f (0.01)\n",
                j, static_cast<unsigned long long>(k), m.weights()[k],
                m.means()(0, k), m.means()(1, k), dist[k], angle, l[1],
                l[0]);
    EXPECT_NEAR(m.weights()[k], 0.2, 0.05) << "mode " << j;
    EXPECT_LT(dist[k], 0.15) << "mode " << j;
    EXPECT_LT(angle, 10.0) << "mode " << j;
    EXPECT_NEAR(l[1], kAlong, 0.25 * kAlong) << "mode " << j;
    EXPECT_NEAR(l[0], kAcross, 0.25 * kAcross) << "mode " << j;
  }
  for (int k = 0; k < 5; ++k) EXPECT_EQ(used[k], 1) << "component " << k;

  // Draws from the fitted mixture: mean 0, covariance 1.63 I. The 10^5
  // draws add little (sd 0.004 for a mean coordinate, 0.007 for a
  // covariance entry); the fit's noise dominates: a weight sd of 0.01 at
  // radius 1.5 moves a mean coordinate by about 0.015 and a variance by
  // 0.01 (1 + 2.25) = 0.03 per mode, and a radial mean sd of 0.025 adds
  // 0.2 * 2 * 1.5 * 0.025 = 0.015. Over the five modes that is an sd of
  // about 0.02 for the mean and 0.04 for the covariance; the tolerances,
  // 0.08 and 0.15 (9% of 1.63), are about four of those.
  gma::Rng draw_rng(7);
  const arma::mat draws = m.sample(100000, draw_rng);
  const arma::vec mean = arma::mean(draws, 1);
  const arma::mat cov = arma::cov(draws.t());
  std::printf("  draws: mean (%.4f, %.4f), covariance [[%.4f, %.4f], "
              "[%.4f, %.4f]] (1.63 I); min ESS %.1f, last ESS %.1f of "
              "8192, %llu degenerate iterations\n",
              mean[0], mean[1], cov(0, 0), cov(0, 1), cov(1, 0), cov(1, 1),
              rep.min_ess, rep.last_ess,
              static_cast<unsigned long long>(rep.degenerate_iterations));
  EXPECT_LT(arma::abs(mean).max(), 0.08);
  EXPECT_LT(arma::abs(cov - kStarVariance * arma::eye(2, 2)).max(), 0.15);
}

TEST(Em, RecoversACorrelatedGaussianWithOneComponent) {
  // Target N(mu, Sigma) in 3-D, unit variances, all correlations 0.9
  // (eigenvalues 2.8, 0.1, 0.1); start N(0, 4 I); B = 16384, T = 10.
  const arma::vec mu = {1.0, -2.0, 0.5};
  const arma::mat sigma = 0.1 * arma::eye(3, 3) + 0.9 * arma::ones(3, 3);
  const arma::mat prec = arma::inv_sympd(sigma);
  const gma::Target target(3, [&](const arma::mat& x, arma::vec& out) {
    const arma::mat c = x.each_col() - mu;
    out = -0.5 * arma::sum(c % (prec * c), 0).t();
  });
  gma::EmSettings settings;
  settings.iterations = 10;
  settings.bank_size = 16384;
  arma::cube start_cov(3, 3, 1);
  start_cov.slice(0) = 4.0 * arma::eye(3, 3);
  gma::Rng rng(11);
  const gma::EmReport rep =
      gma::fit_em(gma::Mixture::full(arma::zeros(3, 1), start_cov), target,
                  settings, rng, silent());

  // Once q is close to p the weights are nearly equal (ESS near B), and
  // the estimates carry the plain Monte Carlo error of 16384 draws: sd
  // 0.008 for a mean coordinate and, after whitening by Sigma, 0.011 for
  // a diagonal and 0.008 for an off-diagonal covariance entry. The
  // tolerances are about five of those.
  const arma::vec mean = rep.mixture.means().col(0);
  const arma::mat cov = rep.mixture.covariances().slice(0);
  const arma::mat l = arma::chol(sigma, "lower");
  const arma::mat white =
      arma::solve(arma::trimatl(l), arma::solve(arma::trimatl(l), cov).t());
  std::printf("  mean error %.4f, whitened covariance error %.4f, last ESS "
              "%.1f of 16384\n", arma::abs(mean - mu).max(),
              arma::abs(white - arma::eye(3, 3)).max(), rep.last_ess);
  EXPECT_LT(arma::abs(mean - mu).max(), 0.04);
  EXPECT_LT(arma::abs(white - arma::eye(3, 3)).max(), 0.06);
  EXPECT_GT(rep.last_ess, 0.95 * 16384);
  // Only the first bank, from the wide start, may have its ESS below 5%.
  std::printf("  ESS of the first three iterations %.1f, %.1f, %.1f\n",
              rep.ess[0], rep.ess[1], rep.ess[2]);
  EXPECT_LE(rep.degenerate_iterations, 1u);
}

TEST(Em, ResultDoesNotDependOnTheThreadCount) {
  // The target's values do not depend on threads, so neither does the fit.
  const gma::Target target = standard_normal_2d();
  gma::EmSettings settings;
  settings.iterations = 5;
  settings.bank_size = 1000;
  settings.batch_size = 128;
  gma::Rng rng1(3), rng2(3);
  const gma::EmReport one =
      gma::fit_em(ring(3, 1.0, 0.0, 1.0), target, settings, rng1, silent());
  settings.threads = 3;
  const gma::EmReport three =
      gma::fit_em(ring(3, 1.0, 0.0, 1.0), target, settings, rng2, silent());
  EXPECT_TRUE(arma::approx_equal(one.mixture.means(), three.mixture.means(),
                                 "absdiff", 0.0));
  EXPECT_TRUE(arma::approx_equal(one.mixture.weights(),
                                 three.mixture.weights(), "absdiff", 0.0));
}

TEST(Em, DegenerateWeightsAreAnnouncedCountedAndTempered) {
  // N(0, I) target, one component N((30, -30), I): log p~ changes by about
  // 42 per unit across the bank, so the raw ESS is a handful of points.
  std::vector<std::string> messages;
  const gma::Logger logger = recording(messages, gma::LogLevel::warning);
  arma::cube cov(2, 2, 1);
  cov.slice(0) = arma::eye(2, 2);
  const arma::mat far = arma::vec{30.0, -30.0};
  gma::EmSettings settings;  // T = 60, B = 4096, ESS_min = 204.8
  gma::Rng rng(5);
  const gma::EmReport rep =
      gma::fit_em(gma::Mixture::full(far, cov), standard_normal_2d(),
                  settings, rng, logger);

  // Warned, counted, and nothing is NaN.
  ASSERT_FALSE(messages.empty());
  std::printf("  %s\n  %llu degenerate iterations, min ESS %.2f\n",
              messages.front().c_str(),
              static_cast<unsigned long long>(rep.degenerate_iterations),
              rep.min_ess);
  EXPECT_EQ(messages.front().rfind("[gma:em] iteration 1: importance "
                                   "weights degenerate (ESS ", 0),
            0u) << messages.front();
  EXPECT_NE(messages.front().find("widen the initial covariances"),
            std::string::npos);
  EXPECT_GT(rep.degenerate_iterations, 0u);
  EXPECT_EQ(messages.size(), rep.degenerate_iterations);
  EXPECT_LT(rep.min_ess, 204.8);
  EXPECT_TRUE(all_finite(rep.mixture));
  EXPECT_TRUE(rep.ess.is_finite());

  // Each tempered update moves q part of the way towards the target and
  // keeps its spread, so 60 iterations cross the distance 42 and then
  // converge: the last ones are not degenerate, the mean is near 0 (sd of
  // a coordinate 1/64 at the end; tolerance 0.1) and the covariance near
  // I (sd of a variance sqrt(2 / 4096) = 0.022; tolerance 0.2).
  EXPECT_GE(rep.last_ess, 204.8);
  EXPECT_LT(arma::abs(rep.mixture.means()).max(), 0.1);
  const arma::vec l = arma::eig_sym(rep.mixture.covariances().slice(0));
  EXPECT_GT(l.min(), 0.8);
  EXPECT_LT(l.max(), 1.2);
}

TEST(Em, ComponentWithNoWeightKeepsItsParametersAndAFlooredWeight) {
  // Component 1 sits at (100, 100): its bank points have weight e^-10000,
  // so it collapses, keeping its mean and covariance, weight 1e-8.
  const arma::mat means = {{0.5, 100.0}, {-0.5, 100.0}};
  arma::cube covs(2, 2, 2);
  covs.each_slice() = 2.0 * arma::eye(2, 2);
  gma::EmSettings settings;
  settings.iterations = 10;
  gma::Rng rng(9);
  const gma::EmReport rep =
      gma::fit_em(gma::Mixture::full(means, covs), standard_normal_2d(),
                  settings, rng, silent());
  const gma::Mixture& m = rep.mixture;
  ASSERT_TRUE(all_finite(m));
  EXPECT_TRUE(arma::approx_equal(m.means().col(1), means.col(1), "absdiff",
                                 0.0));
  EXPECT_LT(arma::abs(m.covariances().slice(1) - covs.slice(1)).max(),
            1e-12);
  EXPECT_NEAR(m.weights()[1], 1e-8, 1e-12);
  EXPECT_LT(arma::abs(m.means().col(0)).max(), 0.1);
}

TEST(Em, PointsOutsideTheSupportGetNoWeightAndNaNValuesAreCounted) {
  // N(0, I) cut to the half-plane x > 0, NaN elsewhere. One component fits
  // the cut normal's moments: mean (sqrt(2 / pi), 0) = (0.798, 0) and
  // variances 1 - 2 / pi = 0.363 and 1. The last bank (8000 points, ESS
  // about 6000) would give an sd near 0.01, but the weights are heavy
  // tailed (the cut normal's tail in x is wider than the fitted
  // Gaussian's): over seeds 1-12 the x variance ranged over 0.33-0.38 and
  // the means within 0.03 of the truth. The tolerances are 0.1.
  std::vector<std::string> messages;
  const gma::Logger logger = recording(messages, gma::LogLevel::warning);
  const gma::Target half(2, [](const arma::mat& x, arma::vec& out) {
    for (arma::uword j = 0; j < x.n_cols; ++j)
      out[j] = x(0, j) > 0 ? -0.5 * arma::dot(x.col(j), x.col(j))
                           : arma::datum::nan;
  });
  gma::EmSettings settings;
  settings.iterations = 15;
  settings.bank_size = 8000;
  gma::Rng rng(4);
  const gma::EmReport rep = gma::fit_em(ring(1, 0.0, 0.0, 1.0), half,
                                        settings, rng, logger);
  ASSERT_TRUE(all_finite(rep.mixture));
  EXPECT_GT(rep.counts.invalid, 0u);
  EXPECT_EQ(rep.counts.outside, rep.counts.invalid);
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages.back().find("values were NaN or +Inf"),
            std::string::npos) << messages.back();
  const arma::vec mean = rep.mixture.means().col(0);
  const arma::mat cov = rep.mixture.covariances().slice(0);
  std::printf("  %llu of %llu values NaN; mean (%.4f, %.4f), variances "
              "%.4f, %.4f; last ESS %.1f\n",
              static_cast<unsigned long long>(rep.counts.invalid),
              static_cast<unsigned long long>(rep.counts.evaluations),
              mean[0], mean[1], cov(0, 0), cov(1, 1), rep.last_ess);
  EXPECT_NEAR(mean[0], std::sqrt(2.0 / kPi), 0.1);
  EXPECT_NEAR(mean[1], 0.0, 0.1);
  EXPECT_NEAR(cov(0, 0), 1.0 - 2.0 / kPi, 0.1);
  EXPECT_NEAR(cov(1, 1), 1.0, 0.1);
}

TEST(Em, TargetOutsideItsSupportEverywhereIsATargetError) {
  const gma::Target nowhere(2, [](const arma::mat&, arma::vec& out) {
    out.fill(-arma::datum::inf);
  });
  gma::Rng rng(1);
  gma_test::expect_error(
      [&] {
        gma::fit_em(ring(2, 1.0, 0.0, 1.0), nowhere, gma::EmSettings(), rng,
                    silent());
      },
      gma::ErrorKind::target, "iteration 1: no point of the bank");
}

TEST(Em, BadSettingsNameTheSettingAndItsValue) {
  const gma::Target target = standard_normal_2d();
  const gma::Mixture start = ring(2, 1.0, 0.0, 1.0);
  auto run = [&](gma::EmSettings s) {
    gma::Rng rng(1);
    gma::fit_em(start, target, s, rng, silent());
  };
  gma::EmSettings s;
  s.iterations = 0;
  gma_test::expect_error([&] { run(s); }, gma::ErrorKind::argument, "iterations (0)");
  s = gma::EmSettings();
  s.bank_size = 1;
  gma_test::expect_error([&] { run(s); }, gma::ErrorKind::argument, "bank_size (1)");
  s = gma::EmSettings();
  s.ridge = -1e-3;
  gma_test::expect_error([&] { run(s); }, gma::ErrorKind::argument, "ridge (-0.001)");
  s = gma::EmSettings();
  s.max_condition = 0.5;
  gma_test::expect_error([&] { run(s); }, gma::ErrorKind::argument,
               "max_condition (0.5)");
  s = gma::EmSettings();
  s.min_ess_fraction = 2.0;
  gma_test::expect_error([&] { run(s); }, gma::ErrorKind::argument,
               "min_ess_fraction (2)");
}

TEST(Em, StartOfTheWrongDimensionIsAnArgumentError) {
  const gma::Mixture start = gma::Mixture::isotropic(arma::zeros(3, 2), 1.0);
  gma::Rng rng(1);
  gma_test::expect_error(
      [&] {
        gma::fit_em(start, standard_normal_2d(), gma::EmSettings(), rng,
                    silent());
      },
      gma::ErrorKind::argument, "dimension 3, the target 2");
}

TEST(Em, StopHookSeesEveryIterationAndStopsTheFit) {
  std::vector<arma::uword> seen;
  gma::EmSettings settings;
  settings.iterations = 10;
  settings.bank_size = 200;
  gma::Rng rng(2);
  EXPECT_THROW(gma::fit_em(ring(2, 1.0, 0.0, 1.0), standard_normal_2d(),
                           settings, rng, silent(),
                           [&](arma::uword t, arma::uword total) {
                             EXPECT_EQ(total, 10u);
                             seen.push_back(t);
                             return t == 3;
                           }),
               gma::Stopped);
  EXPECT_EQ(seen, (std::vector<arma::uword>{1, 2, 3}));
}
