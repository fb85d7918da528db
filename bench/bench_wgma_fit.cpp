// bench_wgma_fit.cpp: the cost of the W-GMA weight fit, dense against
// sparse storage of the component densities (gma::WeightObjective).
//
// Two configurations:
//   iris        Bayesian logistic regression, iris setosa vs versicolor
//               (100 rows, 4 standardised features, no intercept, prior
//               N(0, I)); N = 2000 components with means from N(0, 5 I),
//               isotropic variance 0.03, M = 50 bank points each, K = 1500
//               iterations of mirror descent with eta_k = 0.1 / k.
//   four_modes  the 2-D four-mode mixture in the box [-6, 6]^2: N = 225
//               components on the default grid (sd 0.4), M = 30, K = 500
//               iterations of mirror descent with eta_k = 1 / k (the
//               library's defaults).
//   modes_10d   a 10-D standard Gaussian with N = 360 components placed
//               at its mode as the sampler's placement at the modes does
//               (regions.hpp: full covariances h^2 I, h = 0.62, means
//               spread over 1.25 sd), M = 30: heavily overlapping
//               components, where the truncation keeps most entries.
// For each: the time to build the objective and the time per iteration of
// the fit, with the objective's memory and stored fraction as counters.
// The dense iris fit is timed over its first 20 iterations only (its cost
// per iteration does not change); the sparse one over those 20 and over
// the whole fit. Times are wall clock ("Time", and the per_iter counter)
// and process CPU time ("CPU", all threads: OpenBLAS runs the dense
// product on both cores).
#include <benchmark/benchmark.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gma/bank.hpp"
#include "gma/math.hpp"
#include "gma/placement.hpp"
#include "gma/regions.hpp"
#include "gma/wgma.hpp"

namespace {

// One benchmark configuration: the mixture, its evaluated bank, the fit.
struct Config {
  gma::Mixture mixture;
  gma::Bank bank;
  gma::WgmaSettings settings;
};

// A configuration: the mixture, M bank points per component evaluated on
// the target, and a mirror-descent fit of K iterations from step eta0.
Config configure(gma::Mixture mixture, const gma::Target& target,
                 arma::uword per_component, arma::uword iterations,
                 double step, gma::Rng& rng) {
  Config c{std::move(mixture), gma::Bank(),
           gma::WgmaSettings{iterations, step, gma::Update::mirror_descent,
                             gma::Schedule::inverse}};
  c.bank = gma::draw_bank(c.mixture, per_component, rng);
  gma::evaluate_bank(c.bank, target, 4096, 1, gma::RoundFn());
  return c;
}

// The iris rows 1-100 (setosa, versicolor): features standardised to mean
// 0 and sd 1 (x, 100 x 4), labels 1 for versicolor (y).
void read_iris(arma::mat& x, arma::vec& y) {
  // Read the CSV written from R's datasets::iris.
  std::ifstream in(GMA_IRIS_CSV);
  if (!in) throw std::runtime_error("cannot read " GMA_IRIS_CSV);
  std::string line;
  std::getline(in, line);
  std::vector<double> features, labels;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string cell;
    for (int k = 0; k < 4; ++k) {
      std::getline(row, cell, ',');
      features.push_back(std::stod(cell));
    }
    std::getline(row, cell);
    labels.push_back(cell == "versicolor" ? 1.0 : 0.0);
  }

  // Standardise the columns.
  x = arma::mat(features.data(), 4, labels.size()).t();
  x.each_row() -= arma::mean(x, 0);
  x.each_row() /= arma::stddev(x, 0, 0);
  y = arma::vec(labels);
}

// The iris configuration, built once.
const Config& iris() {
  static const Config config = [] {
    // The log posterior: sum_r y_r eta_r - log(1 + e^eta_r) - |b|^2 / 2.
    arma::mat x;
    arma::vec y;
    read_iris(x, y);
    const gma::Target target(4, [x, y](const arma::mat& b, arma::vec& out) {
      const arma::mat eta = x * b;
      const arma::mat soft = arma::clamp(eta, 0.0, arma::datum::inf) +
                             arma::log1p(arma::exp(-arma::abs(eta)));
      out = (y.t() * eta - arma::sum(soft, 0) -
             0.5 * arma::sum(arma::square(b), 0)).t();
    });

    // N = 2000 means from N(0, 5 I), variance 0.03, M = 50 points each.
    gma::Rng rng(2025);
    const arma::mat means = std::sqrt(5.0) * rng.normal_matrix(4, 2000);
    return configure(gma::Mixture::isotropic(means, 0.03), target, 50, 1500,
                     0.1, rng);
  }();
  return config;
}

// The four-mode configuration, built once.
const Config& four_modes() {
  static const Config config = [] {
    // Modes at (+-3, +-3): weights and covariances [[a, b], [b, c]].
    const gma::Target target(2, [](const arma::mat& x, arma::vec& out) {
      const double mean[4][2] = {{-3, -3}, {3, 3}, {-3, 3}, {3, -3}};
      const double cov[4][3] = {{1, 0.8, 1}, {1, -0.8, 1}, {1, 0, 0.2},
                                {0.2, 0, 1}};
      const double weight[4] = {0.3, 0.3, 0.2, 0.2};
      arma::mat parts(x.n_cols, 4);
      for (int k = 0; k < 4; ++k) {
        const double a = cov[k][0], b = cov[k][1], c = cov[k][2];
        const double det = a * c - b * b;
        const arma::rowvec dx = x.row(0) - mean[k][0];
        const arma::rowvec dy = x.row(1) - mean[k][1];
        parts.col(k) = (-0.5 * (c * dx % dx - 2 * b * dx % dy +
                                a * dy % dy) / det).t() +
                       std::log(weight[k] / (2 * M_PI * std::sqrt(det)));
      }
      out = gma::log_sum_exp_rows(parts);
    });

    // 225 components on the box's default grid, M = 30 points each.
    gma::Rng rng(2024);
    return configure(gma::place_in_box({-6, -6}, {6, 6}, 225, 0.0, rng),
                     target, 30, 500, 1.0, rng);
  }();
  return config;
}

// The 10-D configuration at the mode, built once.
const Config& modes_10d() {
  static const Config config = [] {
    const arma::uword d = 10;
    const gma::Target target(d, [](const arma::mat& x, arma::vec& out) {
      out = -0.5 * arma::sum(arma::square(x), 0).t();
    });
    gma::Rng rng(7);
    const std::vector<gma::Region> regions = {
        {arma::vec(d, arma::fill::zeros), arma::eye(d, d), 1.0}};
    return configure(
        gma::place_in_regions(regions, 360, 1.25, nullptr, rng).mixture,
        target, 30, 500, 1.0, rng);
  }();
  return config;
}

// The objective's size as counters: megabytes held, stored fraction.
void size_counters(benchmark::State& state,
                   const gma::WeightObjective& objective) {
  state.counters["memory_MB"] = double(objective.memory_bytes()) / 1e6;
  state.counters["stored"] = objective.stored_fraction();
}

// Building the objective.
void BM_Build(benchmark::State& state, const Config& (*config)(),
              gma::Storage storage) {
  const Config& c = config();
  for (auto _ : state) {
    const gma::WeightObjective objective(c.mixture, c.bank, storage);
    benchmark::DoNotOptimize(&objective);
    state.PauseTiming();
    size_counters(state, objective);
    state.ResumeTiming();
  }
}

// The first `iterations` iterations of the fit, from equal weights, on a
// fresh objective each time (the sparse one extends itself as it goes).
void BM_Fit(benchmark::State& state, const Config& (*config)(),
            gma::Storage storage, arma::uword iterations) {
  const Config& c = config();
  gma::WgmaSettings settings = c.settings;
  settings.iterations = iterations;
  for (auto _ : state) {
    state.PauseTiming();
    {
      const gma::WeightObjective objective(c.mixture, c.bank, storage);
      state.ResumeTiming();
      const arma::vec w = gma::fit_weights(objective, c.mixture.weights(),
                                           settings, iterations);
      benchmark::DoNotOptimize(w.memptr());
      state.PauseTiming();
      size_counters(state, objective);
    }
    state.ResumeTiming();
  }

  // Seconds per fit iteration (of the wall-clock time).
  state.counters["per_iter"] = benchmark::Counter(
      double(iterations), benchmark::Counter::kIsIterationInvariantRate |
                              benchmark::Counter::kInvert);
}

// Milliseconds, wall clock and the CPU time of all threads.
void timed(benchmark::internal::Benchmark* b) {
  b->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
}

using gma::Storage;

BENCHMARK_CAPTURE(BM_Build, four_modes_dense, four_modes, Storage::dense)
    ->Apply(timed);
BENCHMARK_CAPTURE(BM_Build, four_modes_sparse, four_modes, Storage::sparse)
    ->Apply(timed);
BENCHMARK_CAPTURE(BM_Fit, four_modes_dense_500, four_modes, Storage::dense,
                  500)
    ->Apply(timed)->Iterations(5);
BENCHMARK_CAPTURE(BM_Fit, four_modes_sparse_500, four_modes,
                  Storage::sparse, 500)
    ->Apply(timed)->Iterations(5);

BENCHMARK_CAPTURE(BM_Build, modes_10d_dense, modes_10d, Storage::dense)
    ->Apply(timed)->Iterations(3);
BENCHMARK_CAPTURE(BM_Build, modes_10d_sparse, modes_10d, Storage::sparse)
    ->Apply(timed)->Iterations(3);
BENCHMARK_CAPTURE(BM_Fit, modes_10d_dense_50, modes_10d, Storage::dense, 50)
    ->Apply(timed)->Iterations(3);
BENCHMARK_CAPTURE(BM_Fit, modes_10d_sparse_50, modes_10d, Storage::sparse,
                  50)
    ->Apply(timed)->Iterations(3);

BENCHMARK_CAPTURE(BM_Build, iris_dense, iris, Storage::dense)
    ->Apply(timed)->Iterations(1);
BENCHMARK_CAPTURE(BM_Build, iris_sparse, iris, Storage::sparse)
    ->Apply(timed)->Iterations(1);
BENCHMARK_CAPTURE(BM_Fit, iris_dense_20, iris, Storage::dense, 20)
    ->Apply(timed)->Iterations(1);
BENCHMARK_CAPTURE(BM_Fit, iris_sparse_20, iris, Storage::sparse, 20)
    ->Apply(timed)->Iterations(1);
BENCHMARK_CAPTURE(BM_Fit, iris_sparse_1500, iris, Storage::sparse, 1500)
    ->Apply(timed)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
