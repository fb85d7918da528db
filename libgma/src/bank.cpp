// bank.cpp: drawing the bank from the components and evaluating it.
#include "gma/bank.hpp"

#include <cmath>

#include "gma/error.hpp"

namespace gma {

arma::uword Bank::inside(arma::uword i) const {
  const arma::uword first = i * per_component;
  const arma::vec block = log_target.subvec(first, first + per_component - 1);
  return arma::accu(block > -arma::datum::inf);
}

Bank draw_bank(const Mixture& mixture, arma::uword per_component, Rng& rng) {
  if (per_component == 0)
    fail(ErrorKind::argument, "gma::draw_bank",
         "points_per_component must be at least 1");

  // M draws from each component in turn, stored block by block.
  Bank bank;
  bank.per_component = per_component;
  bank.points.set_size(mixture.dim(), mixture.size() * per_component);
  for (arma::uword i = 0; i < mixture.size(); ++i) {
    bank.points.cols(i * per_component, (i + 1) * per_component - 1) =
        mixture.sample_component(i, per_component, rng);
  }
  return bank;
}

void evaluate_bank(Bank& bank, const Target& target, arma::uword batch_size,
                   arma::uword threads, const RoundFn& after_round) {
  // The only target evaluations of a W-GMA run.
  bank.counts = EvalCounts();
  bank.log_target = target.evaluate(bank.points, batch_size, threads,
                                    bank.counts, after_round);

  // A bank with no finite value says nothing about the target.
  if (bank.counts.outside == bank.size())
    fail(ErrorKind::target, "gma::evaluate_bank", "no bank point has a ",
         "finite log density (", bank.size(), " points, ",
         bank.counts.invalid, " NaN or +Inf); check the target and the ",
         "box or means");
}

}  // namespace gma
