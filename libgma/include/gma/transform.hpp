// transform.hpp: bounded parameters mapped to the whole real line.
//
// For each coordinate with bounds (a, b), either of which may be infinite,
// the sampler works on an unconstrained y and the target sees x = T(y):
//
//   (-inf, inf)  x = y
//   (a, inf)     x = a + exp(y)                  log|dx/dy| = y
//   (-inf, b)    x = b - exp(y)                  log|dx/dy| = y
//   (a, b)       x = a + (b - a) / (1 + e^-y)    log|dx/dy| =
//                                 log(b - a) - log1p(e^-y) - log1p(e^y)
//
// The density of y is p~(T(y)) |dT/dy|, so the log-Jacobian is added to the
// target's log density; draws are mapped back by T. The fitted mixture
// stays on the unconstrained scale.
#ifndef GMA_TRANSFORM_HPP
#define GMA_TRANSFORM_HPP

#include "gma/arma.hpp"
#include "gma/target.hpp"

namespace gma {

class Bounds {
 public:
  // No bounds in dim coordinates.
  explicit Bounds(arma::uword dim);

  // Bounds lower < upper per coordinate; -Inf / +Inf mean unbounded. NaN
  // or lower >= upper throws gma::Error naming the coordinate and values.
  Bounds(const arma::vec& lower, const arma::vec& upper);

  arma::uword dim() const { return lower_.n_elem; }
  bool any() const;
  const arma::vec& lower() const { return lower_; }
  const arma::vec& upper() const { return upper_; }

  // x = T(y) for every column.
  arma::mat to_constrained(const arma::mat& y) const;

  // y = T^-1(x) for every column; x must lie strictly inside the bounds.
  arma::mat to_unconstrained(const arma::mat& x) const;

  // log |det dT/dy| for every column.
  arma::vec log_jacobian(const arma::mat& y) const;

  // The unconstrained image of a box given on the constrained scale. A box
  // edge on a bound moves inside by 0.1 % of that coordinate's box width.
  void box_to_unconstrained(arma::vec& lower, arma::vec& upper) const;

  // The target on the unconstrained scale: p~(T(y)) plus the log-Jacobian.
  Target wrap(const Target& target) const;

 private:
  // The one-coordinate maps behind the matrix forms.
  double forward(arma::uword k, double t) const;
  double inverse(arma::uword k, double v) const;
  double log_jacobian_1d(arma::uword k, double t) const;

  arma::vec lower_, upper_;
};

}  // namespace gma

#endif  // GMA_TRANSFORM_HPP
