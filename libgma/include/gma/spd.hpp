// spd.hpp: repairing a covariance estimate into a usable SPD matrix.
//
// Moment estimates of covariances (EM-GMA) and negated Hessians (Laplace
// mixtures) can come out asymmetric by rounding, singular or indefinite.
// nearest_spd symmetrises the matrix, takes its eigen-decomposition
// A = V diag(lambda) V', and raises every eigenvalue to
//
//   floor = max(eigen_floor, lambda_max / max_condition),
//
// keeping the eigenvectors: the result V diag(max(lambda, floor)) V' is the
// nearest matrix (Frobenius norm) to sym(A) whose eigenvalues are all at
// least `floor` (Higham, "Computing a nearest symmetric positive
// semidefinite matrix", Linear Algebra Appl. 103 (1988) 103-118, with the
// floor in place of 0). eigen_floor is absolute, in the squared units of
// the variables; the condition cap is relative to the largest eigenvalue.
// When lambda_max <= eigen_floor (a negative or vanishing matrix), the
// result is eigen_floor * I.
#ifndef GMA_SPD_HPP
#define GMA_SPD_HPP

#include "gma/arma.hpp"

namespace gma {

// The nearest symmetric matrix to a (square, finite) with eigenvalues
// floored as above, so that its condition number is at most max_condition.
// A symmetric input whose eigenvalues are all at or above the floor is
// returned unchanged; the output is exactly symmetric. Throws gma::Error
// (argument) for a non-square or non-finite a, eigen_floor <= 0 or
// max_condition < 1, and (numeric) if the eigen-decomposition fails.
arma::mat nearest_spd(const arma::mat& a, double eigen_floor,
                      double max_condition);

}  // namespace gma

#endif  // GMA_SPD_HPP
