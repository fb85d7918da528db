// wgma.cpp: the W-GMA objective, in dense and in sparse storage, and its
// projected-gradient and mirror-descent updates.
#include "gma/wgma.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <utility>
#include <vector>

#include "gma/error.hpp"
#include "gma/math.hpp"
#include "gma/simplex.hpp"

namespace gma {

namespace {

// How far below the smallest finite bank value an outside point counts.
constexpr double kOutsideFloor = 20.0;

// A row sum of scaled densities below this is recomputed exactly.
constexpr double kUnderflow = 1e-280;

// About this many bank points per call of component_log_densities.
constexpr arma::uword kChunkRows = 1024;

// Scaled entries below e^kMinLog are never stored, even without
// truncation: they are not normal doubles. The bound covers them.
constexpr double kMinLog = -708.0;

// An extended block is covered down to this share of its tolerance, so
// that the next small move of the weights does not ask for more at once.
constexpr double kSlack = 0.01;

// The components `which` of the mixture as a mixture of their own;
// `covariances` holds the mixture's covariances when they are full.
Mixture subset(const Mixture& mixture, const arma::cube& covariances,
               const arma::uvec& which) {
  const arma::mat means = mixture.means().cols(which);
  if (mixture.is_isotropic())
    return Mixture::isotropic(means, mixture.variances()(0, 0));
  if (!mixture.is_full())
    return Mixture::diagonal(means, mixture.variances().cols(which));
  arma::cube c(mixture.dim(), mixture.dim(), which.n_elem);
  for (arma::uword k = 0; k < which.n_elem; ++k)
    c.slice(k) = covariances.slice(which[k]);
  return Mixture::full(means, c);
}

// The components whose bound terms u_l = bound[l] w_l must be computed so
// that the terms left sum to at most `target`: the largest ones.
arma::uvec choose_pairs(const double* bound, const arma::vec& w,
                        double target) {
  // Terms of at most target / N are left: together at most target.
  const double small = target / static_cast<double>(w.n_elem);
  double left = 0.0;
  std::vector<std::pair<double, arma::uword>> large;
  for (arma::uword l = 0; l < w.n_elem; ++l) {
    const double u = bound[l] * w[l];
    if (u <= small)
      left += u;
    else
      large.emplace_back(u, l);
  }

  // Leave the smallest of the others while the sum stays within target.
  std::sort(large.begin(), large.end());
  std::size_t k = 0;
  while (k < large.size() && left + large[k].first <= target)
    left += large[k++].first;
  arma::uvec which(large.size() - k);
  for (std::size_t j = k; j < large.size(); ++j)
    which[j - k] = large[j].second;
  return which;
}

// (w' a)' for a sparse a, column by column over its compressed arrays
// (Armadillo 11 forms this product through its element iterator, two to
// four times slower here).
arma::vec transpose_times(const arma::sp_mat& a, const arma::vec& w) {
  arma::vec out(a.n_cols);
  const arma::uword* col_ptrs = a.col_ptrs;
  const arma::uword* rows = a.row_indices;
  const double* values = a.values;
  for (arma::uword m = 0; m < a.n_cols; ++m) {
    double sum = 0.0;
    for (arma::uword p = col_ptrs[m]; p < col_ptrs[m + 1]; ++p)
      sum += values[p] * w[rows[p]];
    out[m] = sum;
  }
  return out;
}

}  // namespace

// The sparse form's bound on the dropped entries and the pairs computed.
struct WeightObjective::Extension {
  std::mutex lock;
  // (l, i): the largest dropped s(m, l) over block i not yet computed.
  arma::mat bound;
  // A computed pair: its M values start at values[offset].
  struct Pair {
    arma::uword component;
    std::size_t offset;
  };
  std::vector<std::vector<Pair>> pairs;  // per block
  // M values per pair: s(m, l) where dropped, 0 where kept.
  std::vector<double> values;
};

WeightObjective::WeightObjective(const Mixture& mixture, const Bank& bank,
                                 Storage storage, double tau)
    : storage_(storage),
      tau_(tau),
      mixture_(mixture),
      points_(bank.points),
      per_component_(bank.per_component) {
  // Check the bank against the mixture, and the truncation.
  if (bank.components() != mixture.size() || bank.size() == 0 ||
      bank.size() != mixture.size() * bank.per_component)
    fail(ErrorKind::argument, "gma::WeightObjective", "the bank has ",
         bank.components(), " components, the mixture ", mixture.size());
  if (bank.log_target.n_elem != bank.size())
    fail(ErrorKind::argument, "gma::WeightObjective", "the bank has ",
         bank.size(), " points but ", bank.log_target.n_elem,
         " target values");
  if (!(tau > 0.0))
    fail(ErrorKind::argument, "gma::WeightObjective", "tau (", tau,
         ") must be positive (+Inf: no truncation)");

  // Floor the outside points below the smallest finite value.
  log_target_ = bank.log_target;
  const arma::uvec finite = arma::find_finite(log_target_);
  if (finite.is_empty())
    fail(ErrorKind::target, "gma::WeightObjective", "no bank point has a ",
         "finite log density (", bank.size(), " points)");
  const double floor = log_target_.elem(finite).min() - kOutsideFloor;
  log_target_.elem(arma::find_nonfinite(log_target_)).fill(floor);

  // A component with no bank point inside the support keeps weight 0.
  feasible_.set_size(mixture.size());
  for (arma::uword i = 0; i < mixture.size(); ++i)
    feasible_[i] = bank.inside(i) > 0 ? 1 : 0;

  // Dense: every log density and its row-scaled exponential, so that
  // q_w = exp(row max) * (scaled * w) is one matrix-vector product.
  if (storage == Storage::dense) {
    log_p_ = mixture.component_log_densities(bank.points);
    row_max_ = arma::max(log_p_, 1);
    scaled_ = arma::exp(log_p_.each_col() - row_max_);
    return;
  }

  // Sparse: the truncated rows and the bound on the rest.
  if (mixture.is_full()) covariances_ = mixture.covariances();
  build_sparse(mixture, tau);
}

void WeightObjective::build_sparse(const Mixture& mixture, double tau) {
  const arma::uword n = mixture.size(), rows = points_.n_cols;
  const arma::uword m_per = per_component_;
  const double keep_from = std::max(-tau, kMinLog);

  // The bound starts in log space: the largest dropped log s per block.
  ext_ = std::make_shared<Extension>();
  arma::mat& bound = ext_->bound;
  bound.set_size(n, n);
  bound.fill(-arma::datum::inf);
  ext_->pairs.resize(n);

  // The kept entries in compressed columns, one column per bank point.
  std::vector<arma::uword> index;
  std::vector<double> value;
  arma::uvec col_ptrs(rows + 1);
  col_ptrs[0] = 0;
  row_max_.set_size(rows);

  // Whole blocks of about kChunkRows points at a time.
  const arma::uword step =
      m_per * std::max<arma::uword>(1, kChunkRows / m_per);
  for (arma::uword first = 0; first < rows; first += step) {
    // The chunk's log densities, one column per bank point.
    const arma::uword last = std::min(rows, first + step) - 1;
    const arma::mat chunk =
        mixture.component_log_densities(points_.cols(first, last)).t();
    row_max_.subvec(first, last) = arma::max(chunk, 0).t();

    // Keep what is within tau of the row's largest; bound the rest.
    for (arma::uword j = 0; j < chunk.n_cols; ++j) {
      const arma::uword m = first + j;
      const double* col = chunk.colptr(j);
      const double top = row_max_[m];
      double* dropped = bound.colptr(m / m_per);
      for (arma::uword l = 0; l < n; ++l) {
        const double a = col[l] - top;
        if (a >= keep_from) {
          index.push_back(l);
          value.push_back(std::exp(a));
        } else if (a > dropped[l]) {
          dropped[l] = a;
        }
      }
      col_ptrs[m + 1] = index.size();
    }
  }
  bound = arma::exp(bound);

  // One sparse matrix, n x rows: q = (w' kept)' is one product.
  const arma::uvec index_view(index.data(), index.size(), false, true);
  const arma::vec value_view(value.data(), value.size(), false, true);
  kept_ = arma::sp_mat(index_view, col_ptrs, value_view, n, rows);
  kept_.sync();  // its compressed arrays are what the products read
}

arma::vec WeightObjective::log_q(const arma::vec& w) const {
  if (w.n_elem != components())
    fail(ErrorKind::argument, "gma::WeightObjective::log_q", "got ",
         w.n_elem, " weights for ", components(), " components");
  return storage_ == Storage::dense ? dense_log_q(w) : sparse_log_q(w);
}

arma::vec WeightObjective::dense_log_q(const arma::vec& w) const {
  // Fast path: one product with the scaled densities.
  arma::vec q = scaled_ * w;
  arma::vec out = arma::log(q) + row_max_;

  // Rows where the weighted sum underflowed: exact log-sum-exp.
  const arma::uvec low = arma::find(q < kUnderflow);
  if (!low.is_empty()) {
    const arma::rowvec log_w = arma::log(w).t();
    for (arma::uword m : low)
      out[m] = log_sum_exp((log_p_.row(m) + log_w).t());
  }
  return out;
}

arma::vec WeightObjective::sparse_log_q(const arma::vec& w) const {
  std::lock_guard<std::mutex> guard(ext_->lock);
  const arma::uword n = components(), m_per = per_component_;
  Extension& ext = *ext_;

  // The kept entries: one sparse product, q = (w' kept)'.
  arma::vec q = transpose_times(kept_, w);

  // The pairs computed so far, M values each.
  for (arma::uword i = 0; i < n; ++i) {
    double* block = q.memptr() + i * m_per;
    for (const Extension::Pair& pair : ext.pairs[i]) {
      const double wl = w[pair.component];
      const double* v = ext.values.data() + pair.offset;
      if (wl != 0.0)
        for (arma::uword j = 0; j < m_per; ++j) block[j] += wl * v[j];
    }
  }

  // Block by block: the bound on the rest, b_i = sum_l bound(l, i) w_l
  // (dot by dot: a threaded BLAS product costs more on small N), must
  // stay within kTolerance of the block's smallest q, or the pairs that
  // carry it are computed. Underflowing rows are summed exactly.
  std::vector<arma::uword> exact;
  for (arma::uword i = 0; i < n; ++i) {
    double low = arma::datum::inf;
    for (arma::uword m = i * m_per; m < (i + 1) * m_per; ++m) {
      if (q[m] < kUnderflow)
        exact.push_back(m);
      else
        low = std::min(low, q[m]);
    }
    const double rest = arma::dot(ext.bound.unsafe_col(i), w);
    if (rest > kTolerance * low)
      extend_block(i, choose_pairs(ext.bound.colptr(i), w,
                                   kSlack * kTolerance * low), w, q);
  }

  // log q, with the underflowing rows from the mixture.
  arma::vec out = arma::log(q) + row_max_;
  if (!exact.empty()) {
    const arma::uvec rows(exact);
    out.elem(rows) = exact_log_q(w, rows);
  }
  return out;
}

void WeightObjective::extend_block(arma::uword i, const arma::uvec& which,
                                   const arma::vec& w, arma::vec& q) const {
  // The block's points under the chosen components only.
  if (which.is_empty()) return;
  const arma::uword m_per = per_component_, first = i * m_per;
  const Mixture part = subset(mixture_, covariances_, which);
  const arma::mat log_p = part.component_log_densities(
      points_.cols(first, first + m_per - 1));

  // Keep s(m, l) where the entry was dropped (0 where it is stored), add
  // it to q, and take the pair out of the bound.
  Extension& ext = *ext_;
  for (arma::uword k = 0; k < which.n_elem; ++k) {
    const arma::uword l = which[k];
    ext.pairs[i].push_back({l, ext.values.size()});
    for (arma::uword j = 0; j < m_per; ++j) {
      const arma::uword m = first + j;
      const arma::uword* begin = kept_.row_indices + kept_.col_ptrs[m];
      const arma::uword* end = kept_.row_indices + kept_.col_ptrs[m + 1];
      const double v = std::binary_search(begin, end, l)
                           ? 0.0
                           : std::exp(log_p(j, k) - row_max_[m]);
      ext.values.push_back(v);
      q[m] += w[l] * v;
    }
    ext.bound(l, i) = 0.0;
  }
}

arma::vec WeightObjective::exact_log_q(const arma::vec& w,
                                       const arma::uvec& rows) const {
  // log sum_l exp(log w_l + log_p(m, l)), a chunk of points at a time.
  const arma::rowvec log_w = arma::log(w).t();
  arma::vec out(rows.n_elem);
  for (arma::uword first = 0; first < rows.n_elem; first += kChunkRows) {
    const arma::uword last = std::min(rows.n_elem, first + kChunkRows) - 1;
    const arma::uvec part = rows.subvec(first, last);
    arma::mat log_p = mixture_.component_log_densities(points_.cols(part));
    log_p.each_row() += log_w;
    out.subvec(first, last) = log_sum_exp_rows(log_p);
  }
  return out;
}

arma::vec WeightObjective::block_means(const arma::vec& log_q,
                                       const arma::vec& log_target) const {
  // Check the lengths: one value per bank point each.
  if (log_q.n_elem != points_.n_cols || log_target.n_elem != points_.n_cols)
    fail(ErrorKind::argument, "gma::WeightObjective::block_means", "got ",
         log_q.n_elem, " log q and ", log_target.n_elem,
         " log target values for ", points_.n_cols, " bank points");

  // Mean of log q - log target over each component's block of the bank.
  const arma::vec diff = log_q - log_target;
  const arma::mat blocks(const_cast<double*>(diff.memptr()), per_component_,
                         components(), false, true);
  return arma::mean(blocks, 0).t();
}

arma::vec WeightObjective::gradient(const arma::vec& w) const {
  return gradient(w, log_target_);
}

arma::vec WeightObjective::gradient(const arma::vec& w,
                                    const arma::vec& log_target) const {
  return 1.0 + block_means(log_q(w), log_target);
}

double WeightObjective::value(const arma::vec& w) const {
  return arma::dot(w, block_means(log_q(w), log_target_));
}

double WeightObjective::stored_fraction() const {
  // Stored entries over the (N*M) * N of the dense form.
  const double all = static_cast<double>(points_.n_cols) *
                     static_cast<double>(components());
  if (storage_ == Storage::dense) return 1.0;
  std::lock_guard<std::mutex> guard(ext_->lock);
  return (static_cast<double>(kept_.n_nonzero) +
          static_cast<double>(ext_->values.size())) / all;
}

std::size_t WeightObjective::memory_bytes() const {
  // The bank copy, the mixture copy and the per-point vectors.
  const std::size_t d = sizeof(double), u = sizeof(arma::uword);
  std::size_t bytes =
      d * (points_.n_elem + log_target_.n_elem + row_max_.n_elem +
           mixture_.means().n_elem + mixture_.variances().n_elem +
           2 * covariances_.n_elem) +
      u * feasible_.n_elem;

  // Dense: the two matrices.
  if (storage_ == Storage::dense)
    return bytes + d * (log_p_.n_elem + scaled_.n_elem);

  // Sparse: the kept entries, the bound and the extension so far.
  std::lock_guard<std::mutex> guard(ext_->lock);
  bytes += (d + u) * kept_.n_nonzero + u * (kept_.n_cols + 1);
  bytes += d * ext_->bound.n_elem + d * ext_->values.capacity();
  for (const auto& block : ext_->pairs)
    bytes += sizeof(block) + sizeof(block[0]) * block.capacity();
  return bytes;
}

namespace {

// eta_k for iteration k = 1, 2, ...
double step_at(const WgmaSettings& s, arma::uword k) {
  const double kk = static_cast<double>(k);
  return s.schedule == Schedule::inverse_sqrt ? s.step_size / std::sqrt(kk)
                                              : s.step_size / kk;
}

// w <- Proj(w - eta g) over the feasible components.
void projected_step(arma::vec& w, const arma::vec& g, double eta,
                    const arma::uvec& active) {
  arma::vec v = w.elem(active) - eta * g.elem(active);
  w.zeros();
  w.elem(active) = project_to_simplex(v);
}

// log w <- log w - eta g, normalised, over the feasible components.
void mirror_step(arma::vec& w, const arma::vec& g, double eta,
                 const arma::uvec& active) {
  arma::vec log_w = arma::log(w.elem(active)) - eta * g.elem(active);
  log_w -= log_sum_exp(log_w);
  w.zeros();
  w.elem(active) = arma::exp(log_w);
}

}  // namespace

namespace {

// The update of the settings from w along g with step eta.
void take_step(arma::vec& w, const arma::vec& g, double eta,
               const WgmaSettings& s, const arma::uvec& active) {
  if (s.update == Update::projected_gradient)
    projected_step(w, g, eta, active);
  else
    mirror_step(w, g, eta, active);
}

// Report iteration k every `every` and at the end; throws Stopped when
// the hook asks to stop.
void report(const IterationFn& on_iteration, arma::uword k,
            arma::uword every, arma::uword total) {
  if (on_iteration && (k % every == 0 || k == total) &&
      on_iteration(k, total))
    throw Stopped();
}

// The fit with backtracking steps (see Schedule). F(w) is estimated as
// sum_i w_i (g_i - 1), so each trial costs one gradient, which the next
// iteration reuses when the trial is accepted.
arma::vec fit_backtracking(const WeightObjective& objective, arma::vec w,
                           const WgmaSettings& s, arma::uword every,
                           const IterationFn& on_iteration,
                           const arma::uvec& active) {
  arma::vec g = objective.gradient(w);
  double f = arma::dot(w, g - 1.0);
  double t = s.step_size;
  bool stuck = false;
  for (arma::uword k = 1; k <= s.iterations; ++k) {
    // Halve the step until the estimate decreases enough (a gradient
    // that is not finite ends the fit).
    if (!g.elem(active).is_finite()) stuck = true;
    for (int halvings = 0; !stuck; ++halvings) {
      if (halvings == 40) {
        stuck = true;
        break;
      }
      arma::vec trial = w;
      take_step(trial, g, t, s, active);
      const arma::vec g_trial = objective.gradient(trial);
      const double f_trial = arma::dot(trial, g_trial - 1.0);
      if (std::isfinite(f_trial) &&
          f_trial <= f + 1e-4 * arma::dot(g, trial - w)) {
        w = trial;
        g = g_trial;
        f = f_trial;
        t *= 2.0;
        break;
      }
      t *= 0.5;
    }

    // Report progress, and stop if asked; a converged fit reports its end.
    report(on_iteration, stuck ? s.iterations : k, every, s.iterations);
    if (stuck) break;
  }
  return w;
}

}  // namespace

arma::vec fit_weights(const WeightObjective& objective, const arma::vec& w0,
                      const WgmaSettings& settings, arma::uword every,
                      const IterationFn& on_iteration) {
  // Check the settings and the start.
  if (settings.iterations == 0 || !(settings.step_size > 0.0))
    fail(ErrorKind::argument, "gma::fit_weights", "iterations (",
         settings.iterations, ") must be >= 1 and step_size (",
         settings.step_size, ") > 0");
  if (w0.n_elem != objective.components())
    fail(ErrorKind::argument, "gma::fit_weights", "got ", w0.n_elem,
         " start weights for ", objective.components(), " components");

  // Start from w0 restricted to the feasible components, renormalised.
  const arma::uvec active = arma::find(objective.feasible());
  arma::vec w(w0.n_elem, arma::fill::zeros);
  w.elem(active) = w0.elem(active) / arma::accu(w0.elem(active));

  if (settings.schedule == Schedule::backtracking)
    return fit_backtracking(objective, w, settings, every, on_iteration,
                            active);
  for (arma::uword k = 1; k <= settings.iterations; ++k) {
    // One update; a gradient that is not finite skips the step.
    const arma::vec g = objective.gradient(w);
    const double eta = step_at(settings, k);
    if (g.elem(active).is_finite()) take_step(w, g, eta, settings, active);

    // Report progress, and stop if asked.
    report(on_iteration, k, every, settings.iterations);
  }
  return w;
}

}  // namespace gma
