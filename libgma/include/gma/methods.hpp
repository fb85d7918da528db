// methods.hpp: the fitting methods as the sampler runs them.
//
// Each method takes a starting mixture (or starts, for LMA) on the
// unconstrained scale and returns a Fit: the fitted mixture, the bank it
// was fitted on (W-GMA methods only), the evaluation counts and its own
// diagnostics. The sampler chooses the starts, checks the fit by
// importance sampling and draws the output.
#ifndef GMA_METHODS_HPP
#define GMA_METHODS_HPP

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "gma/arma.hpp"
#include "gma/bank.hpp"
#include "gma/log.hpp"
#include "gma/mixture.hpp"
#include "gma/options.hpp"
#include "gma/rng.hpp"
#include "gma/target.hpp"

namespace gma {

enum class Stage { bank = 0, fit = 1, resample = 2, check = 3,
                   optimise = 4 };

// Progress: (stage, done, total); returning true stops the run.
using ProgressFn = std::function<bool(Stage, long, long)>;

// What a method works with. `options` has its defaults resolved.
struct Context {
  const Target& target;
  const Options& options;
  Rng& rng;
  const Logger& logger;
  const ProgressFn& progress;
};

struct Fit {
  Mixture mixture;
  std::shared_ptr<Bank> bank;  // the bank of the last W-GMA fit, if any
  EvalCounts counts;
  std::map<std::string, double> diagnostics;
};

// W-GMA (wgma-md, wgma-pgd, wgma-stable per options.method) from start.
Fit fit_wgma(const Context& context, const Mixture& start);

// Coarse-to-refine W-GMA: a fit from start, then a second fit on narrower
// components resampled around the heaviest ones.
Fit fit_refine(const Context& context, const Mixture& start);

// W-GMA (or wgma-refine) on components around the modes found by local
// searches from starts (regions.hpp), with a cover of components over the
// box [lower, upper] (empty: the box of the modes), the regions refitted
// from the bank options.adapt_rounds times, each with a fresh bank.
Fit fit_at_modes(const Context& context, const arma::mat& starts,
                 const arma::vec& lower, const arma::vec& upper);

// LMA from starts (dim x S): the Laplace mixture of the modes found.
Fit fit_laplace(const Context& context, const arma::mat& starts);

// EM-GMA from start.
Fit fit_em_method(const Context& context, const Mixture& start);

// Add b's counts to a's.
void add_counts(EvalCounts& a, const EvalCounts& b);

}  // namespace gma

#endif  // GMA_METHODS_HPP
