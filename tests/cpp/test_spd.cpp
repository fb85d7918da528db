// Tests of nearest_spd: the eigenvalue floor, the condition cap, symmetry.
#include <gtest/gtest.h>

#include <string>

#include "gma/error.hpp"
#include "gma/spd.hpp"

namespace {

// The condition number of a symmetric positive definite matrix.
double condition(const arma::mat& a) {
  const arma::vec l = arma::eig_sym(a);
  return l.max() / l.min();
}

}  // namespace

TEST(NearestSpd, IndefiniteMatrixGetsEigenvaluesAtLeastTheFloor) {
  // Eigenvalues 3 and -1: the floor is max(1e-6, 3 / 1e6) = 3e-6. The
  // eigen-decomposition is accurate to a few ulps of 3, hence the 1e-12.
  const arma::mat a = {{1.0, 2.0}, {2.0, 1.0}};
  const arma::mat s = gma::nearest_spd(a, 1e-6, 1e6);
  const arma::vec l = arma::eig_sym(s);
  EXPECT_GE(l.min(), 3e-6 - 1e-12);
  EXPECT_NEAR(l.max(), 3.0, 1e-12);
  arma::mat chol;
  EXPECT_TRUE(arma::chol(chol, s));
}

TEST(NearestSpd, KeepsTheEigenvectorsOfTheFlooredMatrix) {
  // diag(2, -5) rotated: the result is the same rotation of diag(2, floor).
  const double c = std::cos(0.3), s = std::sin(0.3);
  const arma::mat r = {{c, -s}, {s, c}};
  const arma::mat a = r * arma::diagmat(arma::vec{2.0, -5.0}) * r.t();
  const arma::mat expected =
      r * arma::diagmat(arma::vec{2.0, 0.01}) * r.t();
  const arma::mat out = gma::nearest_spd(a, 0.01, 1e6);
  EXPECT_LT(arma::abs(out - expected).max(), 1e-12);
}

TEST(NearestSpd, WellConditionedSpdMatrixIsReturnedUnchanged) {
  const arma::mat a = {{2.0, 0.3, 0.1}, {0.3, 1.0, -0.2}, {0.1, -0.2, 0.5}};
  const arma::mat out = gma::nearest_spd(a, 1e-6, 1e6);
  EXPECT_TRUE(arma::approx_equal(out, a, "absdiff", 0.0));
}

TEST(NearestSpd, ConditionNumberIsCapped) {
  // Condition 1e4 capped at 1e3: the small eigenvalue rises to 10 / 1e3.
  const arma::mat a = arma::diagmat(arma::vec{10.0, 1e-3});
  const arma::mat out = gma::nearest_spd(a, 1e-6, 1e3);
  EXPECT_NEAR(condition(out), 1e3, 1e-9);
  EXPECT_NEAR(out(1, 1), 1e-2, 1e-15);
  EXPECT_DOUBLE_EQ(out(0, 0), 10.0);
}

TEST(NearestSpd, NegativeMatrixBecomesTheFloorTimesIdentity) {
  const arma::mat a = -arma::eye(3, 3);
  const arma::mat out = gma::nearest_spd(a, 1e-4, 1e6);
  EXPECT_LT(arma::abs(out - 1e-4 * arma::eye(3, 3)).max(), 1e-18);
}

TEST(NearestSpd, OutputIsExactlySymmetric) {
  // An asymmetric, indefinite 6 x 6 input from a fixed pattern.
  arma::mat a(6, 6);
  for (arma::uword i = 0; i < 6; ++i)
    for (arma::uword j = 0; j < 6; ++j)
      a(i, j) = std::sin(1.0 + 3.0 * i + 7.0 * j);
  const arma::mat out = gma::nearest_spd(a, 1e-6, 1e6);
  EXPECT_TRUE(arma::approx_equal(out, out.t(), "absdiff", 0.0));
  EXPECT_LE(condition(out), 1e6 * (1 + 1e-6));
}

TEST(NearestSpd, BadInputsNameTheProblem) {
  const arma::mat ok = arma::eye(2, 2);
  auto expect = [](auto f, const std::string& text) {
    try {
      f();
      ADD_FAILURE() << "no error; expected '" << text << "'";
    } catch (const gma::Error& e) {
      EXPECT_EQ(static_cast<int>(e.kind()),
                static_cast<int>(gma::ErrorKind::argument));
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos)
          << e.what();
    }
  };
  const arma::mat wide(2, 3, arma::fill::zeros);
  expect([&] { gma::nearest_spd(wide, 1e-6, 1e6); }, "2 x 3");
  expect([&] { gma::nearest_spd(ok, 0.0, 1e6); }, "eigen_floor (0)");
  expect([&] { gma::nearest_spd(ok, 1e-6, 0.5); }, "max_condition (0.5)");
  arma::mat bad = ok;
  bad(0, 1) = arma::datum::nan;
  expect([&] { gma::nearest_spd(bad, 1e-6, 1e6); }, "finite");
}
