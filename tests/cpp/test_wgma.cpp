// Tests of the W-GMA objective, its gradient estimate and the two updates.
#include <gtest/gtest.h>

#include <cmath>

#include "common.hpp"
#include "gma/error.hpp"
#include "gma/math.hpp"
#include "gma/placement.hpp"
#include "gma/wgma.hpp"

namespace {

// The 1-D setting: three components of variance 0.5 and the target
// p~(z) = 3 N(z; 0.5, 1), whose log Z = log 3.
const arma::mat kMeans = {{-1.0, 0.0, 1.5}};
const double kVar = 0.5;

double log_target(double z) {
  return std::log(3.0) + gma_test::log_normal(z, 0.5, 1);
}

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

// The objective of three_components() on 200 points each of log_target.
gma::WeightObjective three_component_objective() {
  const gma::Mixture mix = three_components();
  const gma::Target target = gma_test::pointwise(
      1, [](const arma::vec& x) { return log_target(x[0]); });
  return gma::WeightObjective(mix,
                              gma_test::evaluated_bank(mix, target, 200, 9));
}

TEST(Wgma, FitLowersTheObjective) {
  const gma::Mixture mix = three_components();
  const gma::WeightObjective objective = three_component_objective();
  for (gma::Update u : {gma::Update::mirror_descent,
                        gma::Update::projected_gradient}) {
    const gma::WgmaSettings s{300, 0.5, u, gma::Schedule::inverse};
    const arma::vec w = gma::fit_weights(objective, mix.weights(), s, 50);
    EXPECT_LT(objective.value(w), objective.value(mix.weights()));
  }
}

TEST(Wgma, BacktrackingDecreasesTheObjectiveAtEveryStep) {
  // From a tiny first step (1e-6) backtracking doubles its way up; every
  // accepted step lowers the estimate of F (Armijo's test), so the value
  // after k iterations never rises with k, and 50 iterations get below
  // what eta0 / k with the same first step reaches in 300.
  const gma::Mixture mix = three_components();
  const gma::WeightObjective objective = three_component_objective();
  for (gma::Update u : {gma::Update::mirror_descent,
                        gma::Update::projected_gradient}) {
    double last = objective.value(mix.weights());
    for (arma::uword k : {1, 2, 5, 10, 50}) {
      const gma::WgmaSettings s{k, 1e-6, u, gma::Schedule::backtracking};
      const double f =
          objective.value(gma::fit_weights(objective, mix.weights(), s, 50));
      EXPECT_LE(f, last + 1e-12) << k;
      last = f;
    }
    const gma::WgmaSettings slow{300, 1e-6, u, gma::Schedule::inverse};
    EXPECT_LT(last, objective.value(gma::fit_weights(
                        objective, mix.weights(), slow, 50)));
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

// ---- Storage: the sparse form against the dense one ----

namespace {

// log q_w at the bank points straight from the mixture (log-sum-exp).
arma::vec exact_log_q(const gma::Mixture& mix, const gma::Bank& bank,
                      const arma::vec& w) {
  arma::mat parts = mix.component_log_densities(bank.points);
  parts.each_row() += arma::log(w).t();
  return gma::log_sum_exp_rows(parts);
}

// The largest of |a - b| / max(1, |b|): relative, absolute near 0.
double max_relative(const arma::vec& a, const arma::vec& b) {
  return arma::max(arma::abs(a - b) / arma::clamp(arma::abs(b), 1.0,
                                                  arma::datum::inf));
}

// The 2-D four-mode setting: 225 components on the default grid of the
// box [-6, 6]^2 (sd 0.4), 30 bank points each, modes at (+-3, +-3).
gma::Mixture four_mode_mixture() {
  gma::Rng rng(11);
  return gma::place_in_box({-6, -6}, {6, 6}, 225, 0.0, rng);
}

gma::Bank four_mode_bank(const gma::Mixture& mix) {
  const gma::Target target(2, [](const arma::mat& x, arma::vec& out) {
    arma::mat parts(x.n_cols, 4);
    const double c[4][2] = {{-3, -3}, {3, 3}, {-3, 3}, {3, -3}};
    for (int k = 0; k < 4; ++k)
      parts.col(k) = -0.5 * (arma::square(x.row(0) - c[k][0]) +
                             arma::square(x.row(1) - c[k][1])).t();
    out = gma::log_sum_exp_rows(parts);
  });
  return gma_test::evaluated_bank(mix, target, 30, 12);
}

// Weights spread over `range` nats: w_l proportional to exp(-range u_l),
// u_l uniform on (0, 1) -- as unbalanced as a long mirror-descent fit.
arma::vec spread_weights(arma::uword n, double range, std::uint64_t seed) {
  gma::Rng rng(seed);
  arma::vec log_w(n);
  for (arma::uword l = 0; l < n; ++l) log_w[l] = -range * rng.uniform();
  return arma::exp(log_w - gma::log_sum_exp(log_w));
}

}  // namespace

TEST(WgmaStorage, SparseAndDenseAgreeOnLogQAndGradient) {
  // Ordinary weights (equal, then random within a factor e^3): the two
  // storages must agree to 1e-10 relative, the sparse one guaranteeing
  // kTolerance = 1e-12 on log q whatever the weights.
  const gma::Mixture mix = four_mode_mixture();
  const gma::Bank bank = four_mode_bank(mix);
  const gma::WeightObjective dense(mix, bank, gma::Storage::dense);
  const gma::WeightObjective sparse(mix, bank);
  EXPECT_EQ(sparse.storage(), gma::Storage::sparse);
  for (const arma::vec& w : {mix.weights(), spread_weights(225, 3.0, 5)}) {
    EXPECT_LT(max_relative(sparse.log_q(w), dense.log_q(w)), 1e-10);
    EXPECT_LT(arma::abs(sparse.gradient(w) - dense.gradient(w)).max(),
              1e-10);
    EXPECT_NEAR(sparse.value(w), dense.value(w), 1e-10);
  }
}

TEST(WgmaStorage, SparseStaysExactForWeightsSpreadOverHundredsOfNats) {
  // With weights 600 nats apart, many points' q is carried by entries the
  // truncation dropped (a light component's points near a heavy one). The
  // bound must catch them: log q exact to kTolerance (+ rounding), and the
  // objective keeps the pairs it computed (its stored fraction grows).
  const gma::Mixture mix = four_mode_mixture();
  const gma::Bank bank = four_mode_bank(mix);
  const gma::WeightObjective sparse(mix, bank);
  const double before = sparse.stored_fraction();
  for (std::uint64_t seed : {1, 2, 3}) {
    const arma::vec w = spread_weights(225, 600.0, seed);
    const arma::vec want = exact_log_q(mix, bank, w);
    EXPECT_LT(max_relative(sparse.log_q(w), want), 1e-11) << seed;
  }
  EXPECT_GT(sparse.stored_fraction(), before);
}

TEST(WgmaStorage, DiagonalAndFullCovariancesTakeTheSameExactPath) {
  // Neighbours 2 apart with sd 0.2 are 50 nats down: not stored. With the
  // light components' own weight far below, their points' q comes from
  // those entries, which the sparse form then computes from a sub-mixture
  // of the same kind.
  const arma::mat means = {{-4.0, -2.0, 0.0, 2.0, 4.0, 6.0},
                           {0.0, 0.5, -0.5, 0.0, 1.0, -1.0}};
  arma::mat var(2, 6, arma::fill::value(0.04));
  var.row(1) *= 2.0;
  arma::cube cov(2, 2, 6, arma::fill::zeros);
  for (arma::uword i = 0; i < 6; ++i) {
    cov.slice(i) = arma::diagmat(var.col(i));
    cov(0, 1, i) = cov(1, 0, i) = 0.02;
  }
  const gma::Target target = gma_test::pointwise(
      2, [](const arma::vec& x) { return -0.5 * arma::dot(x, x); });
  const arma::vec w = {1e-250, 0.3, 1e-120, 0.2, 1e-200, 0.5};
  for (const gma::Mixture& mix : {gma::Mixture::diagonal(means, var),
                                  gma::Mixture::full(means, cov)}) {
    const gma::Bank bank = gma_test::evaluated_bank(mix, target, 40, 4);
    const gma::WeightObjective sparse(mix, bank);
    const double before = sparse.stored_fraction();
    EXPECT_LT(max_relative(sparse.log_q(w), exact_log_q(mix, bank, w)),
              1e-11);
    EXPECT_GT(sparse.stored_fraction(), before);
  }
}

TEST(WgmaStorage, UnderflowFallbackIsExactInBothStorages) {
  // As LogQMatchesTheMixtureEvenWhereWeightsVanish, for each storage.
  const arma::mat means = {{0.0, 40.0}};
  const gma::Mixture mix = gma::Mixture::isotropic(means, 0.01);
  const gma::Target target = gma_test::pointwise(
      1, [](const arma::vec& x) { return -0.5 * x[0] * x[0]; });
  const gma::Bank bank = gma_test::evaluated_bank(mix, target, 5, 1);
  const arma::vec w = {1e-300, 1.0};
  const arma::vec want = exact_log_q(mix, bank, w);
  for (gma::Storage storage : {gma::Storage::dense, gma::Storage::sparse}) {
    const gma::WeightObjective objective(mix, bank, storage);
    const arma::vec got = objective.log_q(w);
    EXPECT_TRUE(got.is_finite());
    EXPECT_LT(arma::abs(got - want).max() / arma::abs(want).max(), 1e-9);
  }
}

TEST(WgmaStorage, SparseStoresASmallFractionOnTheFourModeSetting) {
  // Grid spacing 0.8, sd 0.4 (variance 0.16): an entry is kept when
  // |z - mu_l|^2 - |z - mu_l*|^2 <= 2 * 0.16 * 30, i.e. roughly within
  // 3.1 of the point: about pi 3.1^2 / 0.8^2 = 47 of the 225 components
  // inside the box, fewer near its edges, so at most ~21 %.
  const gma::Mixture mix = four_mode_mixture();
  const gma::Bank bank = four_mode_bank(mix);
  const gma::WeightObjective dense(mix, bank, gma::Storage::dense);
  const gma::WeightObjective sparse(mix, bank);
  EXPECT_EQ(dense.stored_fraction(), 1.0);
  EXPECT_GT(sparse.stored_fraction(), 0.05);
  EXPECT_LT(sparse.stored_fraction(), 0.21);
  EXPECT_LT(sparse.memory_bytes(), dense.memory_bytes() / 3);

  // A smaller tau keeps fewer entries; no truncation keeps all.
  const gma::WeightObjective tight(mix, bank, gma::Storage::sparse, 5.0);
  EXPECT_LT(tight.stored_fraction(), sparse.stored_fraction());
  const gma::WeightObjective all(mix, bank, gma::Storage::sparse,
                                 arma::datum::inf);
  EXPECT_GT(all.stored_fraction(), 0.99);
  EXPECT_EQ(all.tau(), arma::datum::inf);
  const arma::vec w = spread_weights(225, 3.0, 8);
  EXPECT_LT(max_relative(all.log_q(w), dense.log_q(w)), 1e-12);
  EXPECT_LT(max_relative(tight.log_q(w), dense.log_q(w)), 1e-10);
}

TEST(WgmaStorage, TruncationMustBePositive) {
  const gma::Mixture mix = three_components();
  const gma::Target target = gma_test::pointwise(
      1, [](const arma::vec& x) { return log_target(x[0]); });
  const gma::Bank bank = gma_test::evaluated_bank(mix, target, 10, 1);
  using gma::ErrorKind;
  using gma::Storage;
  auto make = [&](Storage storage, double tau) {
    return [&mix, &bank, storage, tau] {
      (void)gma::WeightObjective(mix, bank, storage, tau);
    };
  };
  using gma_test::expect_error;
  expect_error(make(Storage::sparse, 0.0), ErrorKind::argument,
               "tau (0) must be positive");
  expect_error(make(Storage::dense, -2.5), ErrorKind::argument,
               "tau (-2.5)");
  expect_error(make(Storage::sparse, arma::datum::nan), ErrorKind::argument,
               "tau (nan)");
}

TEST(WgmaStorage, GradientTakesAnotherTargetOnTheBank) {
  // g(w, log p~ + c) = g(w) - c; wrong lengths are rejected.
  const gma::Mixture mix = three_components();
  const gma::Target target = gma_test::pointwise(
      1, [](const arma::vec& x) { return log_target(x[0]); });
  const gma::Bank bank = gma_test::evaluated_bank(mix, target, 50, 2);
  const gma::WeightObjective objective(mix, bank);
  const arma::vec w = {0.2, 0.5, 0.3};
  EXPECT_EQ(objective.log_target().n_elem, bank.size());
  const arma::vec g = objective.gradient(w);
  const arma::vec shifted =
      objective.gradient(w, objective.log_target() + 2.0);
  EXPECT_LT(arma::abs(shifted - (g - 2.0)).max(), 1e-12);
  EXPECT_LT(arma::abs(objective.block_means(objective.log_q(w),
                                            objective.log_target()) -
                      (g - 1.0))
                .max(),
            1e-12);
  gma_test::expect_error([&] { objective.gradient(w, arma::vec(7)); },
                         gma::ErrorKind::argument, "7 log target values");
  gma_test::expect_error([&] { objective.log_q(arma::vec{0.5, 0.5}); },
                         gma::ErrorKind::argument,
                         "2 weights for 3 components");
}

TEST(WgmaStorage, FitsAgreeBetweenStorages) {
  // The same run in both storages ends on the same weights.
  const gma::Mixture mix = four_mode_mixture();
  const gma::Bank bank = four_mode_bank(mix);
  const gma::WeightObjective dense(mix, bank, gma::Storage::dense);
  const gma::WeightObjective sparse(mix, bank);
  const gma::WgmaSettings s{300, 1.0, gma::Update::mirror_descent,
                            gma::Schedule::inverse};
  const arma::vec a = gma::fit_weights(dense, mix.weights(), s, 100);
  const arma::vec b = gma::fit_weights(sparse, mix.weights(), s, 100);
  EXPECT_LT(arma::abs(a - b).max(), 1e-9);
}
