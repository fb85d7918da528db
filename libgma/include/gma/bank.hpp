// bank.hpp: the fixed set of points where the target is evaluated.
//
// M points are drawn from each of the N components (points i*M .. i*M+M-1
// belong to component i). The bank is drawn once and never redrawn; the
// target is evaluated on it once, and every later step works from these
// values.
#ifndef GMA_BANK_HPP
#define GMA_BANK_HPP

#include "gma/arma.hpp"
#include "gma/mixture.hpp"
#include "gma/rng.hpp"
#include "gma/target.hpp"

namespace gma {

struct Bank {
  arma::mat points;               // dim x (N*M)
  arma::uword per_component = 0;  // M
  arma::vec log_target;           // log p~ at each point (-Inf outside)
  EvalCounts counts;              // evaluations, invalid and outside counts

  arma::uword size() const { return points.n_cols; }
  arma::uword components() const {
    return per_component ? points.n_cols / per_component : 0;
  }

  // The number of points of component i inside the support.
  arma::uword inside(arma::uword i) const;
};

// Draw M points from every component of the mixture (M >= 1).
Bank draw_bank(const Mixture& mixture, arma::uword per_component, Rng& rng);

// Evaluate the target on the bank (see Target::evaluate). Throws
// gma::Error (kind target) when no bank point has a finite log density.
void evaluate_bank(Bank& bank, const Target& target, arma::uword batch_size,
                   arma::uword threads, const RoundFn& after_round);

}  // namespace gma

#endif  // GMA_BANK_HPP
