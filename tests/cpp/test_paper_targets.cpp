// Statistical tests on the 1-D and 2-D targets of the GMA paper: each
// method run with its defaults from the paper's box, its draws compared
// with the exact density computed on a fine grid.
//
// The reference. The density is evaluated at the centres of a fine grid
// (20000 nodes in 1-D, 400 x 400 in 2-D) over a region that holds all but
// about 1e-6 of the mass (checked by ReferenceRegionsHoldTheMass), and
// normalised by its sum, or by the exact normaliser where one is known.
// From it: the mass of each coarse cell (below), of each mode region, the
// mean and the covariance. Neal's funnel has no such region (its mouth
// widens as e^(y/2)); its cell masses are integrated exactly in x (normal
// cdf) and numerically in y, over the paper's box, and the mass outside
// the box is one cell of its own.
//
// The distance. The draws are binned on a coarse grid over the region (50
// bins in 1-D, 20 x 20 cells in 2-D) plus one cell for all that falls
// outside, and compared with the exact cell masses by total variation,
//   TV = 1/2 sum_c |share_c - p_c|,
// the share of the probability put in the wrong place: a lost mode of mass
// w adds about w to it. Chosen over an energy distance because its value
// for a perfect sampler is known in closed form: with n independent draws
// the count of cell c is about Poisson(n p_c), whose mean absolute
// deviation is E|N - l| = 2 e^-l l^(m+1) / m!, m = floor(l), so
//   floor(n) = E TV = 1/(2n) sum_c E|N_c - n p_c|
// (about 1/2 sum_c sqrt(2 p_c / (pi n)) when all n p_c are large), with an
// sd of about 1/2 sqrt((1 - 2/pi) / n) = 0.3 / sqrt(n) or less.
//
// The tolerances. Even a perfect sampler's floor is exceeded: W-GMA draws
// resample the bank (each draw is one of the M bank points of a component
// chosen by weight, so draws repeat), and every method carries its own
// approximation error at its defaults (a mixture of fixed-width components
// is wider than a ridge narrower than a component, and so on). Each test
// that a run matches the density allows
//   TV <= floor(n) + allowance
// and bounds the mode shares, the mean (in units of the exact sd) and the
// covariance (entry ij relative to sqrt(exact_ii exact_jj)). The
// allowances were set while developing from 15 to 30 seeds per (target,
// method) pair: at least the largest value seen and at least the mean
// plus 4.5 sds across seeds; the figures are stated at each test. A false
// failure (a correct sampler failing for another seed) is then below about
// 1e-4 per quantity by a normal approximation; none of the development
// seeds failed. The tests run with fixed seeds (seed 1 unless stated), so
// they are deterministic.
//
// Failures. Where a method fails a target at its defaults, the test checks
// that the failure is there (so that a fix is noticed) and that the
// importance check says so: k-hat above pareto_k_threshold, an ESS
// below half the check's draws (ESS / n ~ 1 / (1 + chi^2(p || q)): half
// means chi^2 = 1; every run that matched at the defaults had an ESS of
// 0.92 of the draws or more), or a moment gap beyond its limit (the
// library's warning, importance.hpp). Where the diagnostics miss a failure on
// some seeds, the test that they always flag it is DISABLED_ (visible in
// every run, runnable with --gtest_also_run_disabled_tests) and says on
// which seeds it fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <utility>

#include "gma/sampler.hpp"

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// log(e^a + e^b) without overflow; -Inf terms are allowed.
double log_add(double a, double b) {
  if (a < b) std::swap(a, b);
  if (a == -INFINITY) return a;
  return a + std::log1p(std::exp(b - a));
}

// log N(x; mu, s^2) in one dimension.
double log_normal(double x, double mu, double s) {
  const double z = (x - mu) / s;
  return -0.5 * z * z - std::log(s) - 0.5 * std::log(2 * M_PI);
}

// The standard normal cdf.
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// ---------------------------------------------------------------- targets

// Connected trimodal bumps: a flat-topped centre and two side bumps.
double trimodal(const double* x) {
  const double t = x[0], u = t * t + 0.1 * t * t * t * t;
  return log_add(log_add(-0.5 * u * u, std::log(0.3) + log_normal(t, 3, 0.5)),
                 std::log(0.2) + log_normal(t, -3, 0.6));
}

// Isolated bumps: the same centre, narrow side bumps far out.
double isolated(const double* x) {
  const double t = x[0], u = t * t + 0.1 * t * t * t * t;
  return log_add(log_add(-0.5 * u * u, std::log(0.3) + log_normal(t, 5, 0.2)),
                 std::log(0.2) + log_normal(t, -5, 0.2));
}

// The four-mode mixture of test_statistical.cpp: modes at (+-3, +-3) with
// these weights and covariances (a, b, c for [[a, b], [b, c]]).
const double kMean4[4][2] = {{-3, -3}, {3, 3}, {-3, 3}, {3, -3}};
const double kCov4[4][3] = {{1, 0.8, 1}, {1, -0.8, 1}, {1, 0, 0.2},
                            {0.2, 0, 1}};
const double kWeight4[4] = {0.3, 0.3, 0.2, 0.2};

double four_modes(const double* x) {
  double total = -INFINITY;
  for (int k = 0; k < 4; ++k) {
    const double a = kCov4[k][0], b = kCov4[k][1], c = kCov4[k][2];
    const double det = a * c - b * b;
    const double dx = x[0] - kMean4[k][0], dy = x[1] - kMean4[k][1];
    const double q = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
    total = log_add(total, std::log(kWeight4[k]) - 0.5 * q -
                               std::log(2 * M_PI * std::sqrt(det)));
  }
  return total;
}

// The moon: x1 ~ N(0, 1), x2 | x1 ~ N(0.3 (1 - x1^2), 0.1^2).
double moon(const double* x) {
  const double r = 10 * x[1] + 3 * x[0] * x[0] - 3;
  return -0.5 * x[0] * x[0] - 0.5 * r * r;
}

// The double banana: a ring of radius sqrt(3), weighted towards x1 = +-2.
double double_banana(const double* x) {
  const double r = x[0] * x[0] + x[1] * x[1] - 3;
  return -2 * r * r + log_add(-2 * (x[0] - 2) * (x[0] - 2),
                              -2 * (x[0] + 2) * (x[0] + 2));
}

// The wave, x2 | x1 ~ N(sin(pi x1 / 2), 0.4^2), is improper in x1. Our
// choice: a weak x1 ~ N(0, 3^2) term rather than bounds on x1. A bounded
// x1 would be sampled on the logit scale, where the wave's period shrinks
// to about 2 and the paper's shape is lost; the weak prior keeps the wave
// as it is (two periods per sd) and makes it proper.
double wave(const double* x) {
  const double r = x[1] - std::sin(M_PI * x[0] / 2);
  return -0.5 * r * r / 0.16 - x[0] * x[0] / 18.0;
}

// Neal's funnel in (x, y): y ~ N(0, 3^2), x | y ~ N(0, e^y).
double funnel(const double* x) {
  return -x[1] * x[1] / 18.0 - 0.5 * x[0] * x[0] * std::exp(-x[1]) -
         0.5 * x[1];
}

// The star: 5 equal Gaussians, means 1.5 (cos a_k, sin a_k) with
// a_k = pi/2 + 2 pi k / 5, each with variance 1 along its spoke (outward)
// and 0.1^2 across it.
double star_angle(int k) { return M_PI / 2 + 2 * M_PI * k / 5; }

double star(const double* x) {
  double total = -INFINITY;
  for (int k = 0; k < 5; ++k) {
    const double c = std::cos(star_angle(k)), s = std::sin(star_angle(k));
    const double dx = x[0] - 1.5 * c, dy = x[1] - 1.5 * s;
    const double along = c * dx + s * dy, across = -s * dx + c * dy;
    total = log_add(total, std::log(0.2) - 0.5 * along * along -
                               0.5 * across * across / 0.01 -
                               std::log(2 * M_PI * 0.1));
  }
  return total;
}

// ----------------------------------------------------------- mode regions

// Left bump, centre, right bump: split between them (the trimodal
// density is lowest at +-1.66, the isolated one is ~0 from 1.5 to 4.2).
int trimodal_mode(const double* x) {
  return x[0] < -1.5 ? 0 : x[0] < 1.5 ? 1 : 2;
}
int isolated_mode(const double* x) {
  return x[0] < -2.5 ? 0 : x[0] < 2.5 ? 1 : 2;
}

// Quadrants in the order of kMean4.
int four_mode_quadrant(const double* x) {
  const bool left = x[0] < 0, low = x[1] < 0;
  return left && low ? 0 : !left && !low ? 1 : left ? 2 : 3;
}

int banana_half(const double* x) { return x[0] < 0 ? 0 : 1; }

// The spoke nearest in angle.
int star_sector(const double* x) {
  const double a = std::atan2(x[1], x[0]) - M_PI / 2;
  const long k = std::lround(a / (2 * M_PI / 5));
  return int(((k % 5) + 5) % 5);
}

// ----------------------------------------------------- a target's record

// A target as the tests see it.
struct Case {
  const char* name;
  arma::uword dim;
  double (*log_p)(const double*);
  arma::vec box_lo, box_hi;        // the sampler's box
  arma::vec region_lo, region_hi;  // the reference grid and coarse cells
  int (*mode_of)(const double*);   // mode region of a point, or nullptr
  int modes;
  double log_z;                    // exact log normaliser, or NaN
};

// The exact quantities the draws are compared with.
struct Reference {
  arma::vec cells;  // mass of each coarse cell; the last: outside the region
  arma::vec modes;  // mass of each mode region
  arma::vec mean;   // of the mass inside the region
  arma::mat cov;
};

constexpr arma::uword kFine1 = 20000, kCoarse1 = 50;
constexpr arma::uword kFine2 = 400, kCoarse2 = 20;

Case trimodal_case() {
  return {"trimodal", 1, trimodal, {-6}, {6}, {-6}, {6}, trimodal_mode, 3,
          kNaN};
}
Case isolated_case() {
  return {"isolated", 1, isolated, {-7}, {7}, {-7}, {7}, isolated_mode, 3,
          kNaN};
}
Case four_mode_case() {
  // 5.5 sds beyond the outer modes; the paper's box cuts ~0.3 % of mass.
  return {"four-mode", 2, four_modes, {-6, -6}, {6, 6}, {-8.5, -8.5},
          {8.5, 8.5}, four_mode_quadrant, 4, 0.0};
}
Case moon_case() {
  // x1 within 5 sds; x2 = 0.3 (1 - x1^2) reaches -7.2 only at |x1| = 5.
  return {"moon", 2, moon, {-5, -5}, {5, 5}, {-5, -8}, {5, 1}, nullptr, 0,
          std::log(2 * M_PI / 10)};
}
Case banana_case() {
  return {"double-banana", 2, double_banana, {-4, -4}, {4, 4}, {-4, -4},
          {4, 4}, banana_half, 2, kNaN};
}
Case wave_case() {
  // The box: x1 within 3.3 sds of the weak prior (all but 0.1 % of the
  // mass), x2 within 5 sds of the wave; the region: x1 within 5 sds.
  return {"wave", 2, wave, {-10, -3}, {10, 3}, {-15, -3}, {15, 3}, nullptr,
          0, std::log(2 * M_PI * 3 * 0.4)};
}
Case funnel_case() {
  return {"funnel", 2, funnel, {-5, -8}, {5, 6}, {-5, -8}, {5, 6}, nullptr, 0,
          std::log(6 * M_PI)};
}
Case star_case() {
  return {"star", 2, star, {-4, -4}, {4, 4}, {-6.5, -6.5}, {6.5, 6.5},
          star_sector, 5, 0.0};
}

// The coarse cell of a point: 0 .. cells - 1, or cells for outside.
arma::uword coarse_cell(const Case& c, const double* x) {
  const arma::uword per = c.dim == 1 ? kCoarse1 : kCoarse2;
  arma::uword cell = 0, stride = 1;
  for (arma::uword k = 0; k < c.dim; ++k) {
    const double u =
        (x[k] - c.region_lo[k]) / (c.region_hi[k] - c.region_lo[k]);
    if (!(u >= 0.0 && u < 1.0)) return c.dim == 1 ? per : per * per;
    cell += stride * std::min<arma::uword>(arma::uword(u * per), per - 1);
    stride *= per;
  }
  return cell;
}

// The fine-grid reference on a region; also the grid mass (unnormalised
// sum times cell volume) for the checks of the region.
Reference grid_reference(const Case& c, const arma::vec& lo,
                         const arma::vec& hi, double* grid_mass = nullptr) {
  const arma::uword fine = c.dim == 1 ? kFine1 : kFine2;
  const arma::uword n = c.dim == 1 ? fine : fine * fine;
  const arma::vec h = (hi - lo) / double(fine);
  arma::mat x(c.dim, n);
  for (arma::uword j = 0; j < n; ++j) {
    x(0, j) = lo[0] + (double(j % fine) + 0.5) * h[0];
    if (c.dim == 2) x(1, j) = lo[1] + (double(j / fine) + 0.5) * h[1];
  }
  arma::vec logp(n);
  for (arma::uword j = 0; j < n; ++j) logp[j] = c.log_p(x.colptr(j));

  // Weights normalised by the grid sum or by the exact normaliser.
  const double top = logp.max();
  arma::vec w = arma::exp(logp - top);
  const double volume = arma::prod(h);
  const double mass = arma::accu(w) * volume * std::exp(top);
  if (grid_mass) *grid_mass = mass;
  w /= std::isnan(c.log_z) ? arma::accu(w) : std::exp(c.log_z - top) / volume;

  Reference r;
  const arma::uword cells = c.dim == 1 ? kCoarse1 : kCoarse2 * kCoarse2;
  r.cells.zeros(cells + 1);
  r.modes.zeros(c.modes);
  for (arma::uword j = 0; j < n; ++j) {
    r.cells[coarse_cell(c, x.colptr(j))] += w[j];
    if (c.mode_of) r.modes[c.mode_of(x.colptr(j))] += w[j];
  }
  r.cells[cells] += std::max(0.0, 1.0 - arma::accu(w));
  const double inside = arma::accu(w);
  r.mean = x * w / inside;
  const arma::mat centred = x.each_col() - r.mean;
  r.cov = (centred.each_row() % w.t()) * centred.t() / inside;
  return r;
}

// The funnel's reference over its box: exact in x, 8-point midpoint rule
// in y within each of the 400 fine rows.
Reference funnel_reference(const Case& c) {
  const arma::uword fine = kFine2, sub = 8;
  const double hx = (c.region_hi[0] - c.region_lo[0]) / double(fine);
  const double hy = (c.region_hi[1] - c.region_lo[1]) / double(fine);
  const arma::uword cells = kCoarse2 * kCoarse2;
  Reference r;
  r.cells.zeros(cells + 1);
  r.modes.reset();
  r.mean.zeros(2);
  arma::mat second(2, 2, arma::fill::zeros);
  double inside = 0;
  for (arma::uword i = 0; i < fine; ++i) {      // rows in y
    for (arma::uword s = 0; s < sub; ++s) {
      const double y = c.region_lo[1] + (double(i) + (s + 0.5) / sub) * hy;
      const double py = std::exp(log_normal(y, 0, 3)) * hy / sub;
      const double sd = std::exp(0.5 * y);
      for (arma::uword j = 0; j < fine; ++j) {  // columns in x
        const double a = c.region_lo[0] + double(j) * hx, b = a + hx;
        const double m = py * (normal_cdf(b / sd) - normal_cdf(a / sd));
        const double point[2] = {a + 0.5 * hx, y};
        r.cells[coarse_cell(c, point)] += m;
        inside += m;
        r.mean += m * arma::vec{point[0], point[1]};
        second += m * arma::vec{point[0], point[1]} *
                  arma::rowvec{point[0], point[1]};
      }
    }
  }
  r.cells[cells] = 1.0 - inside;
  r.mean /= inside;
  r.cov = second / inside - r.mean * r.mean.t();
  return r;
}

Reference reference(const Case& c) {
  if (std::string(c.name) == "funnel") return funnel_reference(c);
  return grid_reference(c, c.region_lo, c.region_hi);
}

// -------------------------------------------------------------- one run

// What a run gave, measured against the reference.
struct Measured {
  double tv = 0, tv_floor = 0;
  double tv_inside = kNaN;  // TV of the shares given the region
  arma::vec modes, exact_modes;  // shares per mode region, and the truth
  arma::vec mean, exact_mean;
  arma::mat cov, exact_cov;
  double outside_share = 0, exact_outside = 0;  // outside the region
  double pareto_k = 0, k_threshold = 0, ess = 0, importance_draws = 0;
  bool moment_gap = false;  // a moment gap beyond its limit (a warning)
  double evaluations = 0, draws = 0, effective_components = 0;
  double components = 0;
  double seconds = 0;
  std::string text;  // all of it, for the assertion messages
};

// E TV of n independent draws from cell masses p (see the top).
double tv_floor(const arma::vec& p, double n) {
  double total = 0;
  for (double pc : p) {
    const double l = n * pc;
    if (l <= 0) continue;
    const double m = std::floor(l);
    total += std::exp(std::log(2.0) + (m + 1) * std::log(l) - l -
                      std::lgamma(m + 1));
  }
  return total / (2 * n);
}

std::string describe(const Case& c, const char* method, const Measured& m) {
  std::ostringstream o;
  o.precision(4);
  o << c.name << " / " << method << ": TV " << m.tv << " (floor " << m.tv_floor
    << ", excess " << m.tv - m.tv_floor << "; given the region "
    << m.tv_inside << ")";
  if (m.modes.n_elem) {
    o << "; mode shares";
    for (arma::uword k = 0; k < m.modes.n_elem; ++k)
      o << " " << m.modes[k] << " (exact " << m.exact_modes[k] << ")";
  }
  o << "; mean " << m.mean[0];
  if (c.dim == 2) o << ", " << m.mean[1];
  o << " (exact " << m.exact_mean[0];
  if (c.dim == 2) o << ", " << m.exact_mean[1];
  o << "); cov";
  for (double v : m.cov) o << " " << v;
  o << " (exact";
  for (double v : m.exact_cov) o << " " << v;
  o << "); outside " << m.outside_share << " (exact " << m.exact_outside
    << "); k-hat " << m.pareto_k << " (threshold " << m.k_threshold
    << "); ess " << m.ess << " of " << m.importance_draws
    << (m.moment_gap ? " (moment gap)" : "") << "; draws "
    << m.draws << "; effective components " << m.effective_components
    << " of " << m.components << "; evaluations " << m.evaluations << "; "
    << m.seconds << " s";
  return o.str();
}

// Numeric options set by name, for the runs that are not at defaults.
using Settings = std::map<std::string, double>;

// A run of method from the case's box, at the defaults but for `settings`,
// measured.
Measured measure(const Case& c, const Reference& ref, const char* method,
                 std::uint64_t seed, const Settings& settings) {
  gma::Sampler s(c.dim);
  const auto log_p = c.log_p;
  s.set_target([log_p](const arma::mat& x, arma::vec& out) {
    for (arma::uword j = 0; j < x.n_cols; ++j) out[j] = log_p(x.colptr(j));
  });
  s.set_box(c.box_lo, c.box_hi);
  s.options().set_option("method", method);
  s.options().seed = seed;
  for (const auto& [name, value] : settings) s.options().set(name, value);
  const auto start = std::chrono::steady_clock::now();
  s.run();
  Measured m;
  m.seconds = std::chrono::duration<double>(
                  std::chrono::steady_clock::now() - start).count();
  const gma::Result& r = s.result();
  const arma::mat& d = r.draws;
  const double n = double(d.n_cols);

  // Shares of the coarse cells and of the mode regions; moments of the
  // draws inside the region (the reference's are of the same mass).
  arma::vec share(ref.cells.n_elem, arma::fill::zeros);
  m.modes.zeros(c.modes);
  arma::uvec inside(d.n_cols, arma::fill::zeros);
  for (arma::uword j = 0; j < d.n_cols; ++j) {
    const arma::uword cell = coarse_cell(c, d.colptr(j));
    share[cell] += 1.0 / n;
    inside[j] = cell + 1 < ref.cells.n_elem;
    if (c.mode_of) m.modes[c.mode_of(d.colptr(j))] += 1.0 / n;
  }
  m.tv = 0.5 * arma::accu(arma::abs(share - ref.cells));
  const arma::uword last = share.n_elem - 1;
  if (share[last] < 1.0)
    m.tv_inside = 0.5 * arma::accu(arma::abs(
        share.head(last) / (1.0 - share[last]) -
        ref.cells.head(last) / (1.0 - ref.cells[last])));
  const arma::mat in = d.cols(arma::find(inside));
  m.mean.set_size(c.dim);
  m.cov.set_size(c.dim, c.dim);
  m.mean.fill(kNaN);
  m.cov.fill(kNaN);
  if (in.n_cols > 1) {
    m.mean = arma::mean(in, 1);
    m.cov = arma::cov(in.t());
  }
  m.outside_share = share[share.n_elem - 1];
  m.exact_outside = ref.cells[ref.cells.n_elem - 1];
  m.exact_modes = ref.modes;
  m.exact_mean = ref.mean;
  m.exact_cov = ref.cov;

  // The distance of as many independent exact draws.
  m.tv_floor = tv_floor(ref.cells, n);

  const auto& g = r.diagnostics;
  m.pareto_k = g.at("pareto_k");
  m.k_threshold = g.at("pareto_k_threshold");
  m.ess = g.at("ess");
  m.moment_gap = g.at("mean_shift") > g.at("mean_shift_limit") ||
                 g.at("scale_gap") > g.at("scale_gap_limit");
  m.importance_draws = double(r.options.importance_draws);
  m.evaluations = g.at("evaluations");
  m.draws = n;
  m.effective_components = g.at("effective_components");
  m.components = double(r.mixture.size());
  m.text = describe(c, method, m);
  return m;
}

// The reference of each case, computed once.
const Reference& reference_of(const Case& c) {
  static std::map<std::string, Reference> cache;
  auto it = cache.find(c.name);
  if (it == cache.end()) it = cache.emplace(c.name, reference(c)).first;
  return it->second;
}

Measured run(const Case& c, const char* method, std::uint64_t seed,
             const Settings& settings = {}) {
  return measure(c, reference_of(c), method, seed, settings);
}

// ------------------------------------------------------------- the checks

// How far a matching run may be from the truth (see the top).
struct Allowance {
  double tv;    // TV - floor(n)
  double mode;  // |share - exact| per mode region
  double mean;  // |mean_i - exact_i| / exact sd_i
  double cov;   // |cov_ij - exact_ij| / sqrt(exact_ii exact_jj)
  double ess = 0.9;  // the smallest ESS, as a share of the check's draws
};

// The run matches the exact density within a, and its check agrees: an
// ESS of a.ess of the check's draws or more (by default 0.9: 0.92 or more
// in every development run that matched at the defaults). k-hat is not
// asked to be small: where q's tails are lighter than p's it is large even
// when the draws match (TrimodalWgmaMd...).
void expect_matches(const Measured& m, const Allowance& a) {
  EXPECT_LE(m.tv, m.tv_floor + a.tv) << m.text;
  for (arma::uword k = 0; k < m.modes.n_elem; ++k)
    EXPECT_NEAR(m.modes[k], m.exact_modes[k], a.mode)
        << "mode region " << k << ": " << m.text;
  const arma::uword d = m.mean.n_elem;
  for (arma::uword i = 0; i < d; ++i) {
    const double sd = std::sqrt(m.exact_cov(i, i));
    EXPECT_NEAR(m.mean[i], m.exact_mean[i], a.mean * sd)
        << "mean " << i << ": " << m.text;
    for (arma::uword j = 0; j < d; ++j)
      EXPECT_NEAR(m.cov(i, j), m.exact_cov(i, j),
                  a.cov * sd * std::sqrt(m.exact_cov(j, j)))
          << "covariance (" << i << ", " << j << "): " << m.text;
  }
  EXPECT_GE(m.ess, a.ess * m.importance_draws) << m.text;
}

// Does the importance check say the fit is off (see the top)?
bool flagged(const Measured& m) {
  return m.pareto_k > m.k_threshold || m.ess < 0.5 * m.importance_draws ||
         m.moment_gap;
}

// The run misses the density (TV above the floor by more than excess),
// and its importance check says so.
void expect_fails_flagged(const Measured& m, double excess) {
  EXPECT_GT(m.tv - m.tv_floor, excess)
      << "the failure documented here is gone: make this a test that the "
      << "run matches; " << m.text;
  EXPECT_TRUE(flagged(m)) << "a failure the diagnostics miss: " << m.text;
}

// Seeds 1 .. n: every run the check does not flag matches within a, and
// at most `most` runs are flagged.
void expect_matches_or_flagged(const Case& c, const char* method, int n,
                               int most, const Allowance& a) {
  int count = 0;
  for (int seed = 1; seed <= n; ++seed) {
    const Measured m = run(c, method, std::uint64_t(seed));
    if (flagged(m)) {
      ++count;
      continue;
    }
    SCOPED_TRACE("seed " + std::to_string(seed));
    expect_matches(m, a);
  }
  EXPECT_LE(count, most) << c.name << " / " << method << ": " << count
                         << " of " << n << " runs flagged";
}

// Seeds 1 .. n: every run is flagged (the DISABLED_ tests).
void expect_always_flagged(const Case& c, const char* method, int n) {
  for (int seed = 1; seed <= n; ++seed) {
    const Measured m = run(c, method, std::uint64_t(seed));
    EXPECT_TRUE(flagged(m)) << "seed " << seed << ": " << m.text;
  }
}

}  // namespace

// The share of the mass outside c's region, on a grid of the same spacing
// over a region 1.5 times as wide about the same centre.
double mass_outside_region(const Case& c) {
  const arma::uword fine = c.dim == 1 ? kFine1 : kFine2;
  const arma::uword wide = fine * 3 / 2;
  const arma::vec centre = 0.5 * (c.region_lo + c.region_hi);
  const arma::vec half = 0.75 * (c.region_hi - c.region_lo);
  const arma::vec lo = centre - half, h = 2 * half / double(wide);
  const arma::uword n = c.dim == 1 ? wide : wide * wide;
  double all = 0, out = 0;
  double x[2];
  for (arma::uword j = 0; j < n; ++j) {
    x[0] = lo[0] + (double(j % wide) + 0.5) * h[0];
    if (c.dim == 2) x[1] = lo[1] + (double(j / wide) + 0.5) * h[1];
    const double p = std::exp(c.log_p(x));
    all += p;
    if (coarse_cell(c, x) == (c.dim == 1 ? kCoarse1 : kCoarse2 * kCoarse2))
      out += p;
  }
  return out / all;
}

TEST(PaperTargets, ReferenceRegionsHoldTheMass) {
  // Every region but the funnel's (whose outside is a cell of its own)
  // holds all but 2e-6 of the mass, so an outside cell of exact mass 0
  // costs the distance nothing visible; where the normaliser is known, the
  // fine grid's midpoint rule recovers it to 1e-4, so the cell masses are
  // that accurate. For the double banana this checks that the paper's box
  // [-4, 4]^2 holds the mass.
  for (const Case& c : {trimodal_case(), isolated_case(), four_mode_case(),
                        moon_case(), banana_case(), wave_case(),
                        star_case()}) {
    const double outside = mass_outside_region(c);
    EXPECT_LT(outside, 2e-6) << c.name;
    if (!std::isnan(c.log_z)) {
      double mass = 0;
      grid_reference(c, c.region_lo, c.region_hi, &mass);
      EXPECT_NEAR(mass / std::exp(c.log_z), 1.0, 1e-4) << c.name;
    }
  }
  // The funnel: the cells and the outside sum to 1; the outside is the
  // exact P(y outside [-8, 6]) = 0.0266 plus the mouth beyond |x| = 5.
  const Reference& f = reference_of(funnel_case());
  EXPECT_NEAR(arma::accu(f.cells), 1.0, 1e-9);
  EXPECT_GT(f.cells[f.cells.n_elem - 1], normal_cdf(-8.0 / 3) + normal_cdf(-2));
}

// ------------------------------------------------- connected trimodal bumps

TEST(PaperTargets, TrimodalWgmaMdMatchesTheExactDensity) {
  // 30 seeds: TV - floor 0.027 +- 0.017 (max 0.064; floor 0.052 for 1500
  // draws); mode shares within 0.017 (sd 0.007); mean within 0.05 sd;
  // variance within 8 %; ESS 999.6 or more. Allowances: TV 0.11 (mean +
  // 4.9 sd), shares 0.035 (5 sd), mean 0.12 sd, covariance 0.17 (5 sd). A
  // lost side bump moves a share by 0.08 or more. k-hat exceeds its
  // threshold on 9 of the 30 seeds although the draws match: the fitted
  // q's tails (components of sd 0.12) are lighter than the bumps' (sd 0.5,
  // 0.6), which k-hat rightly reports, so it is not asserted here.
  expect_matches(run(trimodal_case(), "wgma-md", 1), {0.11, 0.035, 0.12, 0.17});
}

TEST(PaperTargets, TrimodalWgmaPgdAtDefaultsIsTooWide) {
  // At its defaults (step 0.01 / k, 500 iterations: a total step of 0.07)
  // projected gradient empties the components off the support but barely
  // moves the others from uniform, so the side bumps get about as much
  // weight per component as the centre: 22 to 30 effective components of
  // 50. 20 seeds: TV - floor 0.115 to 0.241 (0.188 +- 0.042); centre share
  // 0.08 to 0.24 low; variance 1.37 to 2.3 times the truth; k-hat -1.36 to
  // -0.12 and ESS 712 to 853 of 1000: over-dispersed, as a negative k-hat
  // says, but not flagged by the ESS criterion (matching fits of the other
  // methods also have negative k-hats, down to -1.27) nor always by the
  // moment gap (see the DISABLED_ test). Asserted: TV - floor above 0.07
  // (mean - 2.8 sd: false failure about 0.3 %) and k-hat below 0 (mean +
  // 2.8 sd, about 0.3 %).
  const Measured m = run(trimodal_case(), "wgma-pgd", 1);
  EXPECT_GT(m.tv - m.tv_floor, 0.07) << m.text;
  EXPECT_LT(m.pareto_k, 0.0) << m.text;
}

TEST(PaperTargets, DISABLED_TrimodalWgmaPgdAtDefaultsIsAlwaysFlagged) {
  // Fails on 16 of seeds 1 .. 20 (ESS 712 to 853, k-hat below 0; the
  // variance 1.4 times the truth on most, a log sd ratio of 0.17, within
  // the moment gap's limit of about 0.29).
  expect_always_flagged(trimodal_case(), "wgma-pgd", 20);
}

TEST(PaperTargets, TrimodalLmaFailsAtTheFlatCentreAndItsEssSaysSo) {
  // The centre bump exp(-(t^2 + 0.1 t^4)^2 / 2) is flat at its mode (log
  // density -t^4/2 + ...: zero curvature), so its Laplace variance is set
  // by the eigenvalue floor, about 1e6: the mixture is one near-improper
  // component and 85 % of the draws fall outside [-6, 6]. 30 seeds: TV -
  // floor 0.857 to 0.875; k-hat -0.83 to 0.92 (above the threshold on 2
  // only: q is far wider than p, so the ratios are bounded); ESS 38 to 78
  // of 1000, so flagged on every seed by the ESS.
  expect_fails_flagged(run(trimodal_case(), "lma", 1), 0.5);
}

TEST(PaperTargets, TrimodalLmaWgmaFailsAtTheFlatCentreAndItsEssSaysSo) {
  // As for lma: the KL fit of the weights cannot repair the near-improper
  // component (it gets all the weight). 30 seeds: TV - floor 0.71 to 0.84,
  // ESS 36 to 77 of 1000.
  expect_fails_flagged(run(trimodal_case(), "lma-wgma", 1), 0.5);
}

// ---------------------------------------------------------- isolated bumps

TEST(PaperTargets, IsolatedWgmaMdMatchesTheExactDensity) {
  // 30 seeds: TV - floor 0.029 +- 0.016 (max 0.063; floor 0.042); shares
  // within 0.018 (sd 0.0075); mean within 0.05 sd; variance within 7.5 %;
  // ESS 996 or more; k-hat -1.27 to -0.60. Allowances: TV 0.10 (mean + 4.6
  // sd), shares 0.035, mean 0.12 sd, covariance 0.16 (4.5 sd). The side
  // bumps (mass 0.12 and 0.08, 2.5 apart from the centre's mass) are
  // reached only because the box's grid puts components on them.
  expect_matches(run(isolated_case(), "wgma-md", 1), {0.10, 0.035, 0.12, 0.16});
}

TEST(PaperTargets, IsolatedLmaFailsAtTheFlatCentreAndItsDiagnosticsSaySo) {
  // The flat centre as for the trimodal target; the near-improper
  // component puts 99 % of the draws outside [-7, 7]. 30 seeds: TV -
  // floor 0.970 to 0.973, k-hat Inf, ESS 1 to 4 of 1000.
  expect_fails_flagged(run(isolated_case(), "lma", 1), 0.5);
}

TEST(PaperTargets, IsolatedLmaWgmaFailsAtTheFlatCentreAndItsDiagnosticsSaySo) {
  // 30 seeds: TV - floor 0.866 to 0.886 (most or all of the 200-point
  // banks fall outside [-7, 7]), k-hat Inf, ESS 1 to 4 of 1000.
  expect_fails_flagged(run(isolated_case(), "lma-wgma", 1), 0.5);
}

// -------------------------------------------------------- 4-mode Gaussian

TEST(PaperTargets, FourModeWgmaMdMatchesTheExactDensity) {
  // 30 seeds: TV - floor 0.076 +- 0.011 (max 0.092; floor 0.044 for 6750
  // draws): the bank's repeats and the components' width; quadrant shares
  // within 0.020 (sd 0.0076); mean within 0.04 sd; covariance within
  // 0.036 of scale; ESS 945 to 959; k-hat -0.59 to 0.19. Allowances: TV
  // 0.13 (mean + 4.8 sd), shares 0.035 (4.5 sd), mean 0.09 sd, covariance
  // 0.09 (4.5 sd). A lost mode costs 0.2 of TV and of its share.
  expect_matches(run(four_mode_case(), "wgma-md", 1),
                 {0.13, 0.035, 0.09, 0.09});
}

TEST(PaperTargets, FourModeWgmaPgdMatchesTheExactDensity) {
  // 20 seeds: TV - floor 0.079 +- 0.0105 (max 0.098); shares within
  // 0.017 (sd 0.008); mean within 0.034 sd; covariance within 0.036 of
  // scale; ESS 933 to 950; k-hat -0.54 to 0.21. Allowances: TV 0.13 (mean
  // + 4.9 sd), shares 0.04, mean 0.09 sd, covariance 0.1 (4.5 sd each).
  expect_matches(run(four_mode_case(), "wgma-pgd", 1),
                 {0.13, 0.04, 0.09, 0.1});
}

TEST(PaperTargets, FourModeWgmaRefineIsClumpyAndItsEssSaysSo) {
  // Stage 2 re-places all 225 means at the 45 kept ones with a jitter of
  // only 0.15 x its sd (itself 0.35 x stage 1's), so q is a few dozen
  // narrow clumps: mode shares stay right (within 0.044) but the density
  // is lumpy. 20 seeds: TV - floor 0.138 to 0.159, against 0.046 to 0.092
  // for wgma-md; ESS 22 to 180 of 1000 (flagged on every seed); k-hat
  // 0.34 to 0.95.
  const Measured m = run(four_mode_case(), "wgma-refine", 1);
  expect_fails_flagged(m, 0.1);
  for (arma::uword k = 0; k < 4; ++k)
    EXPECT_NEAR(m.modes[k], m.exact_modes[k], 0.06) << m.text;
}

TEST(PaperTargets, FourModeLmaMatchesOrItsParetoKSaysSo) {
  // LMA is exact for a mixture of Gaussians once every mode is found; its
  // 14 default starts miss one of the four on some seeds (2 of 30 in
  // development: seeds 10 and 23). Such a run is flagged by k-hat (1.66,
  // 5.03), not by the ESS (1000: the modes it has are exact). The other
  // 28: TV - floor 0.0004 +- 0.0049 (max 0.008; floor 0.057 for 4000
  // draws); shares within 0.024; mean within 0.035 sd; covariance within
  // 0.036; k-hat -0.30 to 0.23. Allowances: TV 0.025, shares 0.04, mean
  // 0.08 sd, covariance 0.085 (4.5 sd each); at most 5 of 20 flagged
  // (binomial tail 0.0015 at the rate 2/30).
  expect_matches_or_flagged(four_mode_case(), "lma", 20, 5,
                            {0.025, 0.04, 0.08, 0.085});
}

TEST(PaperTargets, FourModeLmaWgmaMatchesOrItsParetoKSaysSo) {
  // The same modes (missed on the same seeds 10 and 23, k-hat 1.12 and
  // 3.36), then the weights by KL on 200 points per component: 800 draws.
  // The other 28: TV - floor 0.048 +- 0.019 (max 0.081; floor 0.125);
  // shares within 0.038 (sd 0.013); mean within 0.10 sd; covariance within
  // 0.08. Allowances: TV 0.14, shares 0.065, mean 0.17 sd, covariance
  // 0.16 (4.5 sd each); at most 5 of 20 flagged.
  expect_matches_or_flagged(four_mode_case(), "lma-wgma", 20, 5,
                            {0.14, 0.065, 0.17, 0.16});
}

TEST(PaperTargets, FourModeEmMatchesTheExactDensity) {
  // 30 seeds: TV - floor 0.0036 +- 0.0056 (max 0.013; floor 0.057 for
  // 4000 fresh draws: full covariances fit these modes exactly); shares
  // within 0.027 (sd 0.0099); mean within 0.054 sd; covariance within
  // 0.042; ESS 990 or more; k-hat -0.17 to 0.64. Allowances: TV 0.03,
  // shares 0.05, mean 0.11 sd, covariance 0.1 (4.5 sd each).
  expect_matches(run(four_mode_case(), "em", 1), {0.03, 0.05, 0.11, 0.1});
}

TEST(PaperTargets, FourModeWgmaStableIsTooWideAndItsDiagnosticsSaySo) {
  // docs/methods.md: on easy low-dimensional targets wgma-stable "gives
  // draws that are too wide, and its check shows it (negative k-hat, ESS
  // well below the draws)". Here its tempering, temperature and damping
  // keep the 225 weights uniform, so the draws spread over the box. 20
  // seeds: TV - floor 0.60 to 0.62; variances 1.20 to 1.25 times the
  // truth; k-hat -0.70 to -0.27; ESS 169 to 198 of 1000; effective
  // components 225 of 225.
  const Measured m = run(four_mode_case(), "wgma-stable", 1);
  EXPECT_GT(m.tv - m.tv_floor, 0.5) << m.text;
  EXPECT_GT(m.cov(0, 0), 1.1 * m.exact_cov(0, 0)) << m.text;
  EXPECT_GT(m.cov(1, 1), 1.1 * m.exact_cov(1, 1)) << m.text;
  EXPECT_LT(m.pareto_k, 0.0) << m.text;
  EXPECT_LT(m.ess, 0.3 * m.importance_draws) << m.text;
  EXPECT_GT(m.effective_components, 0.9 * m.components) << m.text;
}

// -------------------------------------------------------------------- moon

// The moon's ridge (x2 sd 0.1) is three times narrower than the default
// components (sd 0.33 in the paper's box), so reverse KL keeps the few
// components best centred on it: 2 to 25 effective components, the arms
// lost. No default W-GMA method matches it (900 components still leave TV
// 0.21 above the floor over 3 seeds, 1600 leave 0.16 on one and take
// minutes); every one is flagged.

TEST(PaperTargets, MoonWgmaMdFailsAndItsEssSaysSo) {
  // 20 seeds: TV - floor 0.46 to 0.66; var x1 0.1 to 0.3 (truth 1); ESS
  // 22 to 214 of 1000; k-hat 0.12 to 1.02.
  expect_fails_flagged(run(moon_case(), "wgma-md", 1), 0.3);
}

TEST(PaperTargets, MoonWgmaPgdFailsAndItsEssSaysSo) {
  // 20 seeds: TV - floor 0.40 to 0.56; ESS 94 to 285 of 1000; k-hat
  // -0.05 to 1.11.
  expect_fails_flagged(run(moon_case(), "wgma-pgd", 1), 0.3);
}

TEST(PaperTargets, MoonWgmaRefineFailsAndItsDiagnosticsSaySo) {
  // Stage 2 draws its means by stage 1's weights, which sit on a few
  // components, so it narrows onto them: 15 seeds: TV - floor 0.57 to
  // 0.74; k-hat 0.76 to 1.33; ESS 11 to 92 of 1000.
  expect_fails_flagged(run(moon_case(), "wgma-refine", 1), 0.3);
}

TEST(PaperTargets, MoonLmaFailsAndItsEssSaysSo) {
  // One Gaussian at the top of a curved ridge. 30 seeds: TV - floor 0.390
  // to 0.405; ESS 13 to 317 of 1000; k-hat 0.45 to 1.35.
  expect_fails_flagged(run(moon_case(), "lma", 1), 0.3);
}

// ----------------------------------------------------------- double banana

TEST(PaperTargets, DoubleBananaWgmaMdAtDefaultsFails) {
  // The ring's radial sd is 0.14, the default components' 0.27: the fit
  // keeps the components best centred on it (9 effective). 30 seeds: TV -
  // floor 0.27 to 0.40; ESS 288 to 514 of 1000; k-hat 0.02 to 0.70. Seed
  // 23 (ESS 514, k-hat 0.43) is not flagged: see the DISABLED_ test.
  const Measured m = run(banana_case(), "wgma-md", 1);
  EXPECT_GT(m.tv - m.tv_floor, 0.15) << m.text;
}

TEST(PaperTargets, DISABLED_DoubleBananaWgmaMdAtDefaultsIsAlwaysFlagged) {
  // Fails on seed 23 of 1 .. 30 (ESS 514, k-hat 0.43; TV - floor 0.27).
  expect_always_flagged(banana_case(), "wgma-md", 30);
}

TEST(PaperTargets, DoubleBananaWgmaMdWith900ComponentsMatchesTheExactDensity) {
  // The setting it needs: components = 900 (30 per axis), so that a
  // component's sd (0.13) is below the ring's radial sd (0.14). 20 seeds:
  // TV - floor 0.059 +- 0.0096 (max 0.080; floor 0.016 for 27000 draws);
  // half shares within 0.013 (sd 0.0056); mean within 0.05 sd; covariance
  // within 0.032; ESS 931 to 945; k-hat -0.46 to 0.18. Allowances: TV
  // 0.105, shares 0.03, mean 0.08 sd, covariance 0.065 (4.5 sd each).
  expect_matches(run(banana_case(), "wgma-md", 1, {{"components", 900}}),
                 {0.105, 0.03, 0.08, 0.065});
}

TEST(PaperTargets, DoubleBananaLmaFailsAndItsEssSaysSo) {
  // Two Gaussians for two bananas. 30 seeds: TV - floor 0.40 to 0.44; ESS
  // 40 to 301 of 1000; k-hat 0.53 to 1.04.
  expect_fails_flagged(run(banana_case(), "lma", 1), 0.3);
}

// -------------------------------------------------------------------- wave

TEST(PaperTargets, WaveWgmaMdAtDefaultsFails) {
  // In the box [-10, 10] x [-3, 3] the default components have sds 0.67 x
  // 0.2: too long in x1 to follow the sine's slopes, so the fit favours
  // its crests and troughs (var x2 0.5 against 0.66). 30 seeds: TV - floor
  // 0.17 to 0.26; ESS 331 to 549 of 1000; k-hat 0.08 to 0.52: 10 of the 30
  // are not flagged (see the DISABLED_ test).
  const Measured m = run(wave_case(), "wgma-md", 1);
  EXPECT_GT(m.tv - m.tv_floor, 0.12) << m.text;
}

TEST(PaperTargets, DISABLED_WaveWgmaMdAtDefaultsIsAlwaysFlagged) {
  // Fails on seeds 2, 11, 12, 13, 16, 18, 22, 24, 25 and 27 of 1 .. 30
  // (ESS 502 to 549, k-hat 0.08 to 0.38).
  expect_always_flagged(wave_case(), "wgma-md", 30);
}

TEST(PaperTargets, WaveWgmaMdWith900ComponentsMatchesTheExactDensity) {
  // The setting it needs: components = 900 (sds 0.33 x 0.1). 20 seeds: TV
  // - floor 0.045 +- 0.006 (max 0.059; floor 0.024); mean within 0.02 sd;
  // covariance within 0.035; ESS 879 to 906; k-hat -0.27 to 0.25.
  // Allowances: TV 0.075, mean 0.05 sd, covariance 0.07 (4.5 sd each),
  // ESS 0.85 of the draws (mean - 4.5 sd: 0.86).
  expect_matches(run(wave_case(), "wgma-md", 1, {{"components", 900}}),
                 {0.075, 0.0, 0.05, 0.07, 0.85});
}

TEST(PaperTargets, WaveLmaFailsAndItsParetoKSaysSo) {
  // One Gaussian at a crest, stretched along the flat x1: TV - floor 0.66
  // to 0.69 over 30 seeds; k-hat 0.62 to 2.12; ESS 6 to 214 of 1000.
  expect_fails_flagged(run(wave_case(), "lma", 1), 0.3);
}

// ------------------------------------------------------------ Neal's funnel

TEST(PaperTargets, FunnelWgmaMdMissesTheNeckAndTheMouth) {
  // The paper's box [-5, 5] x [-8, 6] leaves 11.3 % of the mass outside
  // (y > 6, y < -8 and the mouth beyond |x| = 5); the draws put 0.5 %
  // there. Inside, the neck (x sd e^(y/2), 0.02 at y = -8) is far
  // narrower than a component (sd 0.33): TV given the box 0.2. 30 seeds:
  // TV - floor 0.17 to 0.22; k-hat 0.11 to 1.56; ESS 89 to 927 of 1000: 5
  // of the 30 are not flagged (see the DISABLED_ test). 900 components do
  // not help (TV given the box 0.10, 50 s a run).
  const Measured m = run(funnel_case(), "wgma-md", 1);
  EXPECT_GT(m.tv - m.tv_floor, 0.12) << m.text;
  EXPECT_LT(m.outside_share, 0.5 * m.exact_outside) << m.text;
}

TEST(PaperTargets, DISABLED_FunnelWgmaMdIsAlwaysFlagged) {
  // Fails on seeds 6, 7, 8, 12 and 15 of 1 .. 30 (k-hat 0.11 to 0.56, ESS
  // 618 to 927; TV - floor 0.18 to 0.21).
  expect_always_flagged(funnel_case(), "wgma-md", 30);
}

TEST(PaperTargets, FunnelLmaFailsAndItsEssSaysSo) {
  // One Gaussian at the neck's mode: var x 0.01 against 2.0 inside the
  // box. 30 seeds: TV - floor 0.37 to 0.39; ESS 29 to 316 of 1000; k-hat
  // 0.47 to 1.11.
  expect_fails_flagged(run(funnel_case(), "lma", 1), 0.3);
}

// -------------------------------------------------------------------- star

TEST(PaperTargets, StarEmMatchesTheExactDensity) {
  // 30 seeds: TV - floor 0.0049 +- 0.0046 (max 0.017; floor 0.043 for
  // 4000 draws); sector shares within 0.022 (sd 0.010); mean within 0.06
  // sd; covariance within 0.076 of scale; ESS 989 or more; k-hat -0.15 to
  // 0.83 (above the threshold on seed 11, with TV - floor 0.017).
  // Allowances: TV 0.025, shares 0.05, mean 0.12 sd, covariance 0.18 (4.5
  // sd each).
  expect_matches(run(star_case(), "em", 1), {0.025, 0.05, 0.12, 0.18});
}

TEST(PaperTargets, StarWgmaMdAtDefaultsFailsAndItsEssSaysSo) {
  // The spokes' cross sd 0.1 against the components' 0.27: TV - floor 0.32
  // to 0.45 over 20 seeds; sector shares off by up to 0.11; variances 30
  // to 70 % low; ESS 103 to 253 of 1000; k-hat -0.16 to 0.61.
  expect_fails_flagged(run(star_case(), "wgma-md", 1), 0.2);
}

TEST(PaperTargets, StarWgmaMdWith900ComponentsMatchesTheExactDensity) {
  // components = 900 (sd 0.13) make it usable, with a visible bias: 20
  // seeds: TV - floor 0.080 +- 0.012 (max 0.105; floor 0.017); sector
  // shares within 0.052 (sd 0.007 about a bias of 0.034 on one); var x2
  // 10 % low; ESS 669 to 713 of 1000; k-hat -0.20 to 0.39. Allowances: TV
  // 0.14, shares 0.07, mean 0.17 sd, covariance 0.18 (4.5 sd each), ESS
  // 0.6 of the draws (mean - 4.5 sd: 0.64).
  expect_matches(run(star_case(), "wgma-md", 1, {{"components", 900}}),
                 {0.14, 0.07, 0.17, 0.18, 0.6});
}

TEST(PaperTargets, StarLmaMatchesOrItsParetoKSaysSo) {
  // LMA's starts miss or merge spokes on most seeds (19 of 30: TV - floor
  // up to 0.13, k-hat 6 to 7 on those, ESS 87 to 1000); the others match
  // (TV - floor 0.023 +- 0.008, max 0.037; sector shares within 0.028; ESS
  // 972 or more). Allowances: TV 0.06, shares 0.05, mean 0.11 sd,
  // covariance 0.16 (4.5 sd each); any number flagged.
  expect_matches_or_flagged(star_case(), "lma", 20, 20,
                            {0.06, 0.05, 0.11, 0.16});
}
