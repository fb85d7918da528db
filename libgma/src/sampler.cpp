// sampler.cpp: one run, from the starting information to the draws.
#include "gma/sampler.hpp"

#include <chrono>
#include <cmath>

#include "gma/error.hpp"
#include "gma/importance.hpp"
#include "gma/math.hpp"
#include "gma/placement.hpp"
#include "gma/psis.hpp"
#include "gma/regions.hpp"
#include "gma/resample.hpp"

namespace gma {

namespace {

// The dimension, checked before anything is built from it.
arma::uword checked_dim(arma::uword dim) {
  if (dim == 0)
    fail(ErrorKind::argument, "gma::Sampler", "dim (0) must be at least 1");
  return dim;
}

}  // namespace

Sampler::Sampler(arma::uword dim)
    : dim_(checked_dim(dim)), bounds_(dim) {}

void Sampler::set_target(BatchFn fn) {
  target_ = std::make_unique<Target>(dim_, std::move(fn));
}

void Sampler::set_bounds(const arma::vec& lower, const arma::vec& upper) {
  if (lower.n_elem != dim_ || upper.n_elem != dim_)
    fail(ErrorKind::argument, "gma::Sampler::set_bounds", "lower and upper ",
         "need ", dim_, " values each (got ", lower.n_elem, " and ",
         upper.n_elem, ")");
  bounds_ = Bounds(lower, upper);
}

void Sampler::clear_starts() {
  lower_.reset();
  upper_.reset();
  start_.reset();
  means_.reset();
  variances_.reset();
  prior_ = PriorFn();
}

void Sampler::set_box(const arma::vec& lower, const arma::vec& upper) {
  // Check the box: dim finite values each, lower < upper.
  if (lower.n_elem != dim_ || upper.n_elem != dim_)
    fail(ErrorKind::argument, "gma::Sampler::set_box", "lower and upper ",
         "need ", dim_, " values each (got ", lower.n_elem, " and ",
         upper.n_elem, ")");
  for (arma::uword k = 0; k < dim_; ++k) {
    if (!std::isfinite(lower[k]) || !std::isfinite(upper[k]) ||
        !(lower[k] < upper[k]))
      fail(ErrorKind::argument, "gma::Sampler::set_box", "coordinate ",
           k + 1, ": need finite lower < upper (lower ", lower[k],
           ", upper ", upper[k], ")");
  }
  clear_starts();
  lower_ = lower;
  upper_ = upper;
}

void Sampler::set_means(const arma::mat& means) {
  if (means.n_rows != dim_ || means.n_cols == 0)
    fail(ErrorKind::argument, "gma::Sampler::set_means", "means must be ",
         dim_, " x N with N >= 1 (got ", means.n_rows, " x ", means.n_cols,
         ")");
  if (!means.is_finite())
    fail(ErrorKind::argument, "gma::Sampler::set_means",
         "means must be finite");
  clear_starts();
  means_ = means;
  options_.components = means.n_cols;
}

void Sampler::set_variances(const arma::mat& variances) {
  if (means_.is_empty())
    fail(ErrorKind::state, "gma::Sampler::set_variances",
         "set the means first");
  if (variances.n_rows != means_.n_rows || variances.n_cols != means_.n_cols)
    fail(ErrorKind::argument, "gma::Sampler::set_variances", "variances (",
         variances.n_rows, " x ", variances.n_cols, ") must match the means (",
         means_.n_rows, " x ", means_.n_cols, ")");
  if (!variances.is_finite() || variances.min() <= 0.0)
    fail(ErrorKind::argument, "gma::Sampler::set_variances",
         "variances must be positive and finite (smallest ",
         variances.min(), ")");
  variances_ = variances;
}

void Sampler::set_prior(PriorFn prior) {
  if (!prior)
    fail(ErrorKind::argument, "gma::Sampler::set_prior", "no function");
  clear_starts();
  prior_ = std::move(prior);
}

void Sampler::set_start(const arma::vec& point) {
  if (point.n_elem != dim_ || !point.is_finite())
    fail(ErrorKind::argument, "gma::Sampler::set_start", "the start needs ",
         dim_, " finite values (got ", point.n_elem, ")");
  clear_starts();
  start_ = point;
}

const Result& Sampler::result() const {
  if (!result_)
    fail(ErrorKind::state, "gma::Sampler::result",
         "no result: run the sampler successfully first");
  return *result_;
}

Options Sampler::resolve() const {
  // Method-dependent defaults for everything left at 0.
  Options r = options_;
  const bool em = r.method == Method::em;
  if (r.iterations == 0) r.iterations = em ? 60 : 500;
  if (r.points_per_component == 0)
    r.points_per_component = r.method == Method::lma_wgma ? 200 : 30;
  if (r.components == 0) r.components = em ? 8 : default_components(dim_);
  if (r.starts == 0) r.starts = 10 + 2 * dim_;
  // wgma-stable keeps the weights near uniform, so its cloud of
  // components must be the region itself; the others trim a wider one.
  if (r.spread == 0.0)
    r.spread = r.method == Method::wgma_stable ? 1.0 : 1.25;
  r.step_size = r.effective_step_size();
  r.placement = resolved_placement(r);
  // Projected gradient at the modes backtracks: eta0 / k leaves weight on
  // the wide cover components there. Over a box eta0 / k stays: stopped
  // early, it keeps the fit smooth, while the exact optimum of the
  // sample objective is sparse and lumpy.
  const bool backtrack =
      r.method == Method::wgma_pgd && r.placement == Placement::modes;
  if (r.schedule == Schedule::automatic)
    r.schedule = backtrack ? Schedule::backtracking : Schedule::inverse;

  // Given means fix the number of components.
  if (!means_.is_empty() && r.components != means_.n_cols)
    fail(ErrorKind::argument, "gma::Sampler::run", "components (",
         r.components, ") must equal the number of means (", means_.n_cols,
         ")");
  return r;
}

Placement Sampler::resolved_placement(const Options& r) const {
  // LMA, EM and lma-wgma (the Laplace components themselves) place
  // nothing.
  const Method m = r.method;
  if (m == Method::lma || m == Method::em || m == Method::lma_wgma)
    return Placement::box;
  if (r.placement != Placement::automatic) return r.placement;

  // W-GMA: at the modes in 3 or more dimensions, unless the user fixed
  // the means or the component variance.
  const bool fixed = !means_.is_empty() || r.cov_scale > 0.0;
  return dim_ >= 3 && !fixed ? Placement::modes : Placement::box;
}

arma::mat Sampler::prior_draws(arma::uword n) const {
  // The prior's draws, checked, on the unconstrained scale.
  arma::mat x(dim_, n, arma::fill::value(arma::datum::nan));
  prior_(x);
  if (x.n_rows != dim_ || x.n_cols != n || !x.is_finite())
    fail(ErrorKind::callback, "gma::Sampler::run", "the prior sampler must ",
         "fill ", dim_, " x ", n, " finite values (got ", x.n_rows, " x ",
         x.n_cols, ", finite: ", x.is_finite() ? "yes" : "no", ")");
  return bounds_.any() ? bounds_.to_unconstrained(x) : x;
}

arma::mat Sampler::lma_starts(const Context& c) const {
  const arma::uword s = c.options.starts;

  // From a box: a Latin hypercube; from a prior: its draws.
  if (!lower_.is_empty()) {
    arma::vec lo = lower_, hi = upper_;
    bounds_.box_to_unconstrained(lo, hi);
    return latin_hypercube_in_box(lo, hi, s, c.rng);
  }
  if (prior_) return prior_draws(s);

  // From means: the means; from a start: it and unit-normal jitters.
  if (!means_.is_empty())
    return bounds_.any() ? bounds_.to_unconstrained(means_) : means_;
  if (!start_.is_empty()) {
    const arma::vec y = bounds_.any() ? arma::vec(bounds_.to_unconstrained(
                                            arma::mat(start_)))
                                      : start_;
    arma::mat starts = c.rng.normal_matrix(dim_, s);
    starts.each_col() += y;
    starts.col(0) = y;
    return starts;
  }
  fail(ErrorKind::state, "gma::Sampler::run", "no placement: set a box, ",
       "means, a prior sampler or a start point first");
}

Mixture Sampler::start_mixture(const Context& c, EvalCounts& spent) const {
  const Options& o = c.options;
  const bool em = o.method == Method::em;

  // Given means: the given variances, cov_scale or the default width.
  if (!means_.is_empty()) {
    const arma::mat m =
        bounds_.any() ? bounds_.to_unconstrained(means_) : means_;
    if (!variances_.is_empty()) return Mixture::diagonal(m, variances_);
    return Mixture::isotropic(
        m, o.cov_scale > 0.0 ? o.cov_scale : default_variance(m));
  }

  // A prior: its draws as means, widths from their spread.
  if (prior_) {
    const arma::mat m = prior_draws(o.components);
    const arma::vec spread = arma::var(prior_draws(200), 0, 1);
    const double shrink = em ? 1.0
        : std::pow(double(o.components), -2.0 / double(dim_));
    arma::mat v(dim_, o.components);
    v.each_col() = arma::clamp(spread * shrink, 1e-12, arma::datum::inf);
    if (o.cov_scale > 0.0 && !em) return Mixture::isotropic(m, o.cov_scale);
    return Mixture::diagonal(m, v);
  }

  // A box, or the region a start point's local search finds.
  arma::vec lo = lower_, hi = upper_;
  if (!lower_.is_empty()) {
    bounds_.box_to_unconstrained(lo, hi);
  } else {
    const Fit local = fit_laplace(c, lma_starts(c));
    add_counts(spent, local.counts);
    regions_box(laplace_regions(local.mixture), lo, hi);
    c.logger.log(LogLevel::info, "sampler",
                 cat("box from ", local.mixture.size(), " local mode(s)"));
  }
  if (!em) return place_in_box(lo, hi, o.components, o.cov_scale, c.rng);

  // EM: wide components over the box, a quarter of its width each.
  const arma::mat m = latin_hypercube_in_box(lo, hi, o.components, c.rng);
  arma::mat v(dim_, o.components);
  v.each_col() = arma::square((hi - lo) / 4.0);
  return Mixture::diagonal(m, v);
}

Fit Sampler::fit(const Context& c) const {
  EvalCounts spent;
  Fit f = fit_method(c, spent);
  add_counts(f.counts, spent);
  return f;
}

std::optional<Fit> Sampler::try_modes(const Context& c,
                                      EvalCounts& spent) const {
  // The target, counted here too: a failed search returns no counts.
  const CountedTarget counted(c.target);
  const Context cc{counted.target(), c.options, c.rng, c.logger, c.progress};

  // The placement at the modes; with a box, the box when no search
  // finds a mode (a support much smaller than the box).
  arma::vec lo = lower_, hi = upper_;
  if (!lo.is_empty()) bounds_.box_to_unconstrained(lo, hi);
  try {
    return fit_at_modes(cc, lma_starts(cc), lo, hi);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::target || lower_.is_empty()) throw;
    add_counts(spent, counted.counts());
    c.logger.log(LogLevel::warning, "sampler",
                 cat("no local search found a mode (", e.what(), "); the ",
                     "components go over the box instead"));
    return std::nullopt;
  }
}

Fit Sampler::fit_method(const Context& c, EvalCounts& spent) const {
  if (c.options.placement == Placement::modes) {
    const std::optional<Fit> f = try_modes(c, spent);
    if (f) return *f;
  }
  switch (c.options.method) {
    case Method::wgma_refine:
      return fit_refine(c, start_mixture(c, spent));
    case Method::lma:
      return fit_laplace(c, lma_starts(c));
    case Method::lma_wgma: {
      // The Laplace components seed the KL fit of the weights.
      const Fit laplace = fit_laplace(c, lma_starts(c));
      Fit f = fit_wgma(c, laplace.mixture);
      add_counts(f.counts, laplace.counts);
      f.diagnostics.insert(laplace.diagnostics.begin(),
                           laplace.diagnostics.end());
      return f;
    }
    case Method::em:
      return fit_em_method(c, start_mixture(c, spent));
    default:
      return fit_wgma(c, start_mixture(c, spent));
  }
}

namespace {

// Warn when the weighted draws put the target's moments away from q's.
void warn_on_moments(const Context& c, const MomentGap& g) {
  if (g.mean_shift > g.mean_limit || g.scale_gap > g.scale_limit)
    c.logger.log(LogLevel::warning, "check",
                 cat("the importance-weighted draws put the target's ",
                     "moments away from the mixture's (mean shift ",
                     g.mean_shift, " sd, limit ", g.mean_limit,
                     "; |log sd ratio| ", g.scale_gap, ", limit ",
                     g.scale_limit, "): the draws are biased; try ",
                     "output = importance, more components or em"));
}

// The importance check of a fit, recorded in its diagnostics. A check
// whose draws all fall outside the support gives k-hat = Inf.
std::unique_ptr<ImportanceCheck> check_fit(const Context& c, Fit& f) {
  const Options& o = c.options;
  if (o.importance_draws == 0) return nullptr;
  if (c.progress && c.progress(Stage::check, 0, long(o.importance_draws)))
    throw Stopped();
  auto& d = f.diagnostics;
  d["pareto_k_threshold"] = pareto_k_threshold(o.importance_draws);
  try {
    auto check = std::make_unique<ImportanceCheck>(check_importance(
        f.mixture, c.target, o.importance_draws, c.rng, o.batch_size,
        o.threads));
    add_counts(f.counts, check->counts);
    d["pareto_k"] = check->psis.pareto_k;
    d["ess"] = check->ess;
    d["log_evidence"] = check->log_evidence;
    d["log_evidence_se"] = check->log_evidence_se;
    const MomentGap gap = moment_gap(*check, f.mixture);
    d["mean_shift"] = gap.mean_shift;
    d["scale_gap"] = gap.scale_gap;
    d["mean_shift_limit"] = gap.mean_limit;
    d["scale_gap_limit"] = gap.scale_limit;
    warn_on_moments(c, gap);
    return check;
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::target) throw;
    d["pareto_k"] = arma::datum::inf;
    d["ess"] = 0.0;
    c.logger.log(LogLevel::warning, "check", e.what());
    return nullptr;
  }
}

// Warn when k-hat says the importance ratios have too heavy a tail.
void warn_on_pareto_k(const Context& c, const Fit& f) {
  const auto k = f.diagnostics.find("pareto_k");
  if (k == f.diagnostics.end()) return;
  const double limit = f.diagnostics.at("pareto_k_threshold");
  if (!(k->second <= limit))
    c.logger.log(LogLevel::warning, "check",
                 cat("Pareto k-hat ", k->second, " is above ", limit,
                     ": the mixture misses part of the target, so draws ",
                     "and log evidence are unreliable; try more components",
                     ", a wider box or another method"));
}

// The output draws by the chosen source, on the unconstrained scale.
arma::mat output_draws(const Context& c, Options& r, const Fit& f,
                       const ImportanceCheck* check) {
  Output out = r.output;
  if (out == Output::automatic) out = f.bank ? Output::bank : Output::mixture;
  if (out == Output::bank && !f.bank)
    fail(ErrorKind::argument, "gma::Sampler::run", "output 'bank' needs a ",
         "W-GMA method (method is '", r.get_option("method"), "')");
  if (out == Output::importance && !check)
    fail(ErrorKind::argument, "gma::Sampler::run", "output 'importance' ",
         "needs importance_draws > 0 and a check with finite ratios");
  if (r.draws == 0) r.draws = out == Output::bank ? f.bank->size() : 4000;

  if (c.progress && c.progress(Stage::resample, 0, long(r.draws)))
    throw Stopped();
  if (out == Output::bank)
    return f.bank->points.cols(resample(*f.bank, f.mixture.weights(),
                                        r.draws, r.resampling, c.rng));
  if (out == Output::importance)
    return resample_importance(*check, r.draws, c.rng);
  return f.mixture.sample(r.draws, c.rng);
}

}  // namespace

void Sampler::run() {
  const auto start = std::chrono::steady_clock::now();
  result_.reset();
  if (!target_)
    fail(ErrorKind::state, "gma::Sampler::run", "no target: set one first");

  // Resolve the defaults; the target on the unconstrained scale.
  Options r = resolve();
  Rng rng(r.seed);
  const Target target = bounds_.any() ? bounds_.wrap(*target_) : *target_;
  const Context c{target, r, rng, logger_, progress_};
  logger_.log(LogLevel::info, "sampler",
              cat("method ", r.get_option("method"), ", ", r.components,
                  " components, ", r.iterations, " iterations"));

  // Fit, check by importance sampling, draw the output.
  Fit f = fit(c);
  if (f.counts.invalid > 0)
    logger_.log(LogLevel::warning, "target",
                cat(f.counts.invalid, " of ", f.counts.evaluations,
                    " values were NaN or +Inf; treated as outside the ",
                    "support"));
  const std::unique_ptr<ImportanceCheck> check = check_fit(c, f);
  warn_on_pareto_k(c, f);
  arma::mat draws = output_draws(c, r, f, check.get());
  if (bounds_.any()) draws = bounds_.to_constrained(draws);
  if (progress_ && progress_(Stage::resample, long(r.draws), long(r.draws)))
    throw Stopped();

  // Keep the result with its diagnostics.
  auto result = std::make_unique<Result>(
      Result{draws, f.mixture, f.diagnostics, r, arma::vec()});
  if (check) result->log_ratios = check->log_ratios;
  auto& d = result->diagnostics;
  d["draws"] = double(draws.n_cols);
  d["components"] = double(f.mixture.size());
  d["evaluations"] = double(f.counts.evaluations);
  d["invalid"] = double(f.counts.invalid);
  d["outside"] = double(f.counts.outside);
  d["weight_entropy"] = entropy(f.mixture.weights());
  d["effective_components"] = std::exp(d["weight_entropy"]);
  d["run_time"] = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - start).count();
  result_ = std::move(result);
}

}  // namespace gma
