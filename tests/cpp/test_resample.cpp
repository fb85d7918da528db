// Tests of stratified and systematic resampling.
#include <gtest/gtest.h>

#include "common.hpp"
#include "gma/error.hpp"
#include "gma/resample.hpp"

namespace {

// A bank of 4 components x 10 points, all inside the support, except
// points 0..4 of component 3 (outside).
gma::Bank small_bank() {
  const arma::mat means = {{-3.0, -1.0, 1.0, 3.0}};
  const gma::Mixture mix = gma::Mixture::isotropic(means, 0.1);
  gma::Rng rng(1);
  gma::Bank bank = gma::draw_bank(mix, 10, rng);
  bank.log_target = arma::zeros(40);
  bank.log_target.subvec(30, 34).fill(-arma::datum::inf);
  return bank;
}

// Pearson's chi-square of counts against expected counts.
double chi_square(const arma::vec& counts, const arma::vec& expected) {
  return arma::accu(arma::square(counts - expected) / expected);
}

const arma::vec kWeights = {0.1, 0.4, 0.2, 0.3};

}  // namespace

TEST(Resample, StratifiedComponentCountsFollowTheWeights) {
  // Component counts are multinomial(n, w): chi-square with 3 degrees of
  // freedom; 30.66 is its 1 - 1e-6 quantile, so a correct sampler fails
  // this for fewer than one seed in a million.
  const gma::Bank bank = small_bank();
  gma::Rng rng(3);
  const arma::uword n = 100000;
  const arma::uvec idx = gma::resample(bank, kWeights, n,
                                       gma::Resampling::stratified, rng);
  arma::vec counts(4, arma::fill::zeros);
  for (arma::uword m : idx) counts[m / 10] += 1;
  EXPECT_LT(chi_square(counts, n * kWeights), 30.6648);
}

TEST(Resample, StratifiedPointsWithinAComponentAreUniform) {
  // Within component 1, the 10 points are equally likely: chi-square with 9
  // degrees of freedom, 1 - 1e-6 quantile 44.81.
  const gma::Bank bank = small_bank();
  gma::Rng rng(4);
  const arma::uvec idx = gma::resample(bank, kWeights, 200000,
                                       gma::Resampling::stratified, rng);
  arma::vec counts(10, arma::fill::zeros);
  for (arma::uword m : idx)
    if (m / 10 == 1) counts[m % 10] += 1;
  const arma::vec expected(10, arma::fill::value(arma::accu(counts) / 10));
  EXPECT_LT(chi_square(counts, expected), 44.8109);
}

TEST(Resample, SystematicCountsAreWithinOneOfTheirExpectation) {
  // Each inside point of component c carries w_c / (inside points of c).
  const gma::Bank bank = small_bank();
  gma::Rng rng(5);
  const arma::uword n = 1000;
  const arma::uvec idx = gma::resample(bank, kWeights, n,
                                       gma::Resampling::systematic, rng);
  arma::vec counts(40, arma::fill::zeros);
  for (arma::uword m : idx) counts[m] += 1;
  for (arma::uword m = 0; m < 40; ++m) {
    const arma::uword c = m / 10;
    const double inside = c == 3 ? 5.0 : 10.0;
    const double expected =
        (c == 3 && m < 35) ? 0.0 : n * kWeights[c] / inside;
    EXPECT_LT(std::abs(counts[m] - expected), 1.0) << "point " << m;
  }
}

TEST(Resample, PointsOutsideTheSupportAreNeverDrawn) {
  const gma::Bank bank = small_bank();
  gma::Rng rng(6);
  for (gma::Resampling r :
       {gma::Resampling::stratified, gma::Resampling::systematic}) {
    const arma::uvec idx = gma::resample(bank, kWeights, 5000, r, rng);
    for (arma::uword m : idx) EXPECT_FALSE(m >= 30 && m < 35) << m;
  }
}

TEST(Resample, RejectsWrongWeightsAndCounts) {
  const gma::Bank bank = small_bank();
  gma::Rng rng(7);
  EXPECT_THROW(gma::resample(bank, arma::vec{0.5, 0.5}, 10,
                             gma::Resampling::stratified, rng),
               gma::Error);
  EXPECT_THROW(gma::systematic_indices(arma::vec{0.0, 0.0}, 10, rng),
               gma::Error);
  EXPECT_THROW(gma::systematic_indices(arma::vec{0.5, 0.5}, 0, rng),
               gma::Error);
  EXPECT_THROW(gma::systematic_indices(arma::vec{-0.5, 1.5}, 3, rng),
               gma::Error);
}
