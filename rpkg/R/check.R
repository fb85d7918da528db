# Argument checks for gma_sample(). Each stops with a message naming the
# argument and the value it was given.

# Show a value in an error message: short, on one line.
show_value <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.function(x)) return("a function")
  if (is.character(x) && length(x) == 1L) return(dQuote(x, FALSE))
  if (is.atomic(x) && length(x) >= 1L && length(x) <= 4L) {
    txt <- paste(format(x, digits = 7L, trim = TRUE), collapse = ", ")
    return(if (length(x) == 1L) txt else paste0("c(", txt, ")"))
  }
  if (is.atomic(x) && length(x) > 4L) {
    return(sprintf("a %s vector of length %d", typeof(x), length(x)))
  }
  if (is.atomic(x)) return(sprintf("a %s vector of length 0", typeof(x)))
  sprintf("an object of class %s", dQuote(class(x)[1L], FALSE))
}

# Stop with a message, without the internal call in it.
stop_arg <- function(...) {
  stop(paste0(...), call. = FALSE)
}

# A single finite number?
is_number <- function(x) {
  is.numeric(x) && length(x) == 1L && !is.na(x) && is.finite(x)
}

# A single whole number >= min (NULL passes: the library's default).
check_whole <- function(x, name, min) {
  if (is.null(x)) return(invisible(NULL))
  ok <- is_number(x) && x == round(x) && x >= min && x <= .Machine$integer.max
  if (!ok) {
    stop_arg(name, " must be a single whole number >= ", min, ", not ",
             show_value(x))
  }
  invisible(as.double(x))
}

# A single finite number > 0 (NULL passes: the library's default).
check_positive <- function(x, name) {
  if (is.null(x)) return(invisible(NULL))
  if (!(is_number(x) && x > 0)) {
    stop_arg(name, " must be a single finite number > 0, not ",
             show_value(x))
  }
  invisible(as.double(x))
}

# TRUE or FALSE.
check_flag <- function(x, name) {
  if (!(is.logical(x) && length(x) == 1L && !is.na(x))) {
    stop_arg(name, " must be TRUE or FALSE, not ", show_value(x))
  }
  invisible(x)
}

# One of the choices; the first when x is the whole default vector.
check_choice <- function(x, choices, name) {
  if (identical(x, choices)) return(choices[1L])
  if (!(is.character(x) && length(x) == 1L && !is.na(x) &&
        x %in% choices)) {
    stop_arg(name, " must be one of ",
             paste(dQuote(choices, FALSE), collapse = ", "), ", not ",
             show_value(x))
  }
  x
}

# A bound vector: numeric, finite, of length >= 1.
check_bound <- function(x, name) {
  if (!is.numeric(x) || length(x) < 1L) {
    stop_arg(name, " must be a numeric vector with one value per ",
             "dimension, not ", show_value(x))
  }
  bad <- which(!is.finite(x))
  if (length(bad) > 0L) {
    stop_arg(name, " must be finite, but ", name, "[", bad[1L], "] is ",
             format(x[bad[1L]]))
  }
  invisible(x)
}

# The placement: a box, means, a start point or a prior, exactly one of
# them; and the bounds of the support, if any. Returns a list with the
# dimension, the box, the means (N x d matrix), the start, the prior (the
# user's function), the bounds and the column names.
check_placement <- function(lower, upper, means, start = NULL,
                            prior = NULL, bounds = NULL) {
  # Step 1: exactly one of box, means, start and prior.
  has_box <- !is.null(lower) || !is.null(upper)
  given <- c(box = has_box, means = !is.null(means),
             start = !is.null(start), prior = !is.null(prior))
  what <- c(box = "lower and upper (a box)", means = "means",
            start = "start", prior = "prior")
  if (sum(given) > 1L) {
    stop_arg("give exactly one of lower and upper (a box), means, start ",
             "or prior, not ", paste(what[given], collapse = " and "))
  }
  if (sum(given) == 0L) {
    stop_arg("give exactly one of lower and upper (a box), means, start ",
             "or prior: all are NULL")
  }
  bnd <- check_bounds(bounds)
  place <- list(dim = NULL, lower = NULL, upper = NULL, means = NULL,
                start = NULL, prior = NULL, bounds = bnd, names = NULL)

  # Step 2: a box: two finite vectors of equal length, lower < upper.
  if (has_box) {
    if (is.null(lower)) stop_arg("lower is missing: upper needs lower")
    if (is.null(upper)) stop_arg("upper is missing: lower needs upper")
    check_bound(lower, "lower")
    check_bound(upper, "upper")
    if (length(lower) != length(upper)) {
      stop_arg("lower and upper must have the same length, not ",
               length(lower), " and ", length(upper))
    }
    bad <- which(!(lower < upper))
    if (length(bad) > 0L) {
      i <- bad[1L]
      stop_arg("lower must be < upper in every dimension, but lower[", i,
               "] = ", format(lower[i]), " >= upper[", i, "] = ",
               format(upper[i]))
    }
    nm <- names(lower)
    if (is.null(nm)) nm <- names(upper)
    place$dim <- length(lower)
    place$lower <- as.double(lower)
    place$upper <- as.double(upper)
  } else if (!is.null(means)) {
    # Step 3: means: a finite numeric matrix, one mean per row; a vector
    # holds one-dimensional means.
    if (!is.numeric(means) || length(means) < 1L) {
      stop_arg("means must be a numeric matrix with one mean per row, ",
               "not ", show_value(means))
    }
    if (is.null(dim(means))) means <- matrix(means, ncol = 1L)
    if (length(dim(means)) != 2L) {
      stop_arg("means must be a matrix (one mean per row), not an array ",
               "with ", length(dim(means)), " dimensions")
    }
    if (!all(is.finite(means))) {
      stop_arg("means must be finite, but it holds ",
               show_value(means[!is.finite(means)][1L]))
    }
    storage.mode(means) <- "double"
    nm <- colnames(means)
    place$dim <- ncol(means)
    place$means <- unname(means)
  } else if (!is.null(start)) {
    # Step 4: a start point: a finite numeric vector.
    check_bound(start, "start")
    nm <- names(start)
    place$dim <- length(start)
    place$start <- as.double(start)
  } else {
    # Step 5: a prior: a function of n; the dimension comes from the
    # bounds, else from two draws of it.
    if (!is.function(prior)) {
      stop_arg("prior must be a function(n) returning an n x d matrix ",
               "of draws, not ", show_value(prior))
    }
    nm <- NULL
    if (!is.null(bnd)) {
      place$dim <- length(bnd$lower)
    } else {
      probe <- tryCatch(prior(2L), error = function(e) {
        stop_arg("prior failed: ", conditionMessage(e))
      })
      if (!is.numeric(probe) || length(probe) < 2L) {
        stop_arg("prior(n) must return an n x d numeric matrix, but ",
                 "prior(2) returned ", show_value(probe))
      }
      if (is.null(dim(probe))) probe <- matrix(probe, ncol = 1L)
      if (length(dim(probe)) != 2L || nrow(probe) != 2L) {
        stop_arg("prior(n) must return an n x d numeric matrix, but ",
                 "prior(2) returned one with dimensions ",
                 paste(dim(probe), collapse = " x "))
      }
      place$dim <- ncol(probe)
      nm <- colnames(probe)
    }
    place$prior <- prior
  }

  # Step 6: the bounds must have the dimension; their names name the
  # columns when the placement gives none.
  if (!is.null(bnd)) {
    if (length(bnd$lower) != place$dim) {
      stop_arg("bounds$lower and bounds$upper must have one value per ",
               "dimension (", place$dim, "), not ", length(bnd$lower))
    }
    if (is.null(nm)) nm <- bnd$names
  }
  place$names <- column_names(nm, place$dim)
  place
}

# The bounds of the support: NULL, or list(lower = , upper = ) of equal
# lengths, no NA or NaN, -Inf and Inf allowed, lower < upper.
check_bounds <- function(bounds) {
  if (is.null(bounds)) return(NULL)
  if (!is.list(bounds) || is.null(names(bounds)) ||
      !all(c("lower", "upper") %in% names(bounds))) {
    stop_arg("bounds must be NULL or list(lower = , upper = ), not ",
             show_value(bounds))
  }
  extra <- setdiff(names(bounds), c("lower", "upper"))
  if (length(extra) > 0L) {
    stop_arg("bounds must hold only lower and upper, not ",
             paste(extra, collapse = ", "))
  }
  lo <- bounds$lower
  hi <- bounds$upper
  for (side in c("lower", "upper")) {
    v <- bounds[[side]]
    if (!is.numeric(v) || length(v) < 1L) {
      stop_arg("bounds$", side, " must be a numeric vector with one value ",
               "per dimension (-Inf and Inf allowed), not ", show_value(v))
    }
    bad <- which(is.na(v))
    if (length(bad) > 0L) {
      stop_arg("bounds$", side, " must not hold NA or NaN, but bounds$",
               side, "[", bad[1L], "] is ", format(v[bad[1L]]))
    }
  }
  if (length(lo) != length(hi)) {
    stop_arg("bounds$lower and bounds$upper must have the same length, ",
             "not ", length(lo), " and ", length(hi))
  }
  bad <- which(!(lo < hi))
  if (length(bad) > 0L) {
    i <- bad[1L]
    stop_arg("bounds$lower must be < bounds$upper in every dimension, but ",
             "bounds$lower[", i, "] = ", format(lo[i]), " >= bounds$upper[",
             i, "] = ", format(hi[i]))
  }
  nm <- names(lo)
  if (is.null(nm)) nm <- names(hi)
  list(lower = as.double(lo), upper = as.double(hi), names = nm)
}

# The prior wrapper: calls prior(n) and returns the draws as d x n
# doubles (point j at j*d, the C layout), or one string, the message, on
# any failure. No R condition may escape it: the glue runs it between
# libgma's frames.
make_prior <- function(prior, dim) {
  function(n) {
    tryCatch({
      v <- prior(n)
      if (!is.numeric(v)) {
        stop(sprintf("prior(%d) returned %s, not an %d x %d numeric matrix",
                     n, describe_value(v), n, dim), call. = FALSE)
      }
      if (is.null(dim(v)) && dim == 1L) v <- matrix(v, ncol = 1L)
      if (length(dim(v)) != 2L || nrow(v) != n || ncol(v) != dim) {
        got <- if (is.null(dim(v))) sprintf("a vector of length %d",
                                           length(v)) else
          paste("a", paste(dim(v), collapse = " x "), "array")
        stop(sprintf("prior(%d) must return an %d x %d matrix, not %s",
                     n, n, dim, got), call. = FALSE)
      }
      if (!all(is.finite(v))) {
        stop(sprintf("prior(%d) returned non-finite values", n),
             call. = FALSE)
      }
      as.double(t(v))
    },
    error = function(e) paste("prior failed:", conditionMessage(e)),
    interrupt = function(e) "prior was interrupted by the user")
  }
}

# Column names: the given ones, else x1..xd (also for blank ones).
column_names <- function(nm, d) {
  default <- paste0("x", seq_len(d))
  if (is.null(nm)) return(default)
  blank <- is.na(nm) | nm == ""
  nm[blank] <- default[blank]
  nm
}

# The seed: NULL takes one from R's RNG, so set.seed() reproduces a run;
# otherwise a single whole number in [0, 2^53).
check_seed <- function(seed) {
  if (is.null(seed)) return(floor(stats::runif(1L, 0, 2^31)))
  ok <- is_number(seed) && seed == round(seed) && seed >= 0 && seed < 2^53
  if (!ok) {
    stop_arg("seed must be NULL or a single whole number >= 0, not ",
             show_value(seed))
  }
  as.double(seed)
}
