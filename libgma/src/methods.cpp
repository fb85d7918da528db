// methods.cpp: each fitting method wrapped for the sampler.
#include "gma/methods.hpp"

#include <algorithm>
#include <cmath>

#include "gma/em.hpp"
#include "gma/error.hpp"
#include "gma/lma.hpp"
#include "gma/math.hpp"
#include "gma/placement.hpp"
#include "gma/regions.hpp"
#include "gma/wgma.hpp"
#include "gma/wgma_stable.hpp"

namespace gma {

void add_counts(EvalCounts& a, const EvalCounts& b) {
  a.evaluations += b.evaluations;
  a.invalid += b.invalid;
  a.outside += b.outside;
}

namespace {

// An iteration hook reporting to the progress function in a stage.
IterationFn stage_hook(const Context& c, Stage stage) {
  return [&c, stage](arma::uword k, arma::uword total) {
    return c.progress && c.progress(stage, long(k), long(total));
  };
}

// Report a stage boundary; throws Stopped when asked to stop.
void boundary(const Context& c, Stage stage, long done, long total) {
  if (c.progress && c.progress(stage, done, total)) throw Stopped();
}

// The LMA settings of the options.
LmaSettings lma_settings(const Options& o) {
  LmaSettings s;
  s.kappa = o.kappa;
  s.max_evaluations = o.max_evaluations;
  s.merge_distance = o.merge_distance;
  s.eigen_floor = o.eigen_floor;
  s.max_condition = o.max_condition;
  s.batch_size = o.batch_size;
  s.threads = o.threads;
  return s;
}

// The weights of the W-GMA fit chosen by options.method.
arma::vec fit_weights_by_method(const Context& c,
                                const WeightObjective& objective,
                                const arma::vec& w0) {
  const Options& o = c.options;
  if (o.method == Method::wgma_stable) {
    StableSettings s;
    s.iterations = o.iterations;
    s.step_size = o.step_size;
    s.step_offset = o.step_offset;
    s.temper_min = o.temper_min;
    s.standardise = o.standardise != 0.0;
    s.entropy_penalty = o.entropy_penalty;
    s.md_temperature = o.md_temperature;
    s.damping = o.damping;
    s.tail_fraction = o.tail_fraction;
    return fit_weights_stable(objective, w0, s, o.progress_every,
                              stage_hook(c, Stage::fit));
  }
  const WgmaSettings s{o.iterations, o.step_size, o.update(), o.schedule};
  return fit_weights(objective, w0, s, o.progress_every,
                     stage_hook(c, Stage::fit));
}

// The objective in its cheaper form: sparse, unless the truncation keeps
// more than a quarter of the entries anyway (heavily overlapping
// components, as at the modes in many dimensions: there the sparse form's
// extension grows past the dense size and its iterations cost some 30
// times the dense ones), and the dense form fits in 2 GB.
WeightObjective cheaper_objective(const Mixture& mixture, const Bank& bank) {
  WeightObjective sparse(mixture, bank);
  const double n = double(mixture.size());
  const double dense_bytes = 16.0 * n * n * double(bank.per_component);
  if (sparse.stored_fraction() > 0.25 && dense_bytes <= 2e9)
    return WeightObjective(mixture, bank, Storage::dense);
  return sparse;
}

}  // namespace

Fit fit_wgma(const Context& c, const Mixture& start) {
  const Options& o = c.options;

  // Draw the bank and evaluate the target on it.
  const arma::uword m = o.points_per_component;
  boundary(c, Stage::bank, 0, long(start.size() * m));
  auto bank = std::make_shared<Bank>(draw_bank(start, m, c.rng));
  evaluate_bank(*bank, c.target, o.batch_size, o.threads,
                [&c](arma::uword done, arma::uword total) {
                  return c.progress &&
                         c.progress(Stage::bank, long(done), long(total));
                });

  // Fit the weights.
  boundary(c, Stage::fit, 0, long(o.iterations));
  const WeightObjective objective = cheaper_objective(start, *bank);
  const arma::vec w = fit_weights_by_method(c, objective, start.weights());
  Mixture fitted = start;
  fitted.set_weights(w / arma::accu(w));

  // Keep the fit with its own diagnostics.
  Fit fit{fitted, bank, bank->counts, {}};
  fit.diagnostics["elbo"] = -objective.value(fitted.weights());
  return fit;
}

Fit fit_refine(const Context& c, const Mixture& start) {
  const Options& o = c.options;

  // Stage 1 on the given components.
  Fit coarse = fit_wgma(c, start);
  const Mixture& m1 = coarse.mixture;

  // Keep the heaviest share of the components.
  const arma::uword n = m1.size();
  const arma::uword keep = std::max<arma::uword>(
      1, arma::uword(std::ceil(o.refine_keep * double(n))));
  const arma::uvec order = arma::sort_index(m1.weights(), "descend");
  const arma::uvec kept = order.head(keep);
  arma::vec kept_w = m1.weights().elem(kept);
  if (!(arma::accu(kept_w) > 0.0)) kept_w.ones();

  // N new means around the kept ones, chosen by weight, with a jitter.
  const arma::vec cum = arma::cumsum(kept_w / arma::accu(kept_w));
  arma::uvec chosen(n);
  for (arma::uword j = 0; j < n; ++j)
    chosen[j] = search_cumulative(cum, c.rng.uniform());
  const arma::mat sd1 = arma::sqrt(m1.variances().cols(kept.elem(chosen)));
  const arma::mat sd2 = o.refine_shrink * sd1;
  arma::mat means = m1.means().cols(kept.elem(chosen));
  means += o.refine_jitter * sd2 % c.rng.normal_matrix(m1.dim(), n);

  // Stage 2 on the narrower components: a fresh bank, a fresh fit.
  Fit fine = fit_wgma(c, Mixture::diagonal(means, arma::square(sd2)));
  add_counts(fine.counts, coarse.counts);
  fine.diagnostics["stage1_elbo"] = coarse.diagnostics["elbo"];
  return fine;
}

namespace {

// The W-GMA fit of the method on one placement.
Fit fit_placed(const Context& c, const Mixture& placed, bool last) {
  return last && c.options.method == Method::wgma_refine
             ? fit_refine(c, placed)
             : fit_wgma(c, placed);
}

// Local searches from the cover's best bank points far from the regions
// (4 at most); the modes they find far from the regions join them.
// Returns how many joined; a search that finds nothing is no error.
arma::uword search_from_cover(const Context& c, const RegionPlacement& p,
                              const Bank& bank, std::vector<Region>& regions,
                              EvalCounts& spent) {
  const arma::mat starts = cover_starts(regions, p, bank, 4);
  if (starts.n_cols == 0) return 0;
  const CountedTarget counted(c.target);
  try {
    const LmaReport r = fit_lma(counted.target(), starts,
                                lma_settings(c.options), c.logger);
    add_counts(spent, counted.counts());
    return add_new_modes(regions, r.mixture);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::target) throw;
    add_counts(spent, counted.counts());
    return 0;
  }
}

}  // namespace

Fit fit_at_modes(const Context& c, const arma::mat& starts,
                 const arma::vec& lower, const arma::vec& upper) {
  const Options& o = c.options;
  const arma::uword dim = starts.n_rows;

  // The modes of the local searches are the first regions.
  const Fit laplace = fit_laplace(c, starts);
  std::vector<Region> regions = laplace_regions(laplace.mixture);
  EvalCounts spent = laplace.counts;
  double least_ess = arma::datum::nan;

  // The cover: a share of the components over the box (or the modes').
  arma::vec lo = lower, hi = upper;
  if (lo.is_empty()) regions_box(regions, lo, hi);
  const arma::uword n_cover = std::min<arma::uword>(
      o.components - 1, arma::uword(o.cover_fraction * o.components));
  std::unique_ptr<Mixture> cover;
  if (n_cover)
    cover = std::make_unique<Mixture>(
        place_in_box(lo, hi, n_cover, 0.0, c.rng));

  // Fit on components in the regions; refit the regions from the bank,
  // with up to two more rounds while cover components find new regions.
  arma::uword rounds = o.adapt_rounds;
  for (arma::uword round = 0;; ++round) {
    const RegionPlacement placed = place_in_regions(
        regions, o.components - n_cover, o.spread, cover.get(), c.rng);
    const bool last = round == rounds;
    Fit f = fit_placed(c, placed.mixture, last);
    if (last) {
      add_counts(f.counts, spent);
      f.diagnostics.insert(laplace.diagnostics.begin(),
                           laplace.diagnostics.end());
      f.diagnostics["regions"] = double(regions.size());
      f.diagnostics["region_min_ess"] = least_ess;
      return f;
    }
    add_counts(spent, f.counts);
    const RegionRefit refit = refit_regions(
        regions, placed, f.mixture.weights(), *f.bank,
        10.0 * double(dim + 1), o.eigen_floor, o.max_condition);
    regions = refit.regions;
    least_ess = refit.least_ess;
    const arma::uword searched = search_from_cover(c, placed, *f.bank,
                                                   regions, spent);
    const bool found = refit.found + searched > 0;
    if (found && round + 1 == rounds && rounds < o.adapt_rounds + 2)
      ++rounds;
    c.logger.log(LogLevel::info, "regions",
                 cat("round ", round + 1, ": ", regions.size(),
                     " region(s) (", refit.found + searched, " new, ",
                     refit.dropped, " dropped), least importance ESS ",
                     least_ess));
  }
}

Fit fit_laplace(const Context& c, const arma::mat& starts) {
  // Multi-start optimisation, Hessians and Laplace weights.
  boundary(c, Stage::optimise, 0, long(starts.n_cols));
  const LmaReport r = fit_lma(c.target, starts, lma_settings(c.options),
                              c.logger, stage_hook(c, Stage::optimise));

  // The Laplace mixture with its diagnostics.
  Fit fit{r.mixture, nullptr, r.counts, {}};
  fit.diagnostics["modes"] = double(r.modes);
  fit.diagnostics["failed_starts"] = double(r.failed_starts);
  return fit;
}

Fit fit_em_method(const Context& c, const Mixture& start) {
  const Options& o = c.options;

  // Population EM with the options' settings.
  EmSettings s;
  s.iterations = o.iterations;
  s.bank_size = o.bank_size;
  s.ridge = o.ridge;
  s.eigen_floor = o.eigen_floor;
  s.max_condition = o.max_condition;
  s.min_ess_fraction = o.min_ess_fraction;
  s.batch_size = o.batch_size;
  s.threads = o.threads;
  boundary(c, Stage::fit, 0, long(o.iterations));
  const EmReport r = fit_em(start, c.target, s, c.rng, c.logger,
                            stage_hook(c, Stage::fit));

  // The EM mixture with its diagnostics.
  Fit fit{r.mixture, nullptr, r.counts, {}};
  fit.diagnostics["em_min_ess"] = r.min_ess;
  fit.diagnostics["em_last_ess"] = r.last_ess;
  fit.diagnostics["em_degenerate_iterations"] =
      double(r.degenerate_iterations);
  return fit;
}

}  // namespace gma
