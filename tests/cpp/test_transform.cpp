// Tests of the bounded-to-unconstrained transforms.
#include <gtest/gtest.h>

#include <cmath>

#include "common.hpp"
#include "gma/error.hpp"
#include "gma/transform.hpp"

namespace {

const double kInf = arma::datum::inf;

// Bounds of every kind: none, below, above, both.
gma::Bounds four_kinds() {
  return gma::Bounds(arma::vec{-kInf, 0.0, -kInf, -1.0},
                     arma::vec{kInf, kInf, 2.0, 3.0});
}

}  // namespace

TEST(Transform, RoundTripReturnsThePoint) {
  const gma::Bounds b = four_kinds();
  const arma::mat y = {{-3.0, 0.0, 2.5}, {1.0, -4.0, 0.3},
                       {0.2, 2.0, -1.0}, {-5.0, 0.1, 4.0}};
  const arma::mat x = b.to_constrained(y);
  EXPECT_LT(arma::abs(b.to_unconstrained(x) - y).max(), 1e-9);
  EXPECT_TRUE(arma::all(x.row(1) > 0.0));
  EXPECT_TRUE(arma::all(x.row(2) < 2.0));
  EXPECT_TRUE(arma::all(x.row(3) > -1.0 && x.row(3) < 3.0));
}

TEST(Transform, LogJacobianMatchesNumericalDerivative) {
  const gma::Bounds b = four_kinds();
  const arma::vec y = {0.4, -1.3, 0.7, 2.2};
  const double h = 1e-6;
  double want = 0;
  for (arma::uword k = 0; k < 4; ++k) {
    arma::vec up = y, down = y;
    up[k] += h;
    down[k] -= h;
    const double dx = (b.to_constrained(up)(k, 0) -
                       b.to_constrained(down)(k, 0)) / (2 * h);
    want += std::log(std::abs(dx));
  }
  EXPECT_NEAR(b.log_jacobian(y)[0], want, 1e-6);
}

TEST(Transform, WrappedDensityIntegratesLikeTheOriginal) {
  // p~(x) = x e^-x on (0, inf) has integral 1; on y = log x the wrapped
  // density must integrate to 1 too (trapezoid rule on [-30, 6]).
  const gma::Bounds b(arma::vec{0.0}, arma::vec{kInf});
  const gma::Target t = gma_test::pointwise(1, [](const arma::vec& x) {
    return x[0] > 0 ? std::log(x[0]) - x[0] : -kInf;
  });
  const gma::Target w = b.wrap(t);
  const arma::rowvec y = arma::linspace<arma::rowvec>(-30, 6, 36001);
  gma::EvalCounts c;
  const arma::vec lp = w.evaluate(y, 1000, 1, c);
  const double h = y[1] - y[0];
  EXPECT_NEAR(arma::accu(arma::exp(lp)) * h, 1.0, 1e-4);
}

TEST(Transform, InvalidValuesAreStillCountedThroughTheWrap) {
  const gma::Bounds b(arma::vec{0.0}, arma::vec{1.0});
  const gma::Target t = gma_test::pointwise(
      1, [](const arma::vec& x) { return x[0] < 0.5 ? arma::datum::nan : 0; });
  gma::EvalCounts c;
  b.wrap(t).evaluate(arma::rowvec{-2.0, 2.0}, 10, 1, c);
  EXPECT_EQ(c.invalid, 1u);
}

TEST(Transform, BoxMapsInsideTheBoundsAndEdgesOnBoundsMoveIn) {
  const gma::Bounds b = four_kinds();
  arma::vec lo = {-1.0, 0.0, -5.0, -1.0}, hi = {1.0, 10.0, 1.0, 3.0};
  b.box_to_unconstrained(lo, hi);
  EXPECT_TRUE(lo.is_finite() && hi.is_finite());
  EXPECT_TRUE(arma::all(lo < hi));
  EXPECT_NEAR(lo[0], -1.0, 1e-12);
  EXPECT_NEAR(hi[1], std::log(10.0), 1e-12);
  EXPECT_NEAR(lo[1], std::log(0.01), 1e-9);
}

TEST(Transform, RejectsBadBoundsAndOutsidePoints) {
  EXPECT_THROW(gma::Bounds(arma::vec{1.0}, arma::vec{1.0}), gma::Error);
  EXPECT_THROW(gma::Bounds(arma::vec{0.0}, arma::vec{arma::datum::nan}),
               gma::Error);
  EXPECT_THROW(gma::Bounds(arma::vec{0.0, 0.0}, arma::vec{1.0}), gma::Error);
  const gma::Bounds b(arma::vec{0.0}, arma::vec{1.0});
  EXPECT_THROW(b.to_unconstrained(arma::mat(1, 1, arma::fill::value(1.5))), gma::Error);
  arma::vec lo = {-1.0}, hi = {0.5};
  EXPECT_THROW(b.box_to_unconstrained(lo, hi), gma::Error);
}
