// hessian.cpp: central-difference Hessians on the 2d^2 + 1 point stencil.
#include "gma/hessian.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gma/error.hpp"

namespace gma {

arma::vec hessian_steps(const arma::vec& x, double step) {
  // Check the point and the step; 0 selects eps^(1/4).
  const char* fn = "gma::hessian_steps";
  if (x.is_empty() || !x.is_finite())
    fail(ErrorKind::argument, fn, "the point must be non-empty and finite");
  if (!(step >= 0.0) || !std::isfinite(step))
    fail(ErrorKind::argument, fn, "step (", step,
         ") must be finite and non-negative");
  const double base =
      step > 0.0 ? step
                 : std::pow(std::numeric_limits<double>::epsilon(), 0.25);

  // h_k = base * max(1, |x_k|), rounded so that (x_k + h_k) - x_k = h_k.
  arma::vec h(x.n_elem);
  for (arma::uword k = 0; k < x.n_elem; ++k) {
    const double raw = base * std::max(1.0, std::abs(x[k]));
    const volatile double up = x[k] + raw;
    h[k] = up - x[k];
  }
  return h;
}

arma::mat hessian_stencil(const arma::vec& x, const arma::vec& h) {
  // Check the steps: one positive value per coordinate.
  const arma::uword d = x.n_elem;
  if (h.n_elem != d || d == 0 || !h.is_finite() || h.min() <= 0.0)
    fail(ErrorKind::argument, "gma::hessian_stencil", "need ", d,
         " positive finite steps (got ", h.n_elem, ")");

  // The centre, then the two axial points of every coordinate.
  arma::mat p(d, 2 * d * d + 1);
  p.each_col() = x;
  arma::uword c = 1;
  for (arma::uword k = 0; k < d; ++k) {
    p(k, c++) += h[k];
    p(k, c++) -= h[k];
  }

  // The four corners of every pair k < l.
  const double signs[4][2] = {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
  for (arma::uword k = 0; k < d; ++k)
    for (arma::uword l = k + 1; l < d; ++l)
      for (const auto& s : signs) {
        p(k, c) += s[0] * h[k];
        p(l, c) += s[1] * h[l];
        ++c;
      }
  return p;
}

arma::mat hessian_from_stencil(const arma::vec& values, const arma::vec& h) {
  // Check that the values fit the stencil of h.
  const arma::uword d = h.n_elem;
  if (values.n_elem != 2 * d * d + 1)
    fail(ErrorKind::argument, "gma::hessian_from_stencil", "got ",
         values.n_elem, " values for the ", 2 * d * d + 1,
         " points of a ", d, "-D stencil");

  // Diagonal: the second difference along each axis.
  arma::mat hess(d, d);
  const double centre = values[0];
  for (arma::uword k = 0; k < d; ++k)
    hess(k, k) = (values[1 + 2 * k] - 2.0 * centre + values[2 + 2 * k]) /
                 (h[k] * h[k]);

  // Off the diagonal: the mixed difference of the four corners.
  arma::uword c = 1 + 2 * d;
  for (arma::uword k = 0; k < d; ++k)
    for (arma::uword l = k + 1; l < d; ++l) {
      const double mixed =
          values[c] - values[c + 1] - values[c + 2] + values[c + 3];
      hess(k, l) = hess(l, k) = mixed / (4.0 * h[k] * h[l]);
      c += 4;
    }
  return hess;
}

arma::mat finite_difference_hessian(const Target& target, const arma::vec& x,
                                    double step, EvalCounts& counts,
                                    arma::uword batch_size,
                                    arma::uword threads) {
  // Check the point against the target.
  const char* fn = "gma::finite_difference_hessian";
  if (x.n_elem != target.dim())
    fail(ErrorKind::argument, fn, "the point has ", x.n_elem,
         " coordinates, the target dimension is ", target.dim());

  // Every stencil point in one evaluation.
  const arma::vec h = hessian_steps(x, step);
  const arma::mat points = hessian_stencil(x, h);
  const arma::vec values =
      target.evaluate(points, batch_size, threads, counts);

  // A point outside the support leaves no second difference.
  const arma::uword outside = arma::uvec(arma::find_nonfinite(values)).n_elem;
  if (outside > 0)
    fail(ErrorKind::target, fn, outside, " of the ", values.n_elem,
         " stencil points (steps up to ", h.max(),
         ") are outside the support");
  return hessian_from_stencil(values, h);
}

}  // namespace gma
