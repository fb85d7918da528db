// hessian.hpp: the Hessian of log p~ by central finite differences.
//
// With steps h_k and f = log p~, the second derivatives at x are
//
//   H_kk = (f(x + h_k e_k) - 2 f(x) + f(x - h_k e_k)) / h_k^2,
//   H_kl = (f(x + h_k e_k + h_l e_l) - f(x + h_k e_k - h_l e_l)
//           - f(x - h_k e_k + h_l e_l) + f(x - h_k e_k - h_l e_l))
//          / (4 h_k h_l)                                   (k < l),
//
// both with truncation error O(h^2) (exact for a quadratic) and rounding
// error O(eps |f| / h^2). The default step h_k = eps^(1/4) max(1, |x_k|)
// balances the two (Nocedal and Wright, "Numerical Optimization", 2nd ed.,
// Springer 2006, section 8.1). Symmetry leaves 1 + 2d + 2d(d-1) = 2d^2 + 1
// distinct points, evaluated in one call of Target::evaluate so that
// batched or threaded targets see them together.
#ifndef GMA_HESSIAN_HPP
#define GMA_HESSIAN_HPP

#include "gma/arma.hpp"
#include "gma/target.hpp"

namespace gma {

// The steps h_k = step * max(1, |x_k|), each rounded so that x_k + h_k is
// exactly x_k plus a representable step; step 0 means eps^(1/4) (about
// 1.2e-4). Throws gma::Error (argument) for a negative or non-finite step
// or a non-finite x.
arma::vec hessian_steps(const arma::vec& x, double step);

// The 2d^2 + 1 stencil points as the columns of a d x (2d^2 + 1) matrix:
// x; then x + h_k e_k and x - h_k e_k for k = 1..d; then for every pair
// k < l the corners (+,+), (+,-), (-,+), (-,-). h must be positive, one per
// coordinate of x.
arma::mat hessian_stencil(const arma::vec& x, const arma::vec& h);

// The Hessian (d x d, exactly symmetric) from log p~ at the stencil points
// of hessian_stencil, in that order. Non-finite values give non-finite
// entries; the caller decides what to do with them.
arma::mat hessian_from_stencil(const arma::vec& values, const arma::vec& h);

// The Hessian of log p~ at x: steps from hessian_steps(x, step), all the
// stencil points in one Target::evaluate (batch_size points per call,
// `threads` threads), the evaluations added to counts. Throws gma::Error
// (argument) for a point of the wrong length and (target) when a stencil
// point is outside the support (log p~ = -Inf), since no second
// difference exists there.
arma::mat finite_difference_hessian(const Target& target, const arma::vec& x,
                                    double step, EvalCounts& counts,
                                    arma::uword batch_size = 4096,
                                    arma::uword threads = 1);

}  // namespace gma

#endif  // GMA_HESSIAN_HPP
