// Tests of the central-difference Hessian and its one-batch stencil.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common.hpp"
#include "gma/error.hpp"
#include "gma/hessian.hpp"

namespace {

// A correlated 3-D precision A and an off-centre peak m: the quadratic
// log density f(x) = 4 - (x - m)' A (x - m) / 2 has Hessian -A everywhere.
const arma::mat kPrecision = {{2.0, 0.6, -0.3},
                              {0.6, 1.5, 0.4},
                              {-0.3, 0.4, 0.8}};
const arma::vec kPeak = {1.5, -2.0, 3.0};

double quadratic(const arma::vec& x) {
  const arma::vec z = x - kPeak;
  return 4.0 - 0.5 * arma::dot(z, kPrecision * z);
}

// A quartic with mixed terms and its analytic Hessian.
double quartic(const arma::vec& x) {
  return -0.25 * std::pow(x[0], 4) - 0.5 * x[0] * x[0] * x[1] * x[1] -
         0.1 * std::pow(x[2], 4) + x[0] * x[1] * x[2];
}

arma::mat quartic_hessian(const arma::vec& x) {
  arma::mat h(3, 3);
  h(0, 0) = -3.0 * x[0] * x[0] - x[1] * x[1];
  h(1, 1) = -x[0] * x[0];
  h(2, 2) = -1.2 * x[2] * x[2];
  h(0, 1) = h(1, 0) = -2.0 * x[0] * x[1] + x[2];
  h(0, 2) = h(2, 0) = x[1];
  h(1, 2) = h(2, 1) = x[0];
  return h;
}

}  // namespace

TEST(Hessian, OfAQuadraticMatchesItsKnownHessianOffCentre) {
  // Central differences are exact for a quadratic; what remains is
  // rounding, about eps |f| / h^2 = 2.2e-16 * 30 / (1.2e-4)^2 < 5e-7 here
  // (|f| < 30 on the stencil), far inside 1e-5 of ||A|| ~ 2.7.
  const gma::Target target = gma_test::pointwise(3, quadratic);
  const arma::vec x = {0.3, 2.2, -1.1};
  gma::EvalCounts counts;
  const arma::mat h = gma::finite_difference_hessian(target, x, 0.0, counts);
  EXPECT_LT(arma::norm(h + kPrecision, "fro") / arma::norm(kPrecision, "fro"),
            1e-5);
  EXPECT_TRUE(h.is_symmetric());
  EXPECT_EQ(counts.evaluations, 2u * 3u * 3u + 1u);
}

TEST(Hessian, OfAQuarticMatchesTheAnalyticHessianAtAPoint) {
  // Truncation error h^2 f''''/12 with h <= 1.2e-4 * 2.1 is below 2e-8,
  // rounding below 1e-7 (|f| < 5); 1e-5 per entry (relative to
  // max(1, |H_kl|)) leaves a factor of 100.
  const gma::Target target = gma_test::pointwise(3, quartic);
  const arma::vec x = {0.7, -1.3, 2.1};
  gma::EvalCounts counts;
  const arma::mat h = gma::finite_difference_hessian(target, x, 0.0, counts);
  const arma::mat exact = quartic_hessian(x);
  for (arma::uword k = 0; k < 3; ++k)
    for (arma::uword l = 0; l < 3; ++l)
      EXPECT_NEAR(h(k, l), exact(k, l),
                  1e-5 * std::max(1.0, std::abs(exact(k, l))))
          << "entry (" << k << ", " << l << ")";
}

TEST(Hessian, EvaluatesTheWholeStencilInOneBatch) {
  // One call of the user's function with all 2 d^2 + 1 = 19 points.
  std::vector<arma::uword> calls;
  const gma::Target target(3, [&](const arma::mat& pts, arma::vec& out) {
    calls.push_back(pts.n_cols);
    for (arma::uword j = 0; j < pts.n_cols; ++j) out[j] = quadratic(pts.col(j));
  });
  gma::EvalCounts counts;
  gma::finite_difference_hessian(target, {0.0, 0.0, 0.0}, 0.0, counts);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], 19u);
}

TEST(Hessian, StencilHasTheDocumentedPointsAndSteps) {
  // Steps scale with max(1, |x_k|); a set step replaces eps^(1/4).
  const arma::vec x = {0.5, -4.0};
  const arma::vec h = gma::hessian_steps(x, 1e-3);
  EXPECT_NEAR(h[0], 1e-3, 1e-15);
  EXPECT_NEAR(h[1], 4e-3, 1e-15);
  EXPECT_NEAR(gma::hessian_steps(x, 0.0)[0], std::pow(2.2204460492503131e-16,
                                                      0.25), 1e-15);

  // Centre, four axial points, four corners of the one pair.
  const arma::mat p = gma::hessian_stencil(x, h);
  ASSERT_EQ(p.n_cols, 9u);
  EXPECT_TRUE(arma::approx_equal(p.col(0), x, "absdiff", 0.0));
  EXPECT_DOUBLE_EQ(p(0, 1), x[0] + h[0]);
  EXPECT_DOUBLE_EQ(p(1, 4), x[1] - h[1]);
  EXPECT_DOUBLE_EQ(p(0, 6), x[0] + h[0]);
  EXPECT_DOUBLE_EQ(p(1, 6), x[1] - h[1]);
}

TEST(Hessian, ReportsStencilPointsOutsideTheSupportAndBadInputs) {
  using gma::ErrorKind;
  // Support x_1 <= 0: at the edge the step x_1 + h leaves it.
  const gma::Target edge = gma_test::pointwise(2, [](const arma::vec& x) {
    return x[0] > 0.0 ? -arma::datum::inf : -x[0] * x[0] - x[1] * x[1];
  });
  gma::EvalCounts counts;
  gma_test::expect_error([&] {
    gma::finite_difference_hessian(edge, {0.0, 0.0}, 0.0, counts);
  }, ErrorKind::target, "3 of the 9 stencil points");
  gma_test::expect_error([&] {
    gma::finite_difference_hessian(edge, {0.0, 0.0, 1.0}, 0.0, counts);
  }, ErrorKind::argument, "3 coordinates");
  gma_test::expect_error([&] { gma::hessian_steps({1.0}, -1.0); }, ErrorKind::argument,
               "step (-1)");
  gma_test::expect_error([&] { gma::hessian_from_stencil(arma::vec(4), {1.0, 1.0}); },
               ErrorKind::argument, "4 values");
}
