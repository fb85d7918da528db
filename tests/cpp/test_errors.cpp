// Tests of the core's error paths: each names its function and values.
#include <gtest/gtest.h>

#include <string>

#include "common.hpp"
#include "gma/error.hpp"
#include "gma/sampler.hpp"
#include "gma/wgma.hpp"

namespace {

// A 1-D sampler on a standard normal in [-5, 5] with small settings.
gma::Sampler small_sampler() {
  gma::Sampler s(1);
  s.set_target([](const arma::mat& x, arma::vec& out) {
    out = -0.5 * arma::square(x.row(0)).t();
  });
  s.set_box({-5}, {5});
  s.options().set("components", 10);
  s.options().set("iterations", 20);
  return s;
}

}  // namespace

TEST(Errors, MixtureRejectsBadInputs) {
  using gma::ErrorKind;
  const arma::mat means = {{0.0, 1.0}};
  gma_test::expect_error([&] { gma::Mixture::isotropic(means, 0.0); },
               ErrorKind::argument, "variance (0)");
  gma_test::expect_error([&] { gma::Mixture::isotropic(arma::mat(), 1.0); },
               ErrorKind::argument, "no means");
  gma_test::expect_error([&] { gma::Mixture::diagonal(means, arma::mat(1, 1, arma::fill::ones)); },
               ErrorKind::argument, "1 x 1");
  gma_test::expect_error([&] { gma::Mixture::diagonal(means, arma::mat{{1.0, -2}}); },
               ErrorKind::argument, "-2");
  gma::Mixture m = gma::Mixture::isotropic(means, 1.0);
  gma_test::expect_error([&] { m.set_weights({0.7, 0.7}); }, ErrorKind::argument,
               "1.4");
  gma_test::expect_error([&] { m.component_log_densities(arma::mat(2, 3)); },
               ErrorKind::argument, "2 rows");
  gma::Rng rng(1);
  gma_test::expect_error([&] { m.sample_component(5, 1, rng); }, ErrorKind::argument,
               "component 5");
}

TEST(Errors, SamplerRejectsBadPlacement) {
  using gma::ErrorKind;
  gma::Sampler s(2);
  gma_test::expect_error([&] { s.set_box({0, 0}, {1}); }, ErrorKind::argument,
               "got 2 and 1");
  gma_test::expect_error([&] { s.set_box({0, 3}, {1, 2}); }, ErrorKind::argument,
               "coordinate 2");
  gma_test::expect_error([&] { s.set_means(arma::mat(3, 4, arma::fill::zeros)); },
               ErrorKind::argument, "3 x 4");
  gma_test::expect_error([&] { s.set_variances(arma::ones(2, 4)); }, ErrorKind::state,
               "means first");
  s.set_means(arma::zeros(2, 4));
  gma_test::expect_error([&] { s.set_variances(arma::ones(2, 3)); },
               ErrorKind::argument, "2 x 3");
  gma_test::expect_error([&] { s.set_variances(-arma::ones(2, 4)); },
               ErrorKind::argument, "-1");
  gma_test::expect_error([] { gma::Sampler bad(0); }, ErrorKind::argument, "dim (0)");
}

TEST(Errors, RunNeedsATargetAPlacementAndMatchingCounts) {
  using gma::ErrorKind;
  gma::Sampler s(1);
  gma_test::expect_error([&] { s.run(); }, ErrorKind::state, "no target");
  s.set_target([](const arma::mat&, arma::vec& out) { out.zeros(); });
  gma_test::expect_error([&] { s.run(); }, ErrorKind::state, "no placement");
  s.set_means(arma::mat{{0.0, 1.0}});
  s.options().set("components", 3);
  gma_test::expect_error([&] { s.run(); }, ErrorKind::argument, "number of means (2)");
  gma_test::expect_error([&] { s.result(); }, ErrorKind::state, "no result");
}

TEST(Errors, TargetWithNoFiniteValueIsAClearError) {
  gma::Sampler s = small_sampler();
  s.set_target([](const arma::mat&, arma::vec& out) {
    out.fill(arma::datum::nan);
  });
  gma_test::expect_error([&] { s.run(); }, gma::ErrorKind::target, "no bank point");
  EXPECT_FALSE(s.has_result());
}

TEST(Errors, CallbackFailuresPassThroughAndClearTheResult) {
  gma::Sampler s = small_sampler();
  s.run();
  ASSERT_TRUE(s.has_result());
  s.set_target([](const arma::mat&, arma::vec&) {
    gma::fail(gma::ErrorKind::callback, "test", "boom");
  });
  gma_test::expect_error([&] { s.run(); }, gma::ErrorKind::callback, "boom");
  EXPECT_FALSE(s.has_result());
}

TEST(Errors, TargetWritingTheWrongCountIsAnError) {
  const gma::Target t(1, [](const arma::mat&, arma::vec& out) {
    out.set_size(1);
  });
  gma::EvalCounts c;
  gma_test::expect_error([&] { t.evaluate(arma::zeros(1, 5), 10, 1, c); },
               gma::ErrorKind::callback, "wrote 1 values for 5 points");
  gma_test::expect_error([&] { t.evaluate(arma::zeros(2, 5), 10, 1, c); },
               gma::ErrorKind::argument, "2 rows");
  gma_test::expect_error([&] { t.evaluate(arma::zeros(1, 5), 0, 1, c); },
               gma::ErrorKind::argument, "batch_size (0)");
}

TEST(Errors, FitRejectsBadSettings) {
  const arma::mat means = {{0.0, 1.0}};
  const gma::Mixture mix = gma::Mixture::isotropic(means, 1.0);
  const gma::Target t = gma_test::pointwise(
      1, [](const arma::vec& x) { return -x[0] * x[0]; });
  const gma::Bank bank = gma_test::evaluated_bank(mix, t, 5, 1);
  const gma::WeightObjective obj(mix, bank);
  gma::WgmaSettings s;
  s.iterations = 0;
  gma_test::expect_error([&] { gma::fit_weights(obj, mix.weights(), s, 1); },
               gma::ErrorKind::argument, "iterations (0)");
  s.iterations = 5;
  gma_test::expect_error([&] { gma::fit_weights(obj, arma::vec{1.0}, s, 1); },
               gma::ErrorKind::argument, "1 start weights");
}

TEST(Errors, ProgressHookStopsTheRun) {
  gma::Sampler s = small_sampler();
  s.set_progress([](gma::Stage stage, long, long) {
    return stage == gma::Stage::fit;
  });
  EXPECT_THROW(s.run(), gma::Stopped);
  EXPECT_FALSE(s.has_result());
}
