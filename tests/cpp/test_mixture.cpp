// Tests of the Gaussian mixture: log densities and sampling.
#include <gtest/gtest.h>

#include <cmath>

#include "gma/error.hpp"
#include "gma/mixture.hpp"

namespace {

// log N(x; mu, diag(v)) written out coordinate by coordinate.
double log_normal_diag(const arma::vec& x, const arma::vec& mu,
                       const arma::vec& v) {
  double s = 0;
  for (arma::uword k = 0; k < x.n_elem; ++k)
    s += -0.5 * std::log(2 * M_PI * v[k]) -
         0.5 * (x[k] - mu[k]) * (x[k] - mu[k]) / v[k];
  return s;
}

}  // namespace

TEST(Mixture, IsotropicLogDensityMatchesClosedForm) {
  const arma::mat means = {{0.0, 2.0, -1.0}, {1.0, -3.0, 0.5}};
  const gma::Mixture m = gma::Mixture::isotropic(means, 0.7);
  const arma::mat x = {{0.3, 100.0, -2.0}, {0.1, 99.0, 4.0}};
  const arma::mat lp = m.component_log_densities(x);
  for (arma::uword j = 0; j < x.n_cols; ++j)
    for (arma::uword l = 0; l < 3; ++l)
      EXPECT_NEAR(lp(j, l),
                  log_normal_diag(x.col(j), means.col(l), {0.7, 0.7}),
                  1e-9 * std::max(1.0, std::abs(lp(j, l))));
}

TEST(Mixture, DiagonalLogDensityMatchesClosedForm) {
  const arma::mat means = {{0.0, 2.0}, {1.0, -3.0}, {5.0, 5.0}};
  const arma::mat var = {{0.5, 2.0}, {1.5, 0.1}, {3.0, 0.01}};
  const gma::Mixture m = gma::Mixture::diagonal(means, var);
  const arma::mat x = {{0.3, 1e3}, {0.1, -2.0}, {4.0, 5.1}};
  const arma::mat lp = m.component_log_densities(x);
  for (arma::uword j = 0; j < 2; ++j)
    for (arma::uword l = 0; l < 2; ++l)
      EXPECT_NEAR(lp(j, l),
                  log_normal_diag(x.col(j), means.col(l), var.col(l)),
                  1e-9 * std::max(1.0, std::abs(lp(j, l))));
}

TEST(Mixture, MixtureLogDensityIsLogOfWeightedSum) {
  const arma::mat means = {{-1.0, 1.5}};
  gma::Mixture m = gma::Mixture::isotropic(means, 0.4);
  m.set_weights({0.25, 0.75});
  const arma::mat x = {{0.2, -30.0, 40.0}};
  const arma::vec lq = m.log_density(x);
  for (arma::uword j = 0; j < 3; ++j) {
    const double a = std::log(0.25) + log_normal_diag(x.col(j), {-1.0}, {0.4});
    const double b = std::log(0.75) + log_normal_diag(x.col(j), {1.5}, {0.4});
    const double top = std::max(a, b);
    const double want = top + std::log(std::exp(a - top) + std::exp(b - top));
    EXPECT_NEAR(lq[j], want, 1e-9 * std::max(1.0, std::abs(want)));
  }
}

TEST(Mixture, ComponentDrawsHaveTheComponentsMoments) {
  // 40000 draws: the sd of a sample mean is sd / 200, of a sample variance
  // about var * sqrt(2 / 40000) = 0.7 % of var; tolerances are 5 of those.
  const arma::mat means = {{1.0, -2.0}, {3.0, 0.0}};
  const arma::mat var = {{0.25, 4.0}, {1.0, 9.0}};
  const gma::Mixture m = gma::Mixture::diagonal(means, var);
  gma::Rng rng(7);
  const arma::uword n = 40000;
  for (arma::uword i = 0; i < 2; ++i) {
    const arma::mat z = m.sample_component(i, n, rng);
    for (arma::uword k = 0; k < 2; ++k) {
      const double sd = std::sqrt(var(k, i));
      EXPECT_NEAR(arma::mean(z.row(k)), means(k, i), 5 * sd / 200);
      EXPECT_NEAR(arma::var(z.row(k)), var(k, i), 5 * 0.0071 * var(k, i));
    }
  }
}

TEST(Mixture, CovariancesAreDiagonalMatrices) {
  const arma::mat means = {{0.0, 1.0}, {0.0, 1.0}};
  const arma::mat var = {{0.5, 2.0}, {1.5, 0.1}};
  const arma::cube c = gma::Mixture::diagonal(means, var).covariances();
  ASSERT_EQ(c.n_slices, 2u);
  EXPECT_DOUBLE_EQ(c(0, 0, 1), 2.0);
  EXPECT_DOUBLE_EQ(c(1, 1, 1), 0.1);
  EXPECT_DOUBLE_EQ(c(0, 1, 0), 0.0);
}

TEST(Rng, SameSeedSameStreamAndUniformsInsideTheOpenInterval) {
  gma::Rng a(11), b(11), c(12);
  double lo = 1, hi = 0;
  bool differs = false;
  for (int i = 0; i < 10000; ++i) {
    const double u = a.uniform();
    EXPECT_EQ(u, b.uniform());
    differs = differs || (u != c.uniform());
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  EXPECT_TRUE(differs);
  EXPECT_GT(lo, 0.0);
  EXPECT_LT(hi, 1.0);
}

TEST(Mixture, FullCovarianceLogDensityMatchesClosedForm) {
  const arma::mat means = {{0.0, 2.0}, {1.0, -1.0}};
  arma::cube cov(2, 2, 2);
  cov.slice(0) = {{1.0, 0.8}, {0.8, 1.0}};
  cov.slice(1) = {{0.2, -0.1}, {-0.1, 3.0}};
  const gma::Mixture m = gma::Mixture::full(means, cov);
  const arma::mat x = {{0.3, -4.0, 10.0}, {0.1, 2.0, -7.0}};
  const arma::mat lp = m.component_log_densities(x);
  for (arma::uword j = 0; j < 3; ++j) {
    for (arma::uword l = 0; l < 2; ++l) {
      const arma::vec r = x.col(j) - means.col(l);
      const double want =
          -0.5 * arma::as_scalar(r.t() * arma::inv(cov.slice(l)) * r) -
          std::log(2 * M_PI) - 0.5 * std::log(arma::det(cov.slice(l)));
      EXPECT_NEAR(lp(j, l), want, 1e-9 * std::max(1.0, std::abs(want)));
    }
  }
  EXPECT_LT(arma::abs(m.covariances().slice(1) - cov.slice(1)).max(), 1e-12);
}

TEST(Mixture, FullCovarianceDrawsHaveTheComponentsCovariance) {
  // 40000 draws: the sd of a sample covariance entry is below 0.01 here;
  // the tolerance 0.04 is four of those.
  const arma::mat means = arma::vec{1.0, -1.0};
  arma::cube cov(2, 2, 1);
  cov.slice(0) = {{1.0, 0.8}, {0.8, 1.0}};
  const gma::Mixture m = gma::Mixture::full(means, cov);
  gma::Rng rng(3);
  const arma::mat z = m.sample(40000, rng);
  EXPECT_LT(arma::abs(arma::cov(z.t()) - cov.slice(0)).max(), 0.04);
  EXPECT_LT(arma::abs(arma::mean(z, 1) - means).max(), 0.04);
}

TEST(Mixture, MixtureDrawsFollowTheWeights) {
  // Two far-apart components with weights 0.25, 0.75: the share of 40000
  // draws on the right has sd 0.0022; tolerance 0.01.
  const arma::mat means = {{-10.0, 10.0}};
  gma::Mixture m = gma::Mixture::isotropic(means, 1.0);
  m.set_weights({0.25, 0.75});
  gma::Rng rng(4);
  const arma::mat z = m.sample(40000, rng);
  EXPECT_NEAR(arma::mean(arma::conv_to<arma::vec>::from(z.row(0) > 0)),
              0.75, 0.01);
}

TEST(Mixture, FullRejectsAsymmetricAndIndefiniteMatrices) {
  const arma::mat means = arma::vec{0.0, 0.0};
  arma::cube cov(2, 2, 1);
  cov.slice(0) = {{1.0, 0.5}, {0.2, 1.0}};
  EXPECT_THROW(gma::Mixture::full(means, cov), gma::Error);
  cov.slice(0) = {{1.0, 2.0}, {2.0, 1.0}};
  EXPECT_THROW(gma::Mixture::full(means, cov), gma::Error);
  EXPECT_THROW(gma::Mixture::full(means, arma::cube(3, 3, 1)), gma::Error);
}
