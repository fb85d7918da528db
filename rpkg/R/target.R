# The target wrapper: turns the user's log_density into the function the
# C glue calls. The glue passes a d x n matrix (one point per column) and
# expects n doubles back; on any failure the wrapper returns
# c(kind, message) instead, with kind "error" or "interrupt". No R
# condition may escape it: the glue runs it between libgma's frames.

# Describe a value that is not a number, for an error message.
describe_value <- function(v) {
  if (is.null(v)) return("NULL")
  if (is.factor(v)) return("a factor")
  if (is.data.frame(v)) return("a data frame")
  if (is.function(v)) return("a function")
  if (is.list(v)) return("a list")
  if (is.object(v)) {
    return(sprintf("an object of class %s", dQuote(class(v)[1L], FALSE)))
  }
  sprintf("a %s vector", typeof(v))
}

# A point in a message: "(0.1, 2)", cut after 10 coordinates.
format_point <- function(p) {
  txt <- as.character(signif(as.double(p), 6L))
  if (length(txt) > 10L) txt <- c(txt[1:10], "...")
  paste0("(", paste(txt, collapse = ", "), ")")
}

# "1 value", "3 values".
count_text <- function(n, what) {
  paste(n, if (n == 1L) what else paste0(what, "s"))
}

# Signal a wrong return value as a condition of its own class.
value_error <- function(message) {
  structure(class = c("gma_value_error", "error", "condition"),
            list(message = message, call = NULL))
}

# Check one return value against the number of points it is for.
check_value <- function(v, n) {
  if (!is.numeric(v)) {
    what <- if (n == 1L) "a number" else
      sprintf("a numeric vector of length %d", n)
    stop(value_error(sprintf("log_density returned %s, not %s",
                             describe_value(v), what)))
  }
  if (length(v) != n) {
    stop(value_error(sprintf(
      "log_density must return one number per point: got %s for %s",
      count_text(length(v), "value"), count_text(n, "point"))))
  }
  as.double(v)
}

# Build the wrapper around log_density, a function of the point(s) alone
# (gma_sample() binds the extra arguments); names are the column names.
# The wrapper muffles the warnings and messages log_density raises and
# keeps the first 10 distinct ones of each, with a count of all, for
# gma_sample() to re-issue after the run (see relay_conditions()).
make_target <- function(log_density, vectorized, names) {
  kept <- list(warning = character(), message = character())
  counts <- c(warning = 0, message = 0)

  # Record a warning or a message, then muffle it.
  keep <- function(type, text) {
    counts[[type]] <<- counts[[type]] + 1
    if (length(kept[[type]]) < 10L && !(text %in% kept[[type]])) {
      kept[[type]] <<- c(kept[[type]], text)
    }
  }
  on_warning <- function(w) {
    keep("warning", conditionMessage(w))
    invokeRestart("muffleWarning")
  }
  on_message <- function(m) {
    keep("message", sub("\n$", "", conditionMessage(m)))
    invokeRestart("muffleMessage")
  }

  # All points at once: log_density gets an n x d matrix.
  eval_batch <- function(x) {
    n <- ncol(x)
    tryCatch({
      pts <- t(x)
      colnames(pts) <- names
      check_value(log_density(pts), n)
    },
    gma_value_error = function(e) c("error", conditionMessage(e)),
    error = function(e) {
      c("error", sprintf("log_density failed on a batch of %s: %s",
                         count_text(n, "point"), conditionMessage(e)))
    },
    interrupt = function(e) c("interrupt", "interrupted by the user"))
  }

  # One point at a time: log_density gets a named numeric vector.
  eval_points <- function(x) {
    n <- ncol(x)
    rownames(x) <- names
    j <- 1L
    tryCatch({
      out <- numeric(n)
      for (j in seq_len(n)) {
        out[j] <- check_value(log_density(x[, j]), 1L)
      }
      out
    },
    gma_value_error = function(e) {
      c("error", sprintf("%s, at point %s", conditionMessage(e),
                         format_point(x[, j])))
    },
    error = function(e) {
      c("error", sprintf("log_density failed at point %s: %s",
                         format_point(x[, j]), conditionMessage(e)))
    },
    interrupt = function(e) c("interrupt", "interrupted by the user"))
  }

  # The wrapper: an error or interrupt left over (from the handlers
  # above) becomes a failure too.
  eval_any <- if (vectorized) eval_batch else eval_points
  wrapper <- function(x) {
    tryCatch(withCallingHandlers(eval_any(x), warning = on_warning,
                                 message = on_message),
             error = function(e) c("error", conditionMessage(e)),
             interrupt = function(e) c("interrupt", "interrupted"))
  }
  list(fn = wrapper,
       conditions = function() list(kept = kept, counts = counts))
}

# Re-issue the warnings and messages a target wrapper kept, from R code
# after the run: each distinct one once, then a count of the rest.
relay_conditions <- function(target) {
  cond <- target$conditions()
  for (text in cond$kept$message) message(text)
  more <- cond$counts[["message"]] - length(cond$kept$message)
  if (more > 0) {
    message("(log_density gave ", more, " more messages, repeats included)")
  }
  for (text in cond$kept$warning) {
    warning("log_density: ", text, call. = FALSE)
  }
  more <- cond$counts[["warning"]] - length(cond$kept$warning)
  if (more > 0) {
    warning("log_density gave ", more, " more warnings, repeats included",
            call. = FALSE)
  }
}
