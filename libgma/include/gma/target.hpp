// target.hpp: the adaptor between libgma and a user's log density.
//
// A target is a batched function: it receives points as the columns of a
// dim x n matrix and writes log p~ of each to a vector of length n. It may
// throw gma::Error (kind callback) to abort the run.
//
// The value rule: -Inf means "outside the support" and is legal. NaN and
// +Inf are not densities: they are counted as invalid and then treated as
// -Inf (outside the support). The counts are reported with every result.
#ifndef GMA_TARGET_HPP
#define GMA_TARGET_HPP

#include <atomic>
#include <functional>

#include "gma/arma.hpp"

namespace gma {

using BatchFn = std::function<void(const arma::mat& points, arma::vec& out)>;

// Called between rounds of evaluation with (done, total); true stops.
using RoundFn = std::function<bool(arma::uword done, arma::uword total)>;

// What one evaluation pass found.
struct EvalCounts {
  arma::uword evaluations = 0;  // points passed to the function
  arma::uword invalid = 0;      // NaN or +Inf values (then set to -Inf)
  arma::uword outside = 0;      // -Inf values after the rule, incl. invalid
};

class Target {
 public:
  // dim >= 1; fn must be callable.
  Target(arma::uword dim, BatchFn fn);

  arma::uword dim() const { return dim_; }

  // Evaluate every column of points, batch_size points per call. With
  // threads > 1 the batches of a round are spread over that many threads
  // (the function must then be thread-safe); the values do not depend on
  // the thread count. after_round, if set, runs on the calling thread after
  // each round; returning true throws gma::Stopped.
  // One raw call of the function on every column: no value rule, no
  // counting, no threads. Throws if it writes the wrong number of values.
  void call(const arma::mat& points, arma::vec& out) const;

  arma::vec evaluate(const arma::mat& points, arma::uword batch_size,
                     arma::uword threads, EvalCounts& counts,
                     const RoundFn& after_round = RoundFn()) const;

 private:
  // One call of the user's function on columns [first, first + n).
  void call_batch(const arma::mat& points, arma::uword first, arma::uword n,
                  arma::vec& out) const;

  arma::uword dim_;
  BatchFn fn_;
};

// A target that counts every value passing through it (thread-safe), for
// work that may fail without returning its counts. Not copyable: its
// target refers to it.
class CountedTarget {
 public:
  explicit CountedTarget(const Target& inner);
  CountedTarget(const CountedTarget&) = delete;
  CountedTarget& operator=(const CountedTarget&) = delete;

  const Target& target() const { return target_; }
  EvalCounts counts() const;

 private:
  std::atomic<arma::uword> points_{0}, invalid_{0}, outside_{0};
  Target target_;
};

}  // namespace gma

#endif  // GMA_TARGET_HPP
