// options.hpp: the sampler's settings, set and read by name.
//
// Numeric parameters (0 means "choose the default" where noted):
//   components            N >= 1; 0: from the dimension (placement.hpp)
//   points_per_component  M >= 2; default 30
//   iterations            K >= 1; default 500
//   step_size             eta0 > 0; 0: 1.0 for mirror descent, 0.1 for
//                         projected gradient
//   cov_scale             isotropic variance > 0; 0: from the box or means
//   draws                 output draws >= 1; 0: N * M
//   threads               evaluation threads >= 1; default 1
//   batch_size            points per target call >= 1; default 4096
//   progress_every        iterations between progress reports >= 1; 25
// Text options: method ("wgma-md", "wgma-pgd"), schedule ("inverse",
// "inverse-sqrt"), resampling ("stratified", "systematic").
#ifndef GMA_OPTIONS_HPP
#define GMA_OPTIONS_HPP

#include <cstdint>
#include <string>

#include "gma/arma.hpp"
#include "gma/resample.hpp"
#include "gma/wgma.hpp"

namespace gma {

struct Options {
  arma::uword components = 0;
  arma::uword points_per_component = 30;
  arma::uword iterations = 500;
  double step_size = 0.0;
  double cov_scale = 0.0;
  arma::uword draws = 0;
  arma::uword threads = 1;
  arma::uword batch_size = 4096;
  arma::uword progress_every = 25;
  Update update = Update::mirror_descent;
  Schedule schedule = Schedule::inverse;
  Resampling resampling = Resampling::stratified;
  std::uint64_t seed = 42;

  // Set a numeric parameter; throws gma::Error naming the name and value.
  void set(const std::string& name, double value);

  // Read a numeric parameter; throws for an unknown name.
  double get(const std::string& name) const;

  // Set a text option; throws gma::Error naming the name and value.
  void set_option(const std::string& name, const std::string& value);

  // Read a text option; throws for an unknown name.
  std::string get_option(const std::string& name) const;

  // The step size in force: the set one, or the method's default.
  double effective_step_size() const;
};

}  // namespace gma

#endif  // GMA_OPTIONS_HPP
