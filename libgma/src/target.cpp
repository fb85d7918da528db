// target.cpp: batched, optionally threaded evaluation with the value rule.
#include "gma/target.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <thread>
#include <vector>

#include "gma/error.hpp"

namespace gma {

Target::Target(arma::uword dim, BatchFn fn) : dim_(dim), fn_(std::move(fn)) {
  if (dim == 0)
    fail(ErrorKind::argument, "gma::Target", "dimension must be at least 1");
  if (!fn_)
    fail(ErrorKind::argument, "gma::Target", "no function given");
}

void Target::call_batch(const arma::mat& points, arma::uword first,
                        arma::uword n, arma::vec& out) const {
  // A view of the batch's columns; the function fills its own vector.
  const arma::mat batch(const_cast<double*>(points.colptr(first)), dim_, n,
                        false, true);
  arma::vec values(n, arma::fill::value(arma::datum::nan));
  fn_(batch, values);
  if (values.n_elem != n)
    fail(ErrorKind::callback, "gma::Target::evaluate", "the function wrote ",
         values.n_elem, " values for ", n, " points");
  out.subvec(first, first + n - 1) = values;
}

void Target::call(const arma::mat& points, arma::vec& out) const {
  out.set_size(points.n_cols);
  if (points.n_cols > 0) call_batch(points, 0, points.n_cols, out);
}

arma::vec Target::evaluate(const arma::mat& points, arma::uword batch_size,
                           arma::uword threads, EvalCounts& counts,
                           const RoundFn& after_round) const {
  // Check the shape and the settings.
  if (points.n_rows != dim_)
    fail(ErrorKind::argument, "gma::Target::evaluate", "points have ",
         points.n_rows, " rows, the target dimension is ", dim_);
  if (batch_size == 0 || threads == 0)
    fail(ErrorKind::argument, "gma::Target::evaluate",
         "batch_size (", batch_size, ") and threads (", threads,
         ") must be at least 1");

  const arma::uword n = points.n_cols;
  arma::vec out(n);
  const arma::uword round = batch_size * threads;

  for (arma::uword start = 0; start < n; start += round) {
    // One round: up to `threads` batches, the first on this thread.
    const arma::uword stop = std::min(n, start + round);
    std::vector<std::exception_ptr> errors(threads);
    std::vector<std::thread> workers;
    auto work = [&](arma::uword t) {
      const arma::uword first = start + t * batch_size;
      if (first >= stop) return;
      try {
        call_batch(points, first, std::min(batch_size, stop - first), out);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    };
    for (arma::uword t = 1; t < threads; ++t) workers.emplace_back(work, t);
    work(0);
    for (auto& w : workers) w.join();

    // Rethrow the first failure, in batch order.
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);

    // Let the caller report progress or stop.
    if (after_round && after_round(stop, n)) throw Stopped();
  }

  // Apply the value rule and count.
  counts.evaluations += n;
  for (double& v : out) {
    if (std::isnan(v) || v == arma::datum::inf) {
      ++counts.invalid;
      v = -arma::datum::inf;
    }
    if (v == -arma::datum::inf) ++counts.outside;
  }
  return out;
}

CountedTarget::CountedTarget(const Target& inner)
    : target_(inner.dim(), [this, &inner](const arma::mat& x, arma::vec& out) {
        inner.call(x, out);
        points_ += x.n_cols;
        for (const double v : out) {
          const bool invalid = std::isnan(v) || v == arma::datum::inf;
          if (invalid) ++invalid_;
          if (invalid || v == -arma::datum::inf) ++outside_;
        }
      }) {}

EvalCounts CountedTarget::counts() const {
  return EvalCounts{points_, invalid_, outside_};
}

}  // namespace gma
