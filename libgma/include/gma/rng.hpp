// rng.hpp: the sampler's own random stream.
//
// A 64-bit Mersenne Twister whose raw output the C++ standard fixes, turned
// into uniforms and normals by formulas written here, so that a seed gives
// the same draws on every platform and standard library. No global state.
#ifndef GMA_RNG_HPP
#define GMA_RNG_HPP

#include <cstdint>
#include <random>

#include "gma/arma.hpp"

namespace gma {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  // A uniform draw in the open interval (0, 1).
  double uniform();

  // A standard normal draw (Box-Muller, both values used in turn).
  double normal();

  // A uniform index in 0 .. n-1 (n >= 1).
  arma::uword index(arma::uword n);

  // A rows x cols matrix of independent standard normal draws.
  arma::mat normal_matrix(arma::uword rows, arma::uword cols);

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace gma

#endif  // GMA_RNG_HPP
