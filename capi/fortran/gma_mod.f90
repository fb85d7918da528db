! gma_mod.f90: Fortran 2003 bindings to libgma's C API (gma.h).
!
! Every function of gma.h has an interface of the same name; handles and
! user data are type(c_ptr), callbacks type(c_funptr) from c_funloc().
! Names passed to the raw interfaces must end with c_null_char; the _f
! wrappers take ordinary Fortran strings and add it. Points are stored
! point after point, which is a Fortran array x(dim, n).
!
!   use gma
!   type(c_ptr) :: s
!   integer(c_int) :: status
!   status = gma_create(2_c_int, s)
!   status = gma_set_target(s, c_funloc(logp), c_null_ptr)
!   status = gma_set_box(s, [-5d0, -5d0], [5d0, 5d0])
!   status = gma_set_param_f(s, "iterations", 200d0)
!   status = gma_run(s)
!   if (status < 0) print '(a)', gma_last_error_f(s)
!   call gma_destroy(s)
!
! The target callback a program passes with c_funloc():
!
!   integer(c_int) function logp(n, dim, x, out, user_data) bind(C)
!     integer(c_int), value :: n, dim
!     real(c_double), intent(in) :: x(dim, n)
!     real(c_double), intent(out) :: out(n)
!     type(c_ptr), value :: user_data
module gma
  use, intrinsic :: iso_c_binding
  implicit none
  private

  public :: c_ptr, c_funptr, c_null_ptr, c_null_funptr, c_funloc, c_loc
  public :: c_int, c_long, c_long_long, c_double, c_char, c_null_char
  public :: c_associated, c_f_pointer

  ! The version of the header these bindings follow.
  integer(c_int), parameter, public :: GMA_VERSION_MAJOR = 0
  integer(c_int), parameter, public :: GMA_VERSION_MINOR = 1
  integer(c_int), parameter, public :: GMA_VERSION_PATCH = 0

  ! Status codes: 0 success, positive finished early, negative failure.
  integer(c_int), parameter, public :: GMA_OK = 0
  integer(c_int), parameter, public :: GMA_STOPPED = 1
  integer(c_int), parameter, public :: GMA_ERR_ARGUMENT = -1
  integer(c_int), parameter, public :: GMA_ERR_UNKNOWN_NAME = -2
  integer(c_int), parameter, public :: GMA_ERR_STATE = -3
  integer(c_int), parameter, public :: GMA_ERR_CALLBACK = -4
  integer(c_int), parameter, public :: GMA_ERR_TARGET = -5
  integer(c_int), parameter, public :: GMA_ERR_NUMERIC = -6
  integer(c_int), parameter, public :: GMA_ERR_MEMORY = -7
  integer(c_int), parameter, public :: GMA_ERR_INTERNAL = -8

  ! Stages reported to the progress hook.
  integer(c_int), parameter, public :: GMA_STAGE_BANK = 0
  integer(c_int), parameter, public :: GMA_STAGE_FIT = 1
  integer(c_int), parameter, public :: GMA_STAGE_RESAMPLE = 2
  integer(c_int), parameter, public :: GMA_STAGE_CHECK = 3
  integer(c_int), parameter, public :: GMA_STAGE_OPTIMISE = 4

  ! Log levels.
  integer(c_int), parameter, public :: GMA_LOG_ERROR = 0
  integer(c_int), parameter, public :: GMA_LOG_WARNING = 1
  integer(c_int), parameter, public :: GMA_LOG_INFO = 2
  integer(c_int), parameter, public :: GMA_LOG_DEBUG = 3

  ! The raw C functions.
  public :: gma_status_string, gma_version, gma_create, gma_destroy
  public :: gma_dim, gma_last_error, gma_set_target
  public :: gma_set_target_pointwise, gma_set_box, gma_set_means
  public :: gma_set_bounds, gma_set_start, gma_set_prior
  public :: gma_set_variances, gma_set_param, gma_get_param
  public :: gma_set_option, gma_set_seed, gma_set_progress
  public :: gma_set_logger, gma_run, gma_get_draws, gma_get_weights
  public :: gma_get_means, gma_get_covariances, gma_get_diagnostic
  public :: gma_get_log_ratios, gma_pareto_smooth

  ! The Fortran-string wrappers.
  public :: gma_status_string_f, gma_last_error_f, gma_c_string_f
  public :: gma_set_param_f, gma_get_param_f, gma_set_option_f
  public :: gma_get_diagnostic_f, gma_pareto_smooth_f

  ! The shapes of the callbacks, for a program's own declarations.
  public :: gma_batch_fn, gma_point_fn, gma_draw_fn, gma_progress_fn
  public :: gma_log_fn

  abstract interface
    ! Batched target: log p~ of point x(:, j) into out(j); 0 on success.
    integer(c_int) function gma_batch_fn(n, dim, x, out, user_data) &
        bind(C)
      import :: c_int, c_double, c_ptr
      integer(c_int), value :: n, dim
      real(c_double), intent(in) :: x(dim, n)
      real(c_double), intent(out) :: out(n)
      type(c_ptr), value :: user_data
    end function gma_batch_fn

    ! Pointwise target: log p~(x) into out; 0 on success.
    integer(c_int) function gma_point_fn(dim, x, out, user_data) bind(C)
      import :: c_int, c_double, c_ptr
      integer(c_int), value :: dim
      real(c_double), intent(in) :: x(dim)
      real(c_double), intent(out) :: out
      type(c_ptr), value :: user_data
    end function gma_point_fn

    ! Prior sampler: n draws into out(:, j); 0 on success.
    integer(c_int) function gma_draw_fn(n, dim, out, user_data) bind(C)
      import :: c_int, c_double, c_ptr
      integer(c_int), value :: n, dim
      real(c_double), intent(out) :: out(dim, n)
      type(c_ptr), value :: user_data
    end function gma_draw_fn

    ! Progress hook: non-zero stops the run.
    integer(c_int) function gma_progress_fn(stage, done, total, &
        user_data) bind(C)
      import :: c_int, c_long, c_ptr
      integer(c_int), value :: stage
      integer(c_long), value :: done, total
      type(c_ptr), value :: user_data
    end function gma_progress_fn

    ! Log hook: message is a C string (see gma_c_string_f).
    subroutine gma_log_fn(level, message, user_data) bind(C)
      import :: c_int, c_ptr
      integer(c_int), value :: level
      type(c_ptr), value :: message
      type(c_ptr), value :: user_data
    end subroutine gma_log_fn
  end interface

  interface
    ! A static text for a status code (a C string).
    type(c_ptr) function gma_status_string(status) &
        bind(C, name="gma_status_string")
      import :: c_ptr, c_int
      integer(c_int), value :: status
    end function gma_status_string

    ! The library's version.
    subroutine gma_version(major, minor, patch) bind(C, name="gma_version")
      import :: c_int
      integer(c_int), intent(out) :: major, minor, patch
    end subroutine gma_version

    ! A sampler for R^dim in s; c_null_ptr and a failure status otherwise.
    integer(c_int) function gma_create(dim, s) bind(C, name="gma_create")
      import :: c_int, c_ptr
      integer(c_int), value :: dim
      type(c_ptr), intent(out) :: s
    end function gma_create

    ! Free a sampler (c_null_ptr is accepted).
    subroutine gma_destroy(s) bind(C, name="gma_destroy")
      import :: c_ptr
      type(c_ptr), value :: s
    end subroutine gma_destroy

    ! The sampler's dimension (0 for c_null_ptr).
    integer(c_int) function gma_dim(s) bind(C, name="gma_dim")
      import :: c_int, c_ptr
      type(c_ptr), value :: s
    end function gma_dim

    ! The handle's last error message (a C string; see gma_last_error_f).
    type(c_ptr) function gma_last_error(s) bind(C, name="gma_last_error")
      import :: c_ptr
      type(c_ptr), value :: s
    end function gma_last_error

    ! The batched target, fn = c_funloc of a gma_batch_fn.
    integer(c_int) function gma_set_target(s, fn, user_data) &
        bind(C, name="gma_set_target")
      import :: c_int, c_ptr, c_funptr
      type(c_ptr), value :: s
      type(c_funptr), value :: fn
      type(c_ptr), value :: user_data
    end function gma_set_target

    ! The pointwise target, fn = c_funloc of a gma_point_fn.
    integer(c_int) function gma_set_target_pointwise(s, fn, user_data) &
        bind(C, name="gma_set_target_pointwise")
      import :: c_int, c_ptr, c_funptr
      type(c_ptr), value :: s
      type(c_funptr), value :: fn
      type(c_ptr), value :: user_data
    end function gma_set_target_pointwise

    ! The placement box: dim values each, lower < upper, finite.
    integer(c_int) function gma_set_box(s, lower, upper) &
        bind(C, name="gma_set_box")
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: s
      real(c_double), intent(in) :: lower(*), upper(*)
    end function gma_set_box

    ! Initial means: means(dim, n).
    integer(c_int) function gma_set_means(s, n, means) &
        bind(C, name="gma_set_means")
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: s
      integer(c_int), value :: n
      real(c_double), intent(in) :: means(*)
    end function gma_set_means

    ! Bounds per coordinate, dim values each; an open end is an infinity,
    ! e.g. ieee_value(x, ieee_positive_inf) from ieee_arithmetic.
    integer(c_int) function gma_set_bounds(s, lower, upper) &
        bind(C, name="gma_set_bounds")
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: s
      real(c_double), intent(in) :: lower(*), upper(*)
    end function gma_set_bounds

    ! A start point (dim values) for a local search of the region.
    integer(c_int) function gma_set_start(s, point) &
        bind(C, name="gma_set_start")
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: s
      real(c_double), intent(in) :: point(*)
    end function gma_set_start

    ! A prior sampler, fn = c_funloc of a gma_draw_fn.
    integer(c_int) function gma_set_prior(s, fn, user_data) &
        bind(C, name="gma_set_prior")
      import :: c_int, c_ptr, c_funptr
      type(c_ptr), value :: s
      type(c_funptr), value :: fn
      type(c_ptr), value :: user_data
    end function gma_set_prior

    ! Diagonal variances per mean: var(dim, n).
    integer(c_int) function gma_set_variances(s, n, var) &
        bind(C, name="gma_set_variances")
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: s
      integer(c_int), value :: n
      real(c_double), intent(in) :: var(*)
    end function gma_set_variances

    ! A numeric parameter by name (name ends with c_null_char).
    integer(c_int) function gma_set_param(s, name, value) &
        bind(C, name="gma_set_param")
      import :: c_int, c_ptr, c_double, c_char
      type(c_ptr), value :: s
      character(kind=c_char), intent(in) :: name(*)
      real(c_double), value :: value
    end function gma_set_param

    ! Read a numeric parameter by name.
    integer(c_int) function gma_get_param(s, name, value) &
        bind(C, name="gma_get_param")
      import :: c_int, c_ptr, c_double, c_char
      type(c_ptr), value :: s
      character(kind=c_char), intent(in) :: name(*)
      real(c_double), intent(out) :: value
    end function gma_get_param

    ! A text option by name (both end with c_null_char).
    integer(c_int) function gma_set_option(s, name, value) &
        bind(C, name="gma_set_option")
      import :: c_int, c_ptr, c_char
      type(c_ptr), value :: s
      character(kind=c_char), intent(in) :: name(*), value(*)
    end function gma_set_option

    ! The seed (an unsigned long long in C; use a non-negative value).
    integer(c_int) function gma_set_seed(s, seed) &
        bind(C, name="gma_set_seed")
      import :: c_int, c_ptr, c_long_long
      type(c_ptr), value :: s
      integer(c_long_long), value :: seed
    end function gma_set_seed

    ! The progress hook, fn = c_funloc of a gma_progress_fn.
    integer(c_int) function gma_set_progress(s, fn, user_data) &
        bind(C, name="gma_set_progress")
      import :: c_int, c_ptr, c_funptr
      type(c_ptr), value :: s
      type(c_funptr), value :: fn
      type(c_ptr), value :: user_data
    end function gma_set_progress

    ! The log hook, fn = c_funloc of a gma_log_fn.
    integer(c_int) function gma_set_logger(s, fn, max_level, user_data) &
        bind(C, name="gma_set_logger")
      import :: c_int, c_ptr, c_funptr
      type(c_ptr), value :: s
      type(c_funptr), value :: fn
      integer(c_int), value :: max_level
      type(c_ptr), value :: user_data
    end function gma_set_logger

    ! Run the sampler.
    integer(c_int) function gma_run(s) bind(C, name="gma_run")
      import :: c_int, c_ptr
      type(c_ptr), value :: s
    end function gma_run

    ! The draws: out(dim, n_draws), n_draws = diagnostic "draws".
    integer(c_int) function gma_get_draws(s, out, n_draws) &
        bind(C, name="gma_get_draws")
      import :: c_int, c_ptr, c_double, c_long
      type(c_ptr), value :: s
      real(c_double), intent(out) :: out(*)
      integer(c_long), value :: n_draws
    end function gma_get_draws

    ! The weights: out(n), n = diagnostic "components".
    integer(c_int) function gma_get_weights(s, out, n) &
        bind(C, name="gma_get_weights")
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: s
      real(c_double), intent(out) :: out(*)
      integer(c_int), value :: n
    end function gma_get_weights

    ! The means: out(dim, n).
    integer(c_int) function gma_get_means(s, out, n) &
        bind(C, name="gma_get_means")
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: s
      real(c_double), intent(out) :: out(*)
      integer(c_int), value :: n
    end function gma_get_means

    ! The covariances: out(dim, dim, n).
    integer(c_int) function gma_get_covariances(s, out, n) &
        bind(C, name="gma_get_covariances")
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: s
      real(c_double), intent(out) :: out(*)
      integer(c_int), value :: n
    end function gma_get_covariances

    ! A diagnostic by name (name ends with c_null_char).
    integer(c_int) function gma_get_diagnostic(s, name, value) &
        bind(C, name="gma_get_diagnostic")
      import :: c_int, c_ptr, c_double, c_char
      type(c_ptr), value :: s
      character(kind=c_char), intent(in) :: name(*)
      real(c_double), intent(out) :: value
    end function gma_get_diagnostic

    ! The importance check's log ratios: out(n), n = "importance_draws".
    integer(c_int) function gma_get_log_ratios(s, out, n) &
        bind(C, name="gma_get_log_ratios")
      import :: c_int, c_ptr, c_double, c_long
      type(c_ptr), value :: s
      real(c_double), intent(out) :: out(*)
      integer(c_long), value :: n
    end function gma_get_log_ratios

    ! Pareto smoothing of n log ratios; log_weights may be c_null_ptr
    ! (see gma_pareto_smooth_f for the Fortran form).
    integer(c_int) function gma_pareto_smooth(log_ratios, n, log_weights, &
        pareto_k) bind(C, name="gma_pareto_smooth")
      import :: c_int, c_ptr, c_double, c_long
      real(c_double), intent(in) :: log_ratios(*)
      integer(c_long), value :: n
      type(c_ptr), value :: log_weights
      real(c_double), intent(out) :: pareto_k
    end function gma_pareto_smooth

    ! The C library's strlen, to measure the strings libgma returns.
    integer(c_size_t) function c_strlen(text) bind(C, name="strlen")
      import :: c_size_t, c_ptr
      type(c_ptr), value :: text
    end function c_strlen
  end interface

contains

  ! A C string (const char *) as a Fortran string; "" for a null pointer.
  function gma_c_string_f(text) result(str)
    type(c_ptr), intent(in) :: text
    character(len=:), allocatable :: str
    character(kind=c_char), pointer :: chars(:)
    integer :: i, n

    ! Measure the C string, then copy it character by character.
    if (.not. c_associated(text)) then
      str = ""
      return
    end if
    n = int(c_strlen(text))
    call c_f_pointer(text, chars, [n])
    allocate(character(len=n) :: str)
    do i = 1, n
      str(i:i) = chars(i)
    end do
  end function gma_c_string_f

  ! A Fortran string as a C string: trailing blanks dropped, NUL added.
  pure function c_name(name) result(cname)
    character(len=*), intent(in) :: name
    character(kind=c_char, len=len_trim(name) + 1) :: cname

    cname = trim(name) // c_null_char
  end function c_name

  ! The text of a status code.
  function gma_status_string_f(status) result(str)
    integer(c_int), intent(in) :: status
    character(len=:), allocatable :: str

    str = gma_c_string_f(gma_status_string(status))
  end function gma_status_string_f

  ! The handle's last error message; "" after a successful call.
  function gma_last_error_f(s) result(str)
    type(c_ptr), intent(in) :: s
    character(len=:), allocatable :: str

    str = gma_c_string_f(gma_last_error(s))
  end function gma_last_error_f

  ! gma_set_param with a Fortran string name.
  integer(c_int) function gma_set_param_f(s, name, value)
    type(c_ptr), intent(in) :: s
    character(len=*), intent(in) :: name
    real(c_double), intent(in) :: value

    gma_set_param_f = gma_set_param(s, c_name(name), value)
  end function gma_set_param_f

  ! gma_get_param with a Fortran string name.
  integer(c_int) function gma_get_param_f(s, name, value)
    type(c_ptr), intent(in) :: s
    character(len=*), intent(in) :: name
    real(c_double), intent(out) :: value

    gma_get_param_f = gma_get_param(s, c_name(name), value)
  end function gma_get_param_f

  ! gma_set_option with Fortran string name and value.
  integer(c_int) function gma_set_option_f(s, name, value)
    type(c_ptr), intent(in) :: s
    character(len=*), intent(in) :: name, value

    gma_set_option_f = gma_set_option(s, c_name(name), c_name(value))
  end function gma_set_option_f

  ! gma_get_diagnostic with a Fortran string name.
  integer(c_int) function gma_get_diagnostic_f(s, name, value)
    type(c_ptr), intent(in) :: s
    character(len=*), intent(in) :: name
    real(c_double), intent(out) :: value

    gma_get_diagnostic_f = gma_get_diagnostic(s, c_name(name), value)
  end function gma_get_diagnostic_f

  ! gma_pareto_smooth of all of log_ratios; log_weights is optional.
  integer(c_int) function gma_pareto_smooth_f(log_ratios, pareto_k, &
      log_weights)
    real(c_double), intent(in) :: log_ratios(:)
    real(c_double), intent(out) :: pareto_k
    real(c_double), intent(out), optional, target :: &
        log_weights(size(log_ratios))
    integer(c_long) :: n

    n = int(size(log_ratios), c_long)
    if (present(log_weights)) then
      gma_pareto_smooth_f = gma_pareto_smooth(log_ratios, n, &
                                              c_loc(log_weights), pareto_k)
    else
      gma_pareto_smooth_f = gma_pareto_smooth(log_ratios, n, c_null_ptr, &
                                              pareto_k)
    end if
  end function gma_pareto_smooth_f

end module gma
