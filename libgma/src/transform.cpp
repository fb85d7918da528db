// transform.cpp: the maps between bounded and unconstrained coordinates.
#include "gma/transform.hpp"

#include <algorithm>
#include <cmath>

#include "gma/error.hpp"

namespace gma {

namespace {

// log(1 + e^t) without overflow.
double softplus(double t) {
  return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t));
}

}  // namespace

Bounds::Bounds(arma::uword dim)
    : lower_(dim, arma::fill::value(-arma::datum::inf)),
      upper_(dim, arma::fill::value(arma::datum::inf)) {}

Bounds::Bounds(const arma::vec& lower, const arma::vec& upper)
    : lower_(lower), upper_(upper) {
  if (lower.n_elem != upper.n_elem)
    fail(ErrorKind::argument, "gma::Bounds", "lower has ", lower.n_elem,
         " values, upper ", upper.n_elem);
  for (arma::uword k = 0; k < lower.n_elem; ++k) {
    if (std::isnan(lower[k]) || std::isnan(upper[k]) ||
        !(lower[k] < upper[k]) || lower[k] == arma::datum::inf ||
        upper[k] == -arma::datum::inf)
      fail(ErrorKind::argument, "gma::Bounds", "coordinate ", k + 1,
           ": need lower < upper (lower ", lower[k], ", upper ", upper[k],
           ")");
  }
}

bool Bounds::any() const {
  return arma::any(lower_ > -arma::datum::inf) ||
         arma::any(upper_ < arma::datum::inf);
}

double Bounds::forward(arma::uword k, double t) const {
  const double a = lower_[k], b = upper_[k];
  const bool has_a = std::isfinite(a), has_b = std::isfinite(b);
  if (has_a && has_b) return a + (b - a) / (1.0 + std::exp(-t));
  if (has_a) return a + std::exp(t);
  if (has_b) return b - std::exp(t);
  return t;
}

double Bounds::inverse(arma::uword k, double v) const {
  const double a = lower_[k], b = upper_[k];
  const bool has_a = std::isfinite(a), has_b = std::isfinite(b);
  if ((has_a && !(v > a)) || (has_b && !(v < b)) || std::isnan(v))
    fail(ErrorKind::argument, "gma::Bounds::to_unconstrained", "coordinate ",
         k + 1, " value ", v, " is not inside (", a, ", ", b, ")");
  if (has_a && has_b) return std::log((v - a) / (b - v));
  if (has_a) return std::log(v - a);
  if (has_b) return std::log(b - v);
  return v;
}

double Bounds::log_jacobian_1d(arma::uword k, double t) const {
  const double a = lower_[k], b = upper_[k];
  const bool has_a = std::isfinite(a), has_b = std::isfinite(b);
  if (has_a && has_b) return std::log(b - a) - softplus(-t) - softplus(t);
  return (has_a || has_b) ? t : 0.0;
}

arma::mat Bounds::to_constrained(const arma::mat& y) const {
  arma::mat x(arma::size(y));
  for (arma::uword j = 0; j < y.n_cols; ++j)
    for (arma::uword k = 0; k < dim(); ++k) x(k, j) = forward(k, y(k, j));
  return x;
}

arma::mat Bounds::to_unconstrained(const arma::mat& x) const {
  arma::mat y(arma::size(x));
  for (arma::uword j = 0; j < x.n_cols; ++j)
    for (arma::uword k = 0; k < dim(); ++k) y(k, j) = inverse(k, x(k, j));
  return y;
}

arma::vec Bounds::log_jacobian(const arma::mat& y) const {
  arma::vec out(y.n_cols, arma::fill::zeros);
  for (arma::uword j = 0; j < y.n_cols; ++j)
    for (arma::uword k = 0; k < dim(); ++k)
      out[j] += log_jacobian_1d(k, y(k, j));
  return out;
}

void Bounds::box_to_unconstrained(arma::vec& lower, arma::vec& upper) const {
  for (arma::uword k = 0; k < dim(); ++k) {
    // The box must not leave the bounds; an edge on a bound moves inside.
    const double a = lower_[k], b = upper_[k];
    if (lower[k] < a || upper[k] > b)
      fail(ErrorKind::argument, "gma::Bounds::box_to_unconstrained",
           "coordinate ", k + 1, ": the box [", lower[k], ", ", upper[k],
           "] leaves the bounds (", a, ", ", b, ")");
    const double nudge = 1e-3 * (upper[k] - lower[k]);
    const double lo = inverse(k, lower[k] == a ? a + nudge : lower[k]);
    const double hi = inverse(k, upper[k] == b ? b - nudge : upper[k]);

    // x = b - e^y reverses the order of the edges.
    lower[k] = std::min(lo, hi);
    upper[k] = std::max(lo, hi);
  }
}

Target Bounds::wrap(const Target& target) const {
  // Evaluate the target at T(y) and add the log-Jacobian.
  const Bounds bounds = *this;
  return Target(target.dim(), [bounds, target](const arma::mat& y,
                                               arma::vec& out) {
    const arma::mat x = bounds.to_constrained(y);
    target.call(x, out);
    out += bounds.log_jacobian(y);
  });
}

}  // namespace gma
