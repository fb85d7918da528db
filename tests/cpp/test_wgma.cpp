// Tests of the W-GMA objective, its gradient estimate and the two updates.
#include <gtest/gtest.h>

#include <cmath>

#include "common.hpp"
#include "gma/error.hpp"
#include "gma/math.hpp"
#include "gma/wgma.hpp"

namespace {

// The 1-D setting: three components of variance 0.5 and the target
// p~(z) = 3 N(z; 0.5, 1), whose log Z = log 3.
const arma::mat kMeans = {{-1.0, 0.0, 1.5}};
const double kVar = 0.5;

double log_target(double z) { return std::log(3.0) + gma_test::log_normal(z, 0.5, 1); }

// F(w) = int q_w (log q_w - log p~) dz for any positive w, by the
// trapezoid rule on [-15, 15] with 60001 nodes (error far below 1e-8).
double exact_objective(const arma::vec& w) {
  const arma::uword n = 60001;
  const double a = -15, b = 15, h = (b - a) / (n - 1);
  double sum = 0;
  for (arma::uword j = 0; j < n; ++j) {
    const double z = a + h * j;
    double q = 0;
    for (arma::uword i = 0; i < 3; ++i)
      q += w[i] * std::exp(gma_test::log_normal(z, kMeans(0, i),
                                                std::sqrt(kVar)));
    const double f = q > 0 ? q * (std::log(q) - log_target(z)) : 0.0;
    sum += (j == 0 || j == n - 1) ? 0.5 * f : f;
  }
  return sum * h;
}

gma::Mixture three_components() {
  return gma::Mixture::isotropic(kMeans, kVar);
}

}  // namespace

TEST(Wgma, GradientEstimateMatchesFiniteDifferenceOfExactObjective) {
  // dF/dw_i = E_{N_i}[log q - log p~] + 1, the quantity g_i estimates.
  // With M = 20000 points per component, the sd of each block mean is
  // below 0.005 here; the tolerance 0.03 is six of those.
  const gma::Mixture mix = three_components();
  const gma::Target target = gma_test::pointwise(
      1, [](const arma::vec& x) { return log_target(x[0]); });
  const gma::Bank bank = gma_test::evaluated_bank(mix, target, 20000, 5);
  const gma::WeightObjective objective(mix, bank);

  const arma::vec w = {0.2, 0.5, 0.3};
  const arma::vec g = objective.gradient(w);
  const double h = 1e-5;
  for (arma::uword i = 0; i < 3; ++i) {
    arma::vec up = w, down = w;
    up[i] += h;
    down[i] -= h;
    const double fd = (exact_objective(up) - exact_objective(down)) / (2 * h);
    EXPECT_NEAR(g[i], fd, 0.03) << "component " << i;
  }
}

TEST(Wgma, ObjectiveEstimateMatchesExactObjective) {
  const gma::Mixture mix = three_components();
  const gma::Target target = gma_test::pointwise(
      1, [](const arma::vec& x) { return log_target(x[0]); });
  const gma::Bank bank = gma_test::evaluated_bank(mix, target, 20000, 6);
  const gma::WeightObjective objective(mix, bank);
  const arma::vec w = {0.6, 0.1, 0.3};
  EXPECT_NEAR(objective.value(w), exact_objective(w), 0.02);
}

TEST(Wgma, LogQMatchesTheMixtureEvenWhereWeightsVanish) {
  // A zero weight on the nearest component forces the exact path.
  const arma::mat means = {{0.0, 40.0}};
  const gma::Mixture mix = gma::Mixture::isotropic(means, 0.01);
  const gma::Target target = gma_test::pointwise(
      1, [](const arma::vec& x) { return -0.5 * x[0] * x[0]; });
  const gma::Bank bank = gma_test::evaluated_bank(mix, target, 5, 1);
  const gma::WeightObjective objective(mix, bank);

  // Weights 1e-300 and 1: q underflows at the first component's points.
  const arma::vec w = {1e-300, 1.0};
  arma::mat parts = mix.component_log_densities(bank.points);
  parts.each_row() += arma::log(w).t();
  const arma::vec want = gma::log_sum_exp_rows(parts);
  const arma::vec got = objective.log_q(w);
  EXPECT_TRUE(got.is_finite());
  EXPECT_LT(arma::abs(got - want).max() / arma::abs(want).max(), 1e-9);
}

namespace {

// A target in the mixture's own family: the fit should find its weights.
arma::vec fit_to_own_family(gma::Update update, double step) {
  const arma::mat means = {{-3.0, -1.0, 1.0, 3.0}};
  const arma::vec truth = {0.1, 0.4, 0.2, 0.3};
  gma::Mixture mix = gma::Mixture::isotropic(means, 0.6);
  gma::Mixture target_mix = mix;
  target_mix.set_weights(truth);
  const gma::Target target(1, [&](const arma::mat& x, arma::vec& out) {
    out = target_mix.log_density(x);
  });
  const gma::Bank bank = gma_test::evaluated_bank(mix, target, 2000, 3);
  const gma::WeightObjective objective(mix, bank);
  const gma::WgmaSettings s{2000, step, update, gma::Schedule::inverse_sqrt};
  return gma::fit_weights(objective, mix.weights(), s, 100);
}

}  // namespace

TEST(Wgma, MirrorDescentRecoversTheWeightsOfATargetInTheFamily) {
  // KL(q || p) = 0 at the true weights; the bank's estimate moves the
  // minimiser by the Monte Carlo error of 2000 points per component, a few
  // hundredths at most, so a tolerance of 0.04 per weight.
  const arma::vec w = fit_to_own_family(gma::Update::mirror_descent, 1.0);
  const arma::vec truth = {0.1, 0.4, 0.2, 0.3};
  EXPECT_NEAR(arma::accu(w), 1.0, 1e-12);
  EXPECT_LT(arma::abs(w - truth).max(), 0.04) << w.t();
}

TEST(Wgma, ProjectedGradientRecoversTheWeightsOfATargetInTheFamily) {
  const arma::vec w =
      fit_to_own_family(gma::Update::projected_gradient, 0.1);
  const arma::vec truth = {0.1, 0.4, 0.2, 0.3};
  EXPECT_NEAR(arma::accu(w), 1.0, 1e-12);
  EXPECT_GE(w.min(), 0.0);
  EXPECT_LT(arma::abs(w - truth).max(), 0.04) << w.t();
}

TEST(Wgma, FitLowersTheObjective) {
  const gma::Mixture mix = three_components();
  const gma::Target target = gma_test::pointwise(
      1, [](const arma::vec& x) { return log_target(x[0]); });
  const gma::Bank bank = gma_test::evaluated_bank(mix, target, 200, 9);
  const gma::WeightObjective objective(mix, bank);
  for (gma::Update u : {gma::Update::mirror_descent,
                        gma::Update::projected_gradient}) {
    const gma::WgmaSettings s{300, 0.5, u, gma::Schedule::inverse};
    const arma::vec w = gma::fit_weights(objective, mix.weights(), s, 50);
    EXPECT_LT(objective.value(w), objective.value(mix.weights()));
  }
}

TEST(Wgma, ComponentsWithNoPointInsideTheSupportGetNoWeight) {
  // Support z > 0: the component at -20 has no point inside.
  const arma::mat means = {{-20.0, 1.0, 2.0}};
  const gma::Mixture mix = gma::Mixture::isotropic(means, 0.25);
  const gma::Target target = gma_test::pointwise(1, [](const arma::vec& x) {
    return x[0] > 0 ? -x[0] : -arma::datum::inf;
  });
  const gma::Bank bank = gma_test::evaluated_bank(mix, target, 50, 2);
  const gma::WeightObjective objective(mix, bank);
  EXPECT_EQ(objective.feasible()[0], 0u);
  const gma::WgmaSettings s{100, 1.0, gma::Update::mirror_descent,
                            gma::Schedule::inverse};
  const arma::vec w = gma::fit_weights(objective, mix.weights(), s, 10);
  EXPECT_EQ(w[0], 0.0);
  EXPECT_NEAR(arma::accu(w), 1.0, 1e-12);
}

TEST(Wgma, IterationHookCanStopTheFit) {
  const gma::Mixture mix = three_components();
  const gma::Target target = gma_test::pointwise(
      1, [](const arma::vec& x) { return log_target(x[0]); });
  const gma::Bank bank = gma_test::evaluated_bank(mix, target, 20, 9);
  const gma::WeightObjective objective(mix, bank);
  arma::uword calls = 0;
  const gma::WgmaSettings s{100, 1.0, gma::Update::mirror_descent,
                            gma::Schedule::inverse};
  EXPECT_THROW(gma::fit_weights(objective, mix.weights(), s, 10,
                                [&](arma::uword k, arma::uword) {
                                  ++calls;
                                  return k >= 30;
                                }),
               gma::Stopped);
  EXPECT_EQ(calls, 3u);
}
