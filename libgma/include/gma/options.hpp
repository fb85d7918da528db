// options.hpp: the sampler's settings, set and read by name.
//
// Every numeric parameter has a range; 0 means "the default for the method
// and the problem" where the table in options.cpp says so. The defaults are
// documented in one place, the README's "Defaults" section, and in gma.h.
//
// Text options:
//   method      wgma-md (default), wgma-pgd, wgma-stable, wgma-refine, lma,
//               lma-wgma, em
//   schedule    auto (default: backtracking for wgma-pgd at the modes,
//               else inverse),
//               inverse (eta0 / k), inverse-sqrt (eta0 / sqrt k) or
//               backtracking (Armijo's rule, see wgma.hpp)
//   resampling  stratified (default) or systematic
//   output      auto (default), bank, mixture or importance
//   placement   auto (default), box or modes: where the components of
//               wgma-md, -pgd, -stable and -refine go (regions.hpp)
#ifndef GMA_OPTIONS_HPP
#define GMA_OPTIONS_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "gma/arma.hpp"
#include "gma/resample.hpp"
#include "gma/wgma.hpp"

namespace gma {

enum class Method {
  wgma_md, wgma_pgd, wgma_stable, wgma_refine, lma, lma_wgma, em
};

// Where the W-GMA components go.
enum class Placement {
  automatic,  // modes in 3 or more dimensions, else box
  box,        // over the box (grid or Latin hypercube), placement.hpp
  modes       // around the modes of local searches, regions.hpp
};

// Where the output draws come from.
enum class Output {
  automatic,   // bank for the W-GMA methods, mixture for LMA and EM
  bank,        // the bank resampled by the fitted weights (the paper's)
  mixture,     // fresh draws from the fitted mixture
  importance   // draws from the mixture resampled by PSIS weights
};

struct Options {
  // Placement and the W-GMA fit.
  arma::uword components = 0;             // N; 0: from the dimension
  arma::uword points_per_component = 0;   // M; 0: 30 (200 for lma-wgma)
  arma::uword iterations = 0;             // K; 0: 500 (W-GMA), 60 (EM)
  double step_size = 0.0;                 // eta0; 0: by method
  double cov_scale = 0.0;                 // isotropic variance; 0: auto
  arma::uword draws = 0;                  // output draws; 0: N * M or 4000
  arma::uword importance_draws = 1000;    // draws for k-hat, ESS, log Z
  arma::uword threads = 1;
  arma::uword batch_size = 4096;
  arma::uword progress_every = 25;

  // Placement at the modes (regions.hpp).
  arma::uword adapt_rounds = 1;  // refits of the regions from a bank
  double spread = 0.0;           // cloud sd over a region's sd; 0: 1.25
                                 // (1 for wgma-stable)
  double cover_fraction = 0.1;   // share of components over the box

  // Stabilised W-GMA (each device off at its neutral value).
  double temper_min = 0.3;       // beta from this up to 1 (1: off)
  double standardise = 0.0;      // 1: fit the standardised log target
  double entropy_penalty = 0.01; // lambda0 (0: off)
  double md_temperature = 1.8;   // tau0, down to 1 (1: off)
  double damping = 0.2;          // alpha0 (0: off)
  double step_offset = 800.0;    // k0 in eta0 / sqrt(k + k0)
  double tail_fraction = 0.75;   // share of iterates averaged (0: off)

  // Coarse-to-refine W-GMA.
  double refine_keep = 0.2;      // share of components kept
  double refine_shrink = 0.35;   // stage-2 sd as a share of stage 1's
  double refine_jitter = 0.15;   // jitter sd as a share of stage 2's sd

  // LMA.
  arma::uword starts = 0;        // optimisation starts; 0: 10 + 2 dim
  double kappa = 1.0;            // covariance inflation
  arma::uword max_evaluations = 0;  // per start; 0: 200 (dim + 1)^2
  double merge_distance = 1.0;   // Mahalanobis distance to merge modes

  // EM-GMA.
  arma::uword bank_size = 4096;  // points drawn per EM iteration
  double ridge = 1e-6;
  double eigen_floor = 1e-6;
  double max_condition = 1e6;
  double min_ess_fraction = 0.05;

  Method method = Method::wgma_md;
  Schedule schedule = Schedule::automatic;
  Resampling resampling = Resampling::stratified;
  Output output = Output::automatic;
  Placement placement = Placement::automatic;
  std::uint64_t seed = 42;

  // Set a numeric parameter; throws gma::Error naming the name and value.
  void set(const std::string& name, double value);

  // Read a numeric parameter; throws for an unknown name.
  double get(const std::string& name) const;

  // Set a text option; throws gma::Error naming the name and value.
  void set_option(const std::string& name, const std::string& value);

  // Read a text option; throws for an unknown name.
  std::string get_option(const std::string& name) const;

  // The names of all numeric parameters, in a fixed order.
  static std::vector<std::string> parameter_names();

  // The W-GMA update of the method (mirror descent unless wgma-pgd).
  Update update() const;

  // The step size in force: the set one, or the method's default.
  double effective_step_size() const;
};

}  // namespace gma

#endif  // GMA_OPTIONS_HPP
