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

# The placement: a box or means, exactly one of them. Returns a list with
# the dimension, the box or the means (N x d matrix) and column names.
check_placement <- function(lower, upper, means) {
  # Step 1: exactly one of box and means.
  has_box <- !is.null(lower) || !is.null(upper)
  if (has_box && !is.null(means)) {
    stop_arg("give either lower and upper (a box) or means, not both")
  }
  if (!has_box && is.null(means)) {
    stop_arg("give either lower and upper (a box) or means: ",
             "all three are NULL")
  }

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
    return(list(dim = length(lower), lower = as.double(lower),
                upper = as.double(upper), means = NULL,
                names = column_names(nm, length(lower))))
  }

  # Step 3: means: a finite numeric matrix, one mean per row; a vector
  # holds one-dimensional means.
  if (!is.numeric(means) || length(means) < 1L) {
    stop_arg("means must be a numeric matrix with one mean per row, not ",
             show_value(means))
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
  list(dim = ncol(means), lower = NULL, upper = NULL,
       means = unname(means), names = column_names(colnames(means),
                                                    ncol(means)))
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
