// Tests of Pareto-smoothed importance sampling, the ESS and the evidence.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "common.hpp"
#include "gma/error.hpp"
#include "gma/psis.hpp"
#include "gma/rng.hpp"

namespace {

const double kInf = std::numeric_limits<double>::infinity();

// n draws from a GPD with shape k > 0 and scale sigma, by inverse CDF.
arma::vec gpd_draws(double k, double sigma, arma::uword n, gma::Rng& rng) {
  arma::vec x(n);
  for (double& v : x)
    v = sigma * std::expm1(-k * std::log1p(-rng.uniform())) / k;
  return x;
}

// Log ratios of n draws from q = N(0, I_d) against p = N(0, s^2 I_d),
// both normalised.
arma::vec gaussian_ratios(arma::uword d, double s, arma::uword n,
                          gma::Rng& rng) {
  arma::vec r(n);
  for (double& v : r) {
    double q2 = 0.0;
    for (arma::uword j = 0; j < d; ++j) {
      const double x = rng.normal();
      q2 += x * x;
    }
    v = 0.5 * q2 * (1.0 - 1.0 / (s * s)) - d * std::log(s);
  }
  return r;
}

// The mean k-hat of pareto_smooth over seeds 1..seeds of gen(rng).
template <typename Gen>
double mean_k_hat(int seeds, Gen gen) {
  double sum = 0.0;
  for (int seed = 1; seed <= seeds; ++seed) {
    gma::Rng rng(seed);
    sum += gma::pareto_smooth(gen(rng)).pareto_k;
  }
  return sum / seeds;
}

}  // namespace

TEST(Psis, TheTailLengthFollowsThePapersRule) {
  // ceil(min(0.2 n, 3 sqrt(n))): 0.2 n below n = 225, 3 sqrt(n) above.
  EXPECT_EQ(gma::pareto_tail_length(10), 2u);
  EXPECT_EQ(gma::pareto_tail_length(100), 20u);
  EXPECT_EQ(gma::pareto_tail_length(225), 45u);
  EXPECT_EQ(gma::pareto_tail_length(4000), 190u);  // 189.74 rounded up
}

TEST(Psis, TheKThresholdDependsOnTheSampleSizeUpTo07) {
  EXPECT_DOUBLE_EQ(gma::pareto_k_threshold(100), 0.5);
  EXPECT_DOUBLE_EQ(gma::pareto_k_threshold(1000), 1.0 - 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(gma::pareto_k_threshold(10000000), 0.7);
  EXPECT_LE(gma::pareto_k_threshold(10), 0.0);
}

TEST(Psis, TheGpdFitRecoversShapeAndScaleFromManyExceedances) {
  // 10000 exceedances of k = 0.5, sigma = 2. The asymptotic sds of the
  // estimates are (1 + k)/sqrt(m) = 0.015 and sigma sqrt(2 (1 + k) / m) =
  // 0.035; the prior moves k by 10 / 10010 * (0.5 - k) = 0. Allow 4 sd.
  gma::Rng rng(11);
  const arma::vec x = arma::sort(gpd_draws(0.5, 2.0, 10000, rng));
  const gma::GpdFit fit = gma::fit_generalized_pareto(x);
  EXPECT_NEAR(fit.k, 0.5, 4 * 0.015);
  EXPECT_NEAR(fit.sigma, 2.0, 4 * 0.035);
}

TEST(Psis, KHatOfGeneralizedParetoRatiosMatchesTheirShape) {
  // r = log x, x ~ GPD(k, 1), 4000 draws: the M = 190 largest exceed the
  // threshold by a GPD of the same k. The estimate's sd is about
  // (1 + k)/sqrt(M); its mean over 20 seeds has sd (1 + k)/sqrt(20 M).
  // The prior draws it to (M k + 5)/(M + 10). Allow 4 sd of the mean.
  const double m = 190.0;
  const int seeds = 20;
  for (double k : {0.3, 0.7, 1.2}) {
    const double k_hat = mean_k_hat(seeds, [k](gma::Rng& rng) {
      return arma::vec(arma::log(gpd_draws(k, 1.0, 4000, rng)));
    });
    const double shrunk = (m * k + 5.0) / (m + 10.0);
    const double sd_mean = (1.0 + k) / std::sqrt(seeds * m);
    EXPECT_NEAR(k_hat, shrunk, 4 * sd_mean) << "k = " << k;
  }
}

TEST(Psis, KHatOfOneGpdSampleIsWithinFourSdOfItsShape) {
  // One seed, k = 0.7: sd (1 + k)/sqrt(190) = 0.12, plus the prior's 0.01.
  gma::Rng rng(5);
  const arma::vec r = arma::log(gpd_draws(0.7, 1.0, 4000, rng));
  const gma::Psis psis = gma::pareto_smooth(r);
  EXPECT_EQ(psis.tail_length, 190u);
  EXPECT_NEAR(psis.pareto_k, 0.7, 4 * 1.7 / std::sqrt(190.0) + 0.01);
}

TEST(Psis, AProposalWiderThanTheTargetGivesANegativeKHat) {
  // q = N(0, 1), p = N(0, 0.8^2): the ratios are bounded (k <= 0).
  for (int seed = 1; seed <= 10; ++seed) {
    gma::Rng rng(seed);
    EXPECT_LT(gma::pareto_smooth(gaussian_ratios(1, 0.8, 4000, rng))
                  .pareto_k, 0.0) << "seed " << seed;
  }
}

TEST(Psis, ATargetSlightlyWiderThanTheProposalGivesKHatBelowHalf) {
  // q = N(0, 1), p = N(0, 1.1^2): w = p/q has finite variance (s <
  // sqrt(2)); P(w > t) ~ t^(-1/k) with k = 1 - 1/s^2 = 0.17. With 4000
  // draws k-hat has sd about 1.17/sqrt(190) = 0.085: 0.5 is 3.7 sd away.
  for (int seed = 1; seed <= 10; ++seed) {
    gma::Rng rng(seed);
    EXPECT_LT(gma::pareto_smooth(gaussian_ratios(1, 1.1, 4000, rng))
                  .pareto_k, 0.5) << "seed " << seed;
  }
}

TEST(Psis, AProposalMuchNarrowerThanTheTargetGivesKHatAbove07) {
  // q = N(0, I_5), p = N(0, 9 I_5): k = 1 - 1/9 = 0.89 in the limit, and
  // more before it (the chi-square tail); one k-hat has sd about 0.15, the
  // mean over 10 seeds 0.05, so 0.7 is far below.
  const double k_hat = mean_k_hat(10, [](gma::Rng& rng) {
    return gaussian_ratios(5, 3.0, 4000, rng);
  });
  EXPECT_GT(k_hat, 0.7);
}

TEST(Psis, SmoothingNeverRaisesTheLargestWeightAndKeepsTheOrder) {
  gma::Rng rng(7);
  const arma::vec r = gaussian_ratios(2, 3.0, 4000, rng);
  const gma::Psis psis = gma::pareto_smooth(r);
  ASSERT_TRUE(std::isfinite(psis.pareto_k));
  EXPECT_LE(psis.log_weights.max(), r.max());

  // Sorted by the raw ratios, the smoothed weights do not decrease.
  const arma::vec sorted = psis.log_weights.elem(arma::sort_index(r));
  for (arma::uword s = 1; s < sorted.n_elem; ++s)
    ASSERT_GE(sorted[s], sorted[s - 1]) << "position " << s;

  // Only the tail changes.
  EXPECT_EQ(arma::accu(psis.log_weights != r), psis.tail_length);
}

TEST(Psis, ZeroWeightsStayZeroAndDoNotEnterTheTail) {
  // 4000 GPD ratios and 1000 -Inf: the tail (M = ceil(3 sqrt(5000)) =
  // 213) is fitted on finite ratios only, and the -Inf stay -Inf.
  gma::Rng rng(3);
  arma::vec r(5000);
  r.fill(-kInf);
  r.head(4000) = arma::log(gpd_draws(0.5, 1.0, 4000, rng));
  const gma::Psis psis = gma::pareto_smooth(r);
  EXPECT_EQ(psis.tail_length, 213u);
  EXPECT_TRUE(std::isfinite(psis.pareto_k));
  EXPECT_TRUE(psis.log_weights.head(4000).is_finite());
  EXPECT_TRUE(arma::all(psis.log_weights.tail(1000) == -kInf));
}

TEST(Psis, ATooShortTailIsLeftUnsmoothedWithInfiniteK) {
  // n = 20 gives M = 4 < 5. With 5 finite ratios of 100, M = 20 is cut to
  // 4, so that a finite ratio is left as the threshold.
  gma::Rng rng(2);
  const arma::vec r = rng.normal_matrix(20, 1);
  gma::Psis psis = gma::pareto_smooth(r);
  EXPECT_EQ(psis.pareto_k, kInf);
  EXPECT_EQ(psis.tail_length, 0u);
  EXPECT_TRUE(arma::approx_equal(psis.log_weights, r, "absdiff", 0.0));

  arma::vec few(100);
  few.fill(-kInf);
  few.head(5) = r.head(5);
  psis = gma::pareto_smooth(few);
  EXPECT_EQ(psis.pareto_k, kInf);
  EXPECT_EQ(psis.tail_length, 0u);
}

TEST(Psis, EqualRatiosAreLeftUnsmoothedWithMinusInfiniteK) {
  // Bounded (here constant) ratios: a perfect fit, below every threshold.
  const arma::vec r(1000, arma::fill::value(std::log(3.0)));
  const gma::Psis psis = gma::pareto_smooth(r);
  EXPECT_EQ(psis.pareto_k, -kInf);
  EXPECT_EQ(psis.tail_length, 0u);
  EXPECT_TRUE(arma::approx_equal(psis.log_weights, r, "absdiff", 0.0));
}

TEST(Psis, TheEssOfEqualWeightsIsTheSampleSize) {
  const arma::vec lw(500, arma::fill::value(-3.0));
  EXPECT_NEAR(gma::importance_ess(lw), 500.0, 1e-9);

  // Zero weights do not count.
  arma::vec half = lw;
  half.head(200).fill(-kInf);
  EXPECT_NEAR(gma::importance_ess(half), 300.0, 1e-9);
}

TEST(Psis, TheEssOfOneDominatingWeightIsNearOne) {
  // One weight e^40 times the others: ESS = (1 + 999 e^-40)^2 / (1 + 999
  // e^-80) = 1 + 8e-15.
  arma::vec lw(1000, arma::fill::zeros);
  lw[17] = 40.0;
  EXPECT_NEAR(gma::importance_ess(lw), 1.0, 1e-12);

  // Large log weights do not overflow.
  EXPECT_NEAR(gma::importance_ess(lw + 1000.0), 1.0, 1e-12);
}

TEST(Psis, TheEvidenceOfExactRatiosIsExactWithZeroError) {
  // q is the normalised target and p~ = 3 q: every ratio is log 3, up to
  // the rounding of (log 3 + log q) - log q, which leaves se ~ 1e-16.
  gma::Rng rng(4);
  const arma::vec x = rng.normal_matrix(2000, 1);
  arma::vec r(x.n_elem);
  for (arma::uword s = 0; s < x.n_elem; ++s) {
    const double log_q = gma_test::log_normal(x[s], 0.0, 1.0);
    r[s] = (std::log(3.0) + log_q) - log_q;
  }
  const gma::Evidence ev = gma::log_evidence(r);
  EXPECT_NEAR(ev.log_z, std::log(3.0), 1e-14);
  EXPECT_NEAR(ev.se, 0.0, 1e-14);
}

TEST(Psis, TheEvidenceOfAGaussianTargetIsWithinFiveStandardErrors) {
  // p~(x) = Z N(x; 1, 0.7^2) with log Z = 2.5, q = N(0, 1.5^2): q is wider,
  // so the ratios are bounded and the delta-method se is valid.
  const double log_z = 2.5;
  for (int seed = 1; seed <= 5; ++seed) {
    gma::Rng rng(seed);
    arma::vec r(4000);
    for (double& v : r) {
      const double x = 1.5 * rng.normal();
      v = log_z + gma_test::log_normal(x, 1.0, 0.7) -
          gma_test::log_normal(x, 0.0, 1.5);
    }
    const gma::Evidence ev = gma::log_evidence(r);
    EXPECT_GT(ev.se, 0.0);
    EXPECT_LT(ev.se, 0.05);
    EXPECT_NEAR(ev.log_z, log_z, 5 * ev.se) << "seed " << seed;
  }
}

TEST(Psis, TheEvidenceDoesNotOverflowForLargeLogRatios) {
  const arma::vec r = {1000.0, 1000.0 + std::log(3.0)};
  const gma::Evidence ev = gma::log_evidence(r);
  EXPECT_NEAR(ev.log_z, 1000.0 + std::log(2.0), 1e-12);

  // Weights 1 and 3: mean 2, sd sqrt(2); se = sqrt(2) / (sqrt(2) 2).
  EXPECT_NEAR(ev.se, 0.5, 1e-12);
}

TEST(Psis, EveryErrorNamesItsFunctionAndValues) {
  using gma::ErrorKind;
  const arma::vec empty;
  const arma::vec all_out(10, arma::fill::value(-kInf));
  arma::vec with_nan(10, arma::fill::zeros);
  with_nan[3] = std::nan("");
  arma::vec with_inf(10, arma::fill::zeros);
  with_inf[6] = kInf;

  // pareto_smooth.
  gma_test::expect_error([&] { gma::pareto_smooth(empty); }, ErrorKind::argument,
               "gma::pareto_smooth(): no log_ratios given");
  gma_test::expect_error([&] { gma::pareto_smooth(all_out); }, ErrorKind::argument,
               "gma::pareto_smooth(): all 10 log_ratios are -Inf");
  gma_test::expect_error([&] { gma::pareto_smooth(with_nan); }, ErrorKind::argument,
               "gma::pareto_smooth(): log_ratios[3] is nan");
  gma_test::expect_error([&] { gma::pareto_smooth(with_inf); }, ErrorKind::argument,
               "gma::pareto_smooth(): log_ratios[6] is inf");

  // importance_ess.
  gma_test::expect_error([&] { gma::importance_ess(empty); }, ErrorKind::argument,
               "gma::importance_ess(): no log_weights given");
  gma_test::expect_error([&] { gma::importance_ess(all_out); }, ErrorKind::argument,
               "gma::importance_ess(): all 10 log_weights are -Inf");
  gma_test::expect_error([&] { gma::importance_ess(with_nan); }, ErrorKind::argument,
               "log_weights[3] is nan");

  // log_evidence.
  gma_test::expect_error([&] { gma::log_evidence(empty); }, ErrorKind::argument,
               "gma::log_evidence(): no log_ratios given");
  gma_test::expect_error([&] { gma::log_evidence(arma::vec{1.0}); },
               ErrorKind::argument, "gma::log_evidence(): need at least 2");
  gma_test::expect_error([&] { gma::log_evidence(all_out); }, ErrorKind::argument,
               "all 10 log_ratios are -Inf");
  gma_test::expect_error([&] { gma::log_evidence(with_inf); }, ErrorKind::argument,
               "log_ratios[6] is inf");

  // pareto_k_threshold and fit_generalized_pareto.
  gma_test::expect_error([&] { gma::pareto_k_threshold(1); }, ErrorKind::argument,
               "gma::pareto_k_threshold(): need n >= 2 (1)");
  gma_test::expect_error([&] { gma::fit_generalized_pareto(arma::vec{1.0}); },
               ErrorKind::argument, "at least 2 exceedances (1)");
  gma_test::expect_error([&] { gma::fit_generalized_pareto(arma::vec{-1.0, 2.0}); },
               ErrorKind::argument, "smallest -1");
  gma_test::expect_error([&] { gma::fit_generalized_pareto(arma::vec{2.0, 1.0}); },
               ErrorKind::argument, "sorted ascending");
}
