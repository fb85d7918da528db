// resample.hpp: turning fitted weights into draws from the bank.
//
// Stratified (the GMA paper's scheme): draw a component c with probability
// w_c, then one of c's bank points inside the support uniformly, with
// replacement. The component is the stratum.
//
// Systematic: every bank point inside the support carries w_c / (number of
// c's points inside); one uniform u gives the n evenly spaced positions
// (u + j) / n on the cumulative weights. The count of each point then
// differs from its expectation by less than one.
#ifndef GMA_RESAMPLE_HPP
#define GMA_RESAMPLE_HPP

#include "gma/arma.hpp"
#include "gma/bank.hpp"
#include "gma/rng.hpp"

namespace gma {

enum class Resampling { stratified, systematic };

// n bank indices drawn by the chosen scheme from weights w (one per
// component of the bank). Points outside the support are never drawn.
arma::uvec resample(const Bank& bank, const arma::vec& w, arma::uword n,
                    Resampling scheme, Rng& rng);

// n indices by systematic resampling of non-negative weights p (sum > 0).
arma::uvec systematic_indices(const arma::vec& p, arma::uword n, Rng& rng);

}  // namespace gma

#endif  // GMA_RESAMPLE_HPP
