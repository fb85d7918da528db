// rng.cpp: uniforms and normals from the raw 64-bit Mersenne Twister.
#include "gma/rng.hpp"

#include <cmath>

namespace gma {

double Rng::uniform() {
  // 53 random bits, shifted by half a unit so neither 0 nor 1 can occur.
  const std::uint64_t bits = engine_() >> 11;
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
}

double Rng::normal() {
  // Return the value kept from the previous pair, if any.
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }

  // Box-Muller: two uniforms give two independent normals.
  const double radius = std::sqrt(-2.0 * std::log(uniform()));
  const double angle = 2.0 * M_PI * uniform();
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

arma::uword Rng::index(arma::uword n) {
  const auto i = static_cast<arma::uword>(uniform() * static_cast<double>(n));
  return i < n ? i : n - 1;
}

arma::mat Rng::normal_matrix(arma::uword rows, arma::uword cols) {
  arma::mat z(rows, cols);
  for (arma::uword k = 0; k < z.n_elem; ++k) z[k] = normal();
  return z;
}

}  // namespace gma
