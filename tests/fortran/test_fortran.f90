! test_fortran.f90: the Fortran module gma linked to the shared library.
!
! Samples N((1, -1), I) in the box [-6, 6]^2 (the default 15 x 15 grid,
! 100 iterations) through a bind(C) batched target, checks the draws'
! mean, the mixture getters, the wrappers' names, a bad parameter's
! status and message, the pointwise form, the two hooks (whose
! arguments pass by value), the importance check's log ratios, Pareto
! smoothing, a prior sampler and bounds. Any failure ends the program
! with `error stop`, which CTest reports as a failed test.
module test_fortran_target
  use gma
  implicit none
  private
  public :: truth, gaussian, gaussian_point, failing, on_progress, on_log
  public :: grid_prior
  public :: progress_calls, stages_seen, bad_progress, info_messages

  ! The target's mean; its covariance is the identity.
  real(c_double), parameter :: truth(2) = [1.0d0, -1.0d0]

  ! What the hooks saw.
  integer :: progress_calls = 0, bad_progress = 0, info_messages = 0
  logical :: stages_seen(0:4) = .false.

contains

  ! log N((1, -1), I) at n points x(:, j), without the constant.
  integer(c_int) function gaussian(n, dim, x, out, user_data) bind(C)
    integer(c_int), value :: n, dim
    real(c_double), intent(in) :: x(dim, n)
    real(c_double), intent(out) :: out(n)
    type(c_ptr), value :: user_data
    integer :: j

    if (c_associated(user_data)) continue  ! user_data is unused
    do j = 1, n
      out(j) = -0.5d0 * sum((x(:, j) - truth)**2)
    end do
    gaussian = 0
  end function gaussian

  ! The same density, one point at a time.
  integer(c_int) function gaussian_point(dim, x, out, user_data) bind(C)
    integer(c_int), value :: dim
    real(c_double), intent(in) :: x(dim)
    real(c_double), intent(out) :: out
    type(c_ptr), value :: user_data

    if (c_associated(user_data)) continue  ! user_data is unused
    out = -0.5d0 * sum((x - truth)**2)
    gaussian_point = 0
  end function gaussian_point

  ! Progress hook: count calls and stages, note impossible arguments.
  integer(c_int) function on_progress(stage, done, total, user_data) &
      bind(C)
    integer(c_int), value :: stage
    integer(c_long), value :: done, total
    type(c_ptr), value :: user_data

    if (c_associated(user_data)) continue  ! user_data is unused
    progress_calls = progress_calls + 1
    if (stage < 0 .or. stage > 4 .or. done < 0 .or. done > total) then
      bad_progress = bad_progress + 1
    else
      stages_seen(stage) = .true.
    end if
    on_progress = 0
  end function on_progress

  ! Log hook: count the info messages about the components.
  subroutine on_log(level, message, user_data) bind(C)
    integer(c_int), value :: level
    type(c_ptr), value :: message
    type(c_ptr), value :: user_data

    if (c_associated(user_data)) continue  ! user_data is unused
    if (level /= GMA_LOG_INFO) return
    if (index(gma_c_string_f(message), "components") > 0) &
      info_messages = info_messages + 1
  end subroutine on_log

  ! Prior sampler: n points spread evenly over [-6, 6]^2 (deterministic).
  integer(c_int) function grid_prior(n, dim, out, user_data) bind(C)
    integer(c_int), value :: n, dim
    real(c_double), intent(out) :: out(dim, n)
    type(c_ptr), value :: user_data
    integer :: j

    if (c_associated(user_data)) continue  ! user_data is unused
    do j = 1, n
      out(:, j) = -6d0 + 12d0 * [modulo(0.618034d0 * j, 1d0), &
                                 (j - 0.5d0) / n]
    end do
    grid_prior = 0
  end function grid_prior

  ! A target that always reports failure with code 3.
  integer(c_int) function failing(n, dim, x, out, user_data) bind(C)
    integer(c_int), value :: n, dim
    real(c_double), intent(in) :: x(dim, n)
    real(c_double), intent(out) :: out(n)
    type(c_ptr), value :: user_data

    if (c_associated(user_data)) continue  ! user_data is unused
    out = x(1, 1)
    failing = 3
  end function failing

end module test_fortran_target

program test_fortran
  use gma
  use test_fortran_target
  implicit none

  type(c_ptr) :: s
  integer(c_int) :: major, minor, patch
  real(c_double) :: value

  ! The version and a status text.
  call gma_version(major, minor, patch)
  call require(major == GMA_VERSION_MAJOR .and. &
               minor == GMA_VERSION_MINOR .and. &
               patch == GMA_VERSION_PATCH, "gma_version matches")
  call require(gma_status_string_f(GMA_ERR_STATE) /= "unknown status", &
               "status text")

  ! A sampler with the target, the box and small settings.
  call require(gma_create(2_c_int, s) == GMA_OK, "gma_create")
  call require(gma_dim(s) == 2, "gma_dim")
  call ok(s, gma_set_target(s, c_funloc(gaussian), c_null_ptr))
  call ok(s, gma_set_box(s, [-6d0, -6d0], [6d0, 6d0]))
  call ok(s, gma_set_param_f(s, "components", 225d0))
  call ok(s, gma_set_param_f(s, "points_per_component", 30d0))
  call ok(s, gma_set_param_f(s, "iterations", 100d0))
  call ok(s, gma_set_param_f(s, "draws", 2000d0))
  call ok(s, gma_set_option_f(s, "method", "wgma-md"))
  call ok(s, gma_set_seed(s, 11_c_long_long))
  call ok(s, gma_get_param_f(s, "iterations", value))
  call require(nint(value) == 100, "iterations read back")

  ! A bad parameter: its status and a message naming it and the value.
  call require(gma_set_param_f(s, "iterations", -4d0) == GMA_ERR_ARGUMENT, &
               "bad iterations refused")
  call require(index(gma_last_error_f(s), "iterations") > 0, &
               "message names the parameter")
  call require(index(gma_last_error_f(s), "-4") > 0, &
               "message names the value")
  call require(gma_set_param_f(s, "no_such", 1d0) == GMA_ERR_UNKNOWN_NAME, &
               "unknown parameter refused")

  ! The hooks, then the run.
  call ok(s, gma_set_progress(s, c_funloc(on_progress), c_null_ptr))
  call ok(s, gma_set_logger(s, c_funloc(on_log), GMA_LOG_INFO, c_null_ptr))
  call require(gma_run(s) == GMA_OK, "gma_run")
  call require(gma_last_error_f(s) == "", "no error after a run")
  call require(progress_calls > 0 .and. bad_progress == 0 .and. &
               all(stages_seen([GMA_STAGE_BANK, GMA_STAGE_FIT, &
                                GMA_STAGE_CHECK, GMA_STAGE_RESAMPLE])), &
               "progress hook saw the bank, fit, check, resample stages")
  call require(info_messages == 1, "log hook got the info message")

  call check_results(s)
  call check_log_ratios(s)
  call check_pointwise(s)
  call check_prior_and_bounds(s)
  call check_failing_target(s)
  call gma_destroy(s)
  print '(a)', "test_fortran: all checks passed"

contains

  ! Stop with a message unless cond holds.
  subroutine require(cond, what)
    logical, intent(in) :: cond
    character(len=*), intent(in) :: what

    if (.not. cond) then
      print '(2a)', "test_fortran: check failed: ", what
      error stop 1
    end if
  end subroutine require

  ! Stop with the handle's message unless status is GMA_OK.
  subroutine ok(s, status)
    type(c_ptr), intent(in) :: s
    integer(c_int), intent(in) :: status

    if (status /= GMA_OK) then
      print '(a, i0, 2a)', "test_fortran: status ", status, ": ", &
          gma_last_error_f(s)
      error stop 1
    end if
  end subroutine ok

  ! The draws' mean against the truth; weights and covariances.
  subroutine check_results(s)
    type(c_ptr), intent(in) :: s
    real(c_double), allocatable :: draws(:, :), w(:), cov(:, :, :)
    real(c_double) :: n_draws, n_comp, mean(2)
    integer :: k

    ! The draws, as an array x(2, n).
    call ok(s, gma_get_diagnostic_f(s, "draws", n_draws))
    call require(nint(n_draws) == 2000, "2000 draws")
    allocate(draws(2, int(n_draws)))
    call ok(s, gma_get_draws(s, draws, int(n_draws, c_long)))

    ! Within 0.15 of the truth: 5 Monte Carlo sds of the mean (unit
    ! variance) with an effective sample size of about 1000 resampled
    ! bank points (some 20 weighted components of 30 points each).
    mean = sum(draws, dim=2) / n_draws
    print '(a, 2f9.4)', "test_fortran: mean of the draws", mean
    call require(all(abs(mean - truth) < 0.15d0), "mean near (1, -1)")

    ! Weights on the simplex, symmetric covariances.
    call ok(s, gma_get_diagnostic_f(s, "components", n_comp))
    call require(nint(n_comp) == 225, "225 components")
    allocate(w(int(n_comp)), cov(2, 2, int(n_comp)))
    call ok(s, gma_get_weights(s, w, int(n_comp, c_int)))
    call require(abs(sum(w) - 1d0) < 1d-9 .and. all(w >= 0d0), &
                 "weights sum to 1")
    call ok(s, gma_get_covariances(s, cov, int(n_comp, c_int)))
    do k = 1, int(n_comp)
      call require(abs(cov(1, 2, k) - cov(2, 1, k)) < 1d-12 .and. &
                   cov(1, 1, k) > 0d0, "covariance symmetric")
    end do
    call require(gma_get_weights(s, w, 3_c_int) == GMA_ERR_ARGUMENT, &
                 "wrong weight count refused")
  end subroutine check_results

  ! The importance check's log ratios and their Pareto smoothing.
  subroutine check_log_ratios(s)
    type(c_ptr), intent(in) :: s
    real(c_double) :: ratios(1000), weights(1000), k, k_run, n_check
    integer :: j

    ! The ratios of the run: 1000 of them, smoothed to the run's k-hat.
    call ok(s, gma_get_param_f(s, "importance_draws", n_check))
    call require(nint(n_check) == 1000, "1000 importance draws")
    call ok(s, gma_get_log_ratios(s, ratios, 1000_c_long))
    call require(gma_pareto_smooth_f(ratios, k) == GMA_OK, "smoothing")
    call ok(s, gma_get_diagnostic_f(s, "pareto_k", k_run))
    call require(abs(k - k_run) < 1d-12, "k-hat of the run")

    ! Exponential quantiles: a Pareto tail of index 1, order kept.
    ratios = [(-log(1d0 - (j - 0.5d0) / 1000d0), j = 1, 1000)]
    call require(gma_pareto_smooth_f(ratios, k, weights) == GMA_OK, &
                 "smoothing with weights")
    call require(abs(k - 1d0) < 0.3d0, "k-hat near 1")
    call require(all(weights(2:) >= weights(:999)), "weights in order")
    call require(gma_pareto_smooth_f(ratios(1:1), k) == GMA_ERR_ARGUMENT, &
                 "one ratio refused")
  end subroutine check_log_ratios

  ! A prior sampler places the components; bounds keep draws inside.
  subroutine check_prior_and_bounds(s)
    use, intrinsic :: ieee_arithmetic, only: ieee_value, ieee_positive_inf
    type(c_ptr), intent(in) :: s
    real(c_double), allocatable :: draws(:, :)
    real(c_double) :: open_end

    ! Means within 0.5: random narrow components leave gaps (the C test).
    call ok(s, gma_set_target(s, c_funloc(gaussian), c_null_ptr))
    call ok(s, gma_set_prior(s, c_funloc(grid_prior), c_null_ptr))
    call ok(s, gma_run(s))
    call current_draws(s, draws)
    call require(all(abs(sum(draws, dim=2) / size(draws, 2) - truth) &
                     < 0.5d0), "prior run near the truth")

    ! Bounds x2 < 0 with an open lower end: every draw below 0.
    open_end = ieee_value(open_end, ieee_positive_inf)
    call ok(s, gma_set_bounds(s, [-open_end, -open_end], [open_end, 0d0]))
    call ok(s, gma_set_box(s, [-6d0, -6d0], [6d0, -0.01d0]))
    call ok(s, gma_run(s))
    call current_draws(s, draws)
    call require(all(draws(2, :) < 0d0), "bounded draws inside")
  end subroutine check_prior_and_bounds

  ! The draws of the current result, as x(2, n).
  subroutine current_draws(s, draws)
    type(c_ptr), intent(in) :: s
    real(c_double), allocatable, intent(out) :: draws(:, :)
    real(c_double) :: n_draws

    call ok(s, gma_get_diagnostic_f(s, "draws", n_draws))
    allocate(draws(2, nint(n_draws)))
    call ok(s, gma_get_draws(s, draws, int(nint(n_draws), c_long)))
  end subroutine current_draws

  ! The pointwise form of the target gives the same draws.
  subroutine check_pointwise(s)
    type(c_ptr), intent(in) :: s
    real(c_double), allocatable :: batched(:, :), pointwise(:, :)

    call current_draws(s, batched)
    call ok(s, gma_set_target_pointwise(s, c_funloc(gaussian_point), &
                                        c_null_ptr))
    call ok(s, gma_run(s))
    call current_draws(s, pointwise)
    call require(maxval(abs(batched - pointwise)) <= 0d0, &
                 "pointwise draws equal the batched ones")
  end subroutine check_pointwise

  ! A callback failure: GMA_ERR_CALLBACK and a message with the code.
  subroutine check_failing_target(s)
    type(c_ptr), intent(in) :: s
    real(c_double) :: value

    call ok(s, gma_set_target(s, c_funloc(failing), c_null_ptr))
    call require(gma_run(s) == GMA_ERR_CALLBACK, "failing target")
    call require(index(gma_last_error_f(s), "3") > 0, &
                 "message has the code")
    call require(gma_get_diagnostic_f(s, "draws", value) == GMA_ERR_STATE, &
                 "no result after a failure")
  end subroutine check_failing_target

end program test_fortran
