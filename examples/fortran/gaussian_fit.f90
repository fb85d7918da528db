! gaussian_fit.f90: sample a 3-D correlated Gaussian "posterior" with
! libgma from Fortran and compare the draws' means and sds with the truth.
!
!   cmake --build build && ./build/examples/fortran/gaussian_fit
!
! The model: x = mu + L z with z ~ N(0, I), so the covariance is L L^T.
! libgma sees only the unnormalised log density -|L^-1 (x - mu)|^2 / 2,
! written as a bind(C) function that takes a batch of points x(3, n).
module posterior
  use gma
  implicit none
  private
  public :: mu, chol, logp

  ! The truth: the mean and the lower Cholesky factor of the covariance.
  real(c_double), parameter :: mu(3) = [1.0d0, -2.0d0, 0.5d0]
  real(c_double), parameter :: chol(3, 3) = reshape( &
      [1.0d0, 1.2d0, 0.15d0, &
       0.0d0, 1.6d0, -0.3d0, &
       0.0d0, 0.0d0, 0.35d0], [3, 3])

contains

  ! The batched log density: out(j) = log p~(x(:, j)).
  integer(c_int) function logp(n, dim, x, out, user_data) bind(C)
    integer(c_int), value :: n, dim
    real(c_double), intent(in) :: x(dim, n)
    real(c_double), intent(out) :: out(n)
    type(c_ptr), value :: user_data
    real(c_double) :: z(3)
    integer :: j, k

    if (c_associated(user_data)) continue  ! user_data is unused
    do j = 1, n
      ! Solve L z = x - mu by forward substitution.
      do k = 1, 3
        z(k) = (x(k, j) - mu(k) - dot_product(chol(k, 1:k-1), z(1:k-1))) &
               / chol(k, k)
      end do
      out(j) = -0.5d0 * dot_product(z, z)
    end do
    logp = 0
  end function logp

end module posterior

program gaussian_fit
  use gma
  use posterior
  implicit none

  type(c_ptr) :: s
  real(c_double) :: lower(3), upper(3), sd(3), n_draws, mean(3), sd_hat(3)
  real(c_double), allocatable :: draws(:, :)
  integer :: k

  ! The true sds, and a box of three of them around the mean: the box
  ! should cover the bulk of the posterior (from a rough fit, say).
  sd = sqrt(sum(chol**2, dim=2))
  lower = mu - 3 * sd
  upper = mu + 3 * sd

  ! A sampler for R^3 with the target and the box, 400 components (the
  ! default in 3-D is 120, too few for this correlated target).
  call check(gma_create(3_c_int, s))
  call check(gma_set_target(s, c_funloc(logp), c_null_ptr))
  call check(gma_set_box(s, lower, upper))
  call check(gma_set_param_f(s, "components", 400d0))
  call check(gma_set_param_f(s, "iterations", 200d0))
  call check(gma_set_param_f(s, "draws", 4000d0))
  call check(gma_set_seed(s, 2024_c_long_long))
  call check(gma_run(s))

  ! The draws as an array x(3, n), then their means and sds.
  call check(gma_get_diagnostic_f(s, "draws", n_draws))
  allocate(draws(3, int(n_draws)))
  call check(gma_get_draws(s, draws, int(n_draws, c_long)))
  call gma_destroy(s)
  mean = sum(draws, dim=2) / n_draws
  do k = 1, 3
    sd_hat(k) = sqrt(sum((draws(k, :) - mean(k))**2) / (n_draws - 1))
  end do

  print '(a, i0, a)', "3-D Gaussian: ", int(n_draws), " draws"
  print '(a)', "coordinate   true mean  draws' mean   true sd  draws' sd"
  do k = 1, 3
    print '(i6, 4f12.3)', k, mu(k), mean(k), sd(k), sd_hat(k)
  end do

  ! Fail (for CTest) if the fit is off: means within a fifth of an sd,
  ! sds within 15 per cent, several Monte Carlo errors of the estimates.
  if (any(abs(mean - mu) > 0.2d0 * sd) .or. &
      any(abs(sd_hat / sd - 1) > 0.15d0)) then
    print '(a)', "gaussian_fit: the draws do not match the truth"
    error stop 1
  end if

contains

  ! Stop with libgma's message if a call failed.
  subroutine check(status)
    integer(c_int), intent(in) :: status

    if (status < 0) then
      print '(2a)', "libgma: ", gma_last_error_f(s)
      error stop 1
    end if
  end subroutine check

end program gaussian_fit
