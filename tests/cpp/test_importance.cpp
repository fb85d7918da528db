// Tests of the importance-sampling check of a mixture and its resampling.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "common.hpp"
#include "gma/error.hpp"
#include "gma/importance.hpp"

namespace {

// p~(x) = Z N(x; mu, diag(sd^2)), evaluated column by column.
gma::Target scaled_gaussian(const arma::vec& mu, const arma::vec& sd,
                            double log_z) {
  return gma::Target(mu.n_elem, [mu, sd, log_z](const arma::mat& x,
                                                arma::vec& out) {
    for (arma::uword j = 0; j < x.n_cols; ++j) {
      double v = log_z;
      for (arma::uword i = 0; i < mu.n_elem; ++i)
        v += gma_test::log_normal(x(i, j), mu[i], sd[i]);
      out[j] = v;
    }
  });
}

// A wide mixture on the line: 5 components 1.5 apart, sd 1.2 each.
gma::Mixture wide_mixture_1d() {
  const arma::mat means = {{-2.0, -0.5, 1.0, 2.5, 4.0}};
  return gma::Mixture::isotropic(means, 1.44);
}

// A wide 2-D mixture: a 3 x 3 grid of components 1.5 apart, sd 1.2 each.
gma::Mixture wide_mixture_2d() {
  arma::mat means(2, 9);
  for (arma::uword a = 0; a < 3; ++a)
    for (arma::uword b = 0; b < 3; ++b) {
      means(0, 3 * a + b) = -1.5 + 1.5 * a;
      means(1, 3 * a + b) = -0.5 + 1.5 * b;
    }
  return gma::Mixture::isotropic(means, 1.44);
}

}  // namespace

TEST(Importance, AWideMixtureGivesTheEvidenceWithinFiveStandardErrors) {
  // Target Z N(1, 0.8^2), log Z = 1.7; q's tails are wider than the
  // target's, so the ratios are bounded and the se is valid.
  const gma::Target target = scaled_gaussian({1.0}, {0.8}, 1.7);
  for (int seed = 1; seed <= 5; ++seed) {
    gma::Rng rng(seed);
    const gma::ImportanceCheck c =
        gma::check_importance(wide_mixture_1d(), target, 4000, rng, 512, 1);
    EXPECT_GT(c.log_evidence_se, 0.0);
    EXPECT_LT(c.log_evidence_se, 0.05);
    EXPECT_NEAR(c.log_evidence, 1.7, 5 * c.log_evidence_se)
        << "seed " << seed;
  }
}

TEST(Importance, AWideMixtureGivesASmallKHatAndALargeEss) {
  // Bounded ratios: k-hat well below 0.5 (in fact below 0), and the ESS
  // a sizeable share of the draws.
  gma::Rng rng(2);
  const gma::ImportanceCheck c = gma::check_importance(
      wide_mixture_1d(), scaled_gaussian({1.0}, {0.8}, 1.7), 4000, rng, 512,
      1);
  EXPECT_LT(c.psis.pareto_k, 0.5);
  EXPECT_LT(c.psis.pareto_k, gma::pareto_k_threshold(4000));
  EXPECT_EQ(c.psis.tail_length, 190u);
  EXPECT_GT(c.ess, 1000.0);
  EXPECT_LE(c.ess, 4000.0);
}

TEST(Importance, TheCheckRecordsDrawsRatiosAndCounts) {
  const gma::Target target = scaled_gaussian({1.0}, {0.8}, 1.7);
  const gma::Mixture q = wide_mixture_1d();
  gma::Rng rng(3);
  const gma::ImportanceCheck c =
      gma::check_importance(q, target, 1000, rng, 100, 1);
  ASSERT_EQ(c.draws.n_rows, 1u);
  ASSERT_EQ(c.draws.n_cols, 1000u);
  EXPECT_EQ(c.counts.evaluations, 1000u);
  EXPECT_EQ(c.counts.invalid, 0u);
  EXPECT_EQ(c.counts.outside, 0u);

  // The ratios are log p~ - log q at the draws.
  gma::EvalCounts counts;
  const arma::vec expected =
      target.evaluate(c.draws, 1000, 1, counts) - q.log_density(c.draws);
  EXPECT_TRUE(arma::approx_equal(c.log_ratios, expected, "absdiff", 1e-12));
}

TEST(Importance, ResampledDrawsHaveTheTargetsMeanAndSd) {
  // Target Z N((1, -0.5), diag(0.8^2, 0.5^2)). With n_eff = min(ess, m),
  // the resampled mean errs by about sd / sqrt(n_eff) and the sample sd by
  // about sd / sqrt(2 n_eff) (systematic resampling adds little). Allow 5;
  // over 100 seeds the worst were 2.5 and 3.0.
  const arma::vec mu = {1.0, -0.5};
  const arma::vec sd = {0.8, 0.5};
  gma::Rng rng(4);
  const gma::ImportanceCheck c = gma::check_importance(
      wide_mixture_2d(), scaled_gaussian(mu, sd, -0.3), 20000, rng, 4096, 2);
  EXPECT_LT(c.psis.pareto_k, 0.5);
  EXPECT_NEAR(c.log_evidence, -0.3, 5 * c.log_evidence_se);

  const arma::mat x = gma::resample_importance(c, 5000, rng);
  ASSERT_EQ(x.n_rows, 2u);
  ASSERT_EQ(x.n_cols, 5000u);
  const double n_eff = std::min(c.ess, 5000.0);
  const arma::vec mean = arma::mean(x, 1);
  const arma::vec sample_sd = arma::stddev(x, 0, 1);
  for (arma::uword i = 0; i < 2; ++i) {
    EXPECT_NEAR(mean[i], mu[i], 5 * sd[i] / std::sqrt(n_eff))
        << "dimension " << i;
    EXPECT_NEAR(sample_sd[i], sd[i], 5 * sd[i] / std::sqrt(2 * n_eff))
        << "dimension " << i;
  }
}

TEST(Importance, ResamplingCountsAreWithinOneOfTheirExpectation) {
  // Systematic resampling: draw s is taken m w_s times, up to one.
  gma::Rng rng(5);
  const gma::ImportanceCheck c = gma::check_importance(
      wide_mixture_1d(), scaled_gaussian({1.0}, {0.8}, 0.0), 500, rng, 500,
      1);
  const arma::uword m = 3000;
  const arma::mat x = gma::resample_importance(c, m, rng);
  arma::vec w = arma::exp(c.psis.log_weights - c.psis.log_weights.max());
  w /= arma::accu(w);
  for (arma::uword s = 0; s < c.draws.n_cols; ++s) {
    const double count = arma::accu(x.row(0) == c.draws(0, s));
    EXPECT_LT(std::abs(count - m * w[s]), 1.0 + 1e-9) << "draw " << s;
  }
}

TEST(Importance, AMixtureMuchNarrowerThanTheTargetGivesKHatAbove07) {
  // q = N(0, I_5 / 16) against p~ = N(0, I_5): the ratio tail has k = 1 -
  // 1/16 = 0.94 in the limit and more before it; over 100 seeds of 10000
  // draws k-hat ranged from 0.81 to 1.48 (sd about 0.12).
  const arma::vec mu(5, arma::fill::zeros);
  const arma::vec sd(5, arma::fill::ones);
  const gma::Mixture q =
      gma::Mixture::isotropic(arma::zeros(5, 1), 1.0 / 16.0);
  gma::Rng rng(6);
  const gma::ImportanceCheck c = gma::check_importance(
      q, scaled_gaussian(mu, sd, 0.0), 10000, rng, 4096, 1);
  EXPECT_GT(c.psis.pareto_k, 0.7);
  EXPECT_GT(c.psis.pareto_k, gma::pareto_k_threshold(10000));
}

TEST(Importance, ThreadsDoNotChangeTheCheck) {
  const gma::Target target = scaled_gaussian({1.0}, {0.8}, 1.7);
  gma::Rng rng1(7), rng4(7);
  const gma::ImportanceCheck a =
      gma::check_importance(wide_mixture_1d(), target, 2000, rng1, 100, 1);
  const gma::ImportanceCheck b =
      gma::check_importance(wide_mixture_1d(), target, 2000, rng4, 100, 4);
  EXPECT_TRUE(arma::approx_equal(a.psis.log_weights, b.psis.log_weights,
                                 "absdiff", 0.0));
  EXPECT_EQ(a.psis.pareto_k, b.psis.pareto_k);
  EXPECT_EQ(a.log_evidence, b.log_evidence);
}

TEST(Importance, PointsOutsideTheSupportHaveZeroWeight) {
  // The half-normal p~(x) = 2 N(x; 0, 1) on x > 0 (Z = 1), q wider.
  const gma::Target target(1, [](const arma::mat& x, arma::vec& out) {
    for (arma::uword j = 0; j < x.n_cols; ++j)
      out[j] = x(0, j) > 0.0
                   ? std::log(2.0) + gma_test::log_normal(x(0, j), 0.0, 1.0)
                   : -std::numeric_limits<double>::infinity();
  });
  const gma::Mixture q = gma::Mixture::isotropic(arma::zeros(1, 1), 2.25);
  gma::Rng rng(8);
  const gma::ImportanceCheck c = gma::check_importance(q, target, 4000, rng,
                                                       1000, 1);
  EXPECT_GT(c.counts.outside, 1800u);
  EXPECT_LT(c.counts.outside, 2200u);
  EXPECT_NEAR(c.log_evidence, 0.0, 5 * c.log_evidence_se);
  const arma::mat x = gma::resample_importance(c, 2000, rng);
  EXPECT_GT(x.min(), 0.0);
}

TEST(Importance, ATargetOutsideItsSupportAtEveryDrawIsATargetError) {
  const gma::Target nowhere(1, [](const arma::mat& x, arma::vec& out) {
    out.set_size(x.n_cols);
    out.fill(-std::numeric_limits<double>::infinity());
  });
  gma::Rng rng(9);
  gma_test::expect_error(
      [&] { gma::check_importance(wide_mixture_1d(), nowhere, 100, rng, 50,
                                  1); },
      gma::ErrorKind::target,
      "gma::check_importance(): no draw has a finite log density (100 "
      "draws, 0 NaN or +Inf)");

  // NaN everywhere counts as invalid, then outside: the same error.
  const gma::Target nan_target(1, [](const arma::mat& x, arma::vec& out) {
    out.set_size(x.n_cols);
    out.fill(std::nan(""));
  });
  gma_test::expect_error(
      [&] { gma::check_importance(wide_mixture_1d(), nan_target, 100, rng,
                                  50, 1); },
      gma::ErrorKind::target, "(100 draws, 100 NaN or +Inf)");
}

TEST(Importance, BadSettingsAreArgumentErrors) {
  using gma::ErrorKind;
  const gma::Target target = scaled_gaussian({0.0, 0.0}, {1.0, 1.0}, 0.0);
  gma::Rng rng(10);
  gma_test::expect_error(
      [&] { gma::check_importance(wide_mixture_1d(), target, 100, rng, 50,
                                  1); },
      ErrorKind::argument, "the mixture has dimension 1, the target 2");
  gma_test::expect_error(
      [&] { gma::check_importance(wide_mixture_2d(), target, 1, rng, 50,
                                  1); },
      ErrorKind::argument, "need n >= 2 draws (1)");
  gma_test::expect_error(
      [&] { gma::check_importance(wide_mixture_2d(), target, 10, rng, 0,
                                  1); },
      ErrorKind::argument, "batch_size (0)");

  const gma::ImportanceCheck c =
      gma::check_importance(wide_mixture_2d(), target, 100, rng, 50, 1);
  gma_test::expect_error([&] { gma::resample_importance(c, 0, rng); },
               ErrorKind::argument,
               "gma::resample_importance(): need m >= 1 draws (0)");
  gma_test::expect_error(
      [&] { gma::resample_importance(gma::ImportanceCheck(), 10, rng); },
      ErrorKind::argument, "the check holds 0 draws and 0 weights");
}

TEST(Importance, AStopRequestBetweenRoundsStopsTheCheck) {
  const gma::Target target = scaled_gaussian({1.0}, {0.8}, 0.0);
  gma::Rng rng(11);
  arma::uword calls = 0;
  const gma::RoundFn stop_after_two = [&calls](arma::uword, arma::uword) {
    return ++calls == 2;
  };
  EXPECT_THROW(gma::check_importance(wide_mixture_1d(), target, 1000, rng,
                                     100, 1, stop_after_two),
               gma::Stopped);
  EXPECT_EQ(calls, 2u);
}

TEST(Importance, MomentGapShowsAMixtureTwiceAsWideAsTheTarget) {
  // q = N(0, 2^2) in each of 2 coordinates, p = N(0, 1): k-hat is small
  // (the ratios are bounded) but the sd ratio is 2, log 2 = 0.69 against
  // a limit near log 1.25 + log(1 + sqrt(2 / ESS)) + 3 / sqrt(2 ESS) =
  // 0.36 at ESS ~ 600; the weighted sd has a relative se near
  // 1 / sqrt(2 ESS) = 0.03, so 0.69 is 10 se beyond the limit. The means
  // agree (shift under the limit).
  gma::Rng rng(21);
  const gma::Mixture q =
      gma::Mixture::isotropic(arma::mat(2, 1, arma::fill::zeros), 4.0);
  const gma::ImportanceCheck c = gma::check_importance(
      q, scaled_gaussian({0, 0}, {1, 1}, 0.0), 2000, rng, 4096, 1);
  const gma::MomentGap g = gma::moment_gap(c, q);
  EXPECT_LT(c.psis.pareto_k, 0.5);
  EXPECT_NEAR(g.scale_gap, std::log(2.0), 0.15);
  EXPECT_GT(g.scale_gap, g.scale_limit);
  EXPECT_LT(g.mean_shift, g.mean_limit);
}

TEST(Importance, MomentGapIsSmallWhenTheMixtureIsTheTarget) {
  // q = p = N((1, -1), diag(1, 4)): ESS ~ 2000, limits 0.29 and 0.30;
  // the gaps are sampling noise, some 0.03 (se) each.
  gma::Rng rng(22);
  const gma::Mixture q = gma::Mixture::diagonal(
      arma::mat(arma::vec{1.0, -1.0}), arma::mat(arma::vec{1.0, 4.0}));
  const gma::ImportanceCheck c = gma::check_importance(
      q, scaled_gaussian({1, -1}, {1, 2}, 0.5), 2000, rng, 4096, 1);
  const gma::MomentGap g = gma::moment_gap(c, q);
  EXPECT_LT(g.mean_shift, 0.15);
  EXPECT_LT(g.scale_gap, 0.15);
  EXPECT_LT(g.mean_shift, g.mean_limit);
  EXPECT_LT(g.scale_gap, g.scale_limit);
}

TEST(Importance, MomentGapSeesAWrongCorrelationWithRightMarginals) {
  // p: unit sds, correlation 0.9; q: unit sds, correlation 0. Every
  // marginal sd agrees, but along (1, -1) p's sd is sqrt(0.1) and q's 1:
  // a scale gap of log(1 / sqrt(0.1)) = 1.15, far above the limit.
  gma::Rng rng(23);
  const arma::mat cov_p = {{1.0, 0.9}, {0.9, 1.0}};
  const arma::mat prec = arma::inv_sympd(cov_p);
  const gma::Target p(2, [prec](const arma::mat& x, arma::vec& out) {
    out = -0.5 * arma::sum(x % (prec * x), 0).t();
  });
  const gma::Mixture q =
      gma::Mixture::isotropic(arma::mat(2, 1, arma::fill::zeros), 1.0);
  const gma::ImportanceCheck c =
      gma::check_importance(q, p, 4000, rng, 4096, 1);
  const gma::MomentGap g = gma::moment_gap(c, q);
  EXPECT_NEAR(g.scale_gap, 0.5 * std::log(10.0), 0.2);
  EXPECT_GT(g.scale_gap, g.scale_limit);
}

TEST(Importance, MomentGapIsNaNWithTooFewEffectiveDraws) {
  // A q of sd 10 for a p of sd 0.02: every weight on a draw or two.
  gma::Rng rng(24);
  const gma::Mixture q =
      gma::Mixture::isotropic(arma::mat(2, 1, arma::fill::zeros), 100.0);
  const gma::ImportanceCheck c = gma::check_importance(
      q, scaled_gaussian({0, 0}, {0.02, 0.02}, 0.0), 200, rng, 4096, 1);
  ASSERT_LT(c.ess, 3.0);
  EXPECT_TRUE(std::isnan(gma::moment_gap(c, q).scale_gap));
}
