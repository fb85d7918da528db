// glue.cpp: the R interface to libgma, written against the C API (gma.h).
//
// R must never be entered in a way that can longjmp through libgma's
// frames, and no C++ exception may leave a callback. So:
//   - the target callback calls an R closure (built by R code) inside
//     R_ToplevelExec(); the closure catches every R condition itself and
//     returns either the values or a c(kind, message) character vector;
//   - the progress hook checks for Ctrl-C inside R_ToplevelExec();
//   - the log hook only stores the messages, which R code prints later;
//   - every status and message goes back to R in a list, and R code
//     raises the errors, after the sampler handle is freed.

#include <Rcpp.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "gma.h"

namespace {

// Everything the callbacks share with the run, passed as user_data.
struct Glue {
  SEXP target = R_NilValue;      // R closure: d x n matrix -> values
  SEXP prior = R_NilValue;       // R closure: n -> d x n matrix, or NULL
  bool prior_failed = false;     // the prior callback returned non-zero
  std::string prior_message;
  bool target_failed = false;    // the callback returned non-zero
  std::string failure_kind;      // "error" or "interrupt"
  std::string failure_message;
  bool interrupted = false;      // the progress hook saw Ctrl-C
  std::vector<std::string> log;  // log hook and progress messages
  bool verbose = false;
  int last_stage = -1;
};

// The data of one target call, handed to eval_target() through
// R_ToplevelExec(). Plain C data only: a longjmp out of eval_target()
// must not skip any destructor.
struct TargetCall {
  SEXP closure;
  int n, dim;
  const double *x;
  double *out;
  int status;       // 0 ok, 1 failure with kind and message below
  char kind[16];
  char message[4096];
};

// Copy a C string into a fixed buffer, truncating.
void copy_text(char *to, size_t size, const char *from) {
  std::strncpy(to, from, size - 1);
  to[size - 1] = '\0';
}

// Evaluate the R closure on the n points: runs inside R_ToplevelExec().
void eval_target(void *data) {
  TargetCall *c = static_cast<TargetCall *>(data);

  // Step 1: the points as a dim x n matrix, one point per column (the
  // C layout, point j at x + j*dim, is already column-major).
  SEXP xm = PROTECT(Rf_allocMatrix(REALSXP, c->dim, c->n));
  std::memcpy(REAL(xm), c->x, sizeof(double) * c->dim * (size_t)c->n);

  // Step 2: call the closure; it handles every condition itself.
  SEXP call = PROTECT(Rf_lang2(c->closure, xm));
  SEXP val = PROTECT(Rf_eval(call, R_GlobalEnv));

  // Step 3: values, or c(kind, message) on failure.
  if (TYPEOF(val) == REALSXP && XLENGTH(val) == c->n) {
    std::memcpy(c->out, REAL(val), sizeof(double) * (size_t)c->n);
    c->status = 0;
  } else if (TYPEOF(val) == STRSXP && XLENGTH(val) == 2) {
    copy_text(c->kind, sizeof c->kind, CHAR(STRING_ELT(val, 0)));
    copy_text(c->message, sizeof c->message, CHAR(STRING_ELT(val, 1)));
    c->status = 1;
  } else {
    copy_text(c->kind, sizeof c->kind, "error");
    copy_text(c->message, sizeof c->message,
              "internal error: the target wrapper returned an unexpected "
              "value");
    c->status = 1;
  }
  UNPROTECT(3);
}

// The batched target callback given to libgma.
int target_callback(int n, int dim, const double *x, double *out,
                    void *user_data) {
  Glue *g = static_cast<Glue *>(user_data);
  try {
    // Step 1: call R, shielded from any longjmp.
    TargetCall c;
    c.closure = g->target;
    c.n = n;
    c.dim = dim;
    c.x = x;
    c.out = out;
    c.status = 1;
    copy_text(c.kind, sizeof c.kind, "error");
    copy_text(c.message, sizeof c.message,
              "log_density was stopped by an R error outside its handler");
    bool completed = R_ToplevelExec(eval_target, &c);

    // Step 2: report a failure back through the user data.
    if (!completed || c.status != 0) {
      g->target_failed = true;
      g->failure_kind = c.kind;
      g->failure_message = c.message;
      return 1;
    }
    return 0;
  } catch (...) {
    g->target_failed = true;
    g->failure_kind = "error";
    g->failure_message = "out of memory in the log_density callback";
    return 1;
  }
}

// The data of one prior call, for eval_prior() through R_ToplevelExec().
// Plain C data only, as for TargetCall.
struct PriorCall {
  SEXP closure;
  int n, dim;
  double *out;
  int status;       // 0 ok, 1 failure with the message below
  char message[4096];
};

// Call the R prior closure for n draws: runs inside R_ToplevelExec().
// The closure returns the draws as dim x n doubles (point j at
// out + j*dim), or one string, the message, on failure.
void eval_prior(void *data) {
  PriorCall *c = static_cast<PriorCall *>(data);
  SEXP nn = PROTECT(Rf_ScalarInteger(c->n));
  SEXP call = PROTECT(Rf_lang2(c->closure, nn));
  SEXP val = PROTECT(Rf_eval(call, R_GlobalEnv));
  const R_xlen_t want = static_cast<R_xlen_t>(c->n) * c->dim;
  if (TYPEOF(val) == REALSXP && XLENGTH(val) == want) {
    std::memcpy(c->out, REAL(val), sizeof(double) * (size_t)want);
    c->status = 0;
  } else if (TYPEOF(val) == STRSXP && XLENGTH(val) == 1) {
    copy_text(c->message, sizeof c->message, CHAR(STRING_ELT(val, 0)));
    c->status = 1;
  } else {
    copy_text(c->message, sizeof c->message,
              "internal error: the prior wrapper returned an unexpected "
              "value");
    c->status = 1;
  }
  UNPROTECT(3);
}

// The prior sampler callback given to libgma.
int prior_callback(int n, int dim, double *out, void *user_data) {
  Glue *g = static_cast<Glue *>(user_data);
  try {
    PriorCall c;
    c.closure = g->prior;
    c.n = n;
    c.dim = dim;
    c.out = out;
    c.status = 1;
    copy_text(c.message, sizeof c.message,
              "prior was stopped by an R error outside its handler");
    bool completed = R_ToplevelExec(eval_prior, &c);
    if (!completed || c.status != 0) {
      g->prior_failed = true;
      g->prior_message = c.message;
      return 1;
    }
    return 0;
  } catch (...) {
    g->prior_failed = true;
    g->prior_message = "out of memory in the prior callback";
    return 1;
  }
}

// Check for Ctrl-C without letting R longjmp: runs in R_ToplevelExec().
void check_interrupt(void *) { R_CheckUserInterrupt(); }

const char *stage_name(int stage) {
  switch (stage) {
  case GMA_STAGE_BANK: return "evaluating the bank";
  case GMA_STAGE_FIT: return "fitting the mixture";
  case GMA_STAGE_RESAMPLE: return "drawing the output";
  case GMA_STAGE_CHECK: return "checking the fit by importance sampling";
  case GMA_STAGE_OPTIMISE: return "searching for modes";
  default: return "unknown stage";
  }
}

// The progress hook: record stage changes, stop on a pending interrupt.
int progress_callback(int stage, long done, long total, void *user_data) {
  Glue *g = static_cast<Glue *>(user_data);
  try {
    // Step 1: note each new stage when verbose.
    if (g->verbose && stage != g->last_stage) {
      g->log.push_back(std::string("stage: ") + stage_name(stage) + " (" +
                       std::to_string(total) + " steps)");
    }
    g->last_stage = stage;
    (void)done;

    // Step 2: a pending interrupt makes R_ToplevelExec() return FALSE.
    if (!R_ToplevelExec(check_interrupt, nullptr)) {
      g->interrupted = true;
      return 1;
    }
    return 0;
  } catch (...) {
    return 0;
  }
}

// The log hook: store the message for R code to print after the run.
void log_callback(int level, const char *message, void *user_data) {
  Glue *g = static_cast<Glue *>(user_data);
  try {
    const char *tag = level == GMA_LOG_ERROR     ? "error: "
                      : level == GMA_LOG_WARNING ? "warning: "
                                                 : "";
    g->log.push_back(std::string(tag) + (message ? message : ""));
  } catch (...) {
  }
}

// Frees the sampler on every path out of gma_run_cpp().
struct SamplerDeleter {
  void operator()(gma_sampler *s) const { gma_destroy(s); }
};
using SamplerPtr = std::unique_ptr<gma_sampler, SamplerDeleter>;

// The list returned on failure: status, its text, the messages.
Rcpp::List failure(int status, const std::string &where,
                   const std::string &message, const Glue &g) {
  return Rcpp::List::create(
      Rcpp::Named("status") = status,
      Rcpp::Named("status_string") = gma_status_string(status),
      Rcpp::Named("where") = where,
      Rcpp::Named("error") = message,
      Rcpp::Named("target_failed") = g.target_failed,
      Rcpp::Named("failure_kind") = g.failure_kind,
      Rcpp::Named("failure_message") = g.failure_message,
      Rcpp::Named("interrupted") = g.interrupted,
      Rcpp::Named("prior_failed") = g.prior_failed,
      Rcpp::Named("prior_message") = g.prior_message,
      Rcpp::Named("log") = Rcpp::wrap(g.log));
}

// The names of every diagnostic this run reports, read from the message
// of gma_get_diagnostic() for a name no run has ("available: a, b)").
// Empty if the message has another form.
std::vector<std::string> reported_diagnostics(const gma_sampler *s) {
  std::vector<std::string> out;
  double v = 0;
  if (gma_get_diagnostic(s, "", &v) != GMA_ERR_UNKNOWN_NAME) return out;
  const std::string msg = gma_last_error(s);
  const std::string key = "available: ";
  const size_t at = msg.rfind(key);
  if (at == std::string::npos) return out;
  size_t end = msg.rfind(')');
  if (end == std::string::npos || end < at) end = msg.size();
  const std::string list = msg.substr(at + key.size(), end - at - key.size());
  size_t from = 0;
  while (from <= list.size()) {
    size_t comma = list.find(", ", from);
    if (comma == std::string::npos) comma = list.size();
    const std::string nm = list.substr(from, comma - from);
    if (!nm.empty()) out.push_back(nm);
    from = comma + 2;
  }
  return out;
}

// Read back every result of a successful run into R objects.
Rcpp::List results(const gma_sampler *s, int dim, const Glue &g,
                   const Rcpp::CharacterVector &param_names,
                   const Rcpp::CharacterVector &diag_names) {
  // Step 1: the diagnostics, by name; NA for those the run does not
  // report.
  // The known names first, in their order, then any other the run
  // reports.
  std::vector<std::string> names;
  for (R_xlen_t i = 0; i < diag_names.size(); ++i)
    names.push_back(CHAR(STRING_ELT(diag_names, i)));
  for (const std::string &nm : reported_diagnostics(s)) {
    bool known = false;
    for (const std::string &k : names) known = known || k == nm;
    if (!known) names.push_back(nm);
  }
  const R_xlen_t n_diag = static_cast<R_xlen_t>(names.size());
  Rcpp::NumericVector diag(n_diag);
  for (R_xlen_t i = 0; i < n_diag; ++i) {
    double v = NA_REAL;
    if (gma_get_diagnostic(s, names[i].c_str(), &v) != GMA_OK) v = NA_REAL;
    diag[i] = v;
  }
  diag.names() = Rcpp::wrap(names);

  // Step 2: the draws, one per row.
  double n_draws_d = 0, n_comp_d = 0;
  int st = gma_get_diagnostic(s, "draws", &n_draws_d);
  if (st == GMA_OK) st = gma_get_diagnostic(s, "components", &n_comp_d);
  if (st != GMA_OK)
    return failure(st, "gma_get_diagnostic", gma_last_error(s), g);
  const long n_draws = static_cast<long>(n_draws_d);
  const int n_comp = static_cast<int>(n_comp_d);
  std::vector<double> buf(static_cast<size_t>(n_draws) * dim);
  st = gma_get_draws(s, buf.data(), n_draws);
  if (st != GMA_OK) return failure(st, "gma_get_draws", gma_last_error(s), g);
  Rcpp::NumericMatrix draws(n_draws, dim);
  for (long j = 0; j < n_draws; ++j)
    for (int k = 0; k < dim; ++k) draws(j, k) = buf[j * dim + k];

  // Step 3: the mixture: weights, means (one per row), covariances.
  Rcpp::NumericVector weights(n_comp);
  st = gma_get_weights(s, weights.begin(), n_comp);
  if (st != GMA_OK)
    return failure(st, "gma_get_weights", gma_last_error(s), g);
  std::vector<double> mbuf(static_cast<size_t>(n_comp) * dim);
  st = gma_get_means(s, mbuf.data(), n_comp);
  if (st != GMA_OK) return failure(st, "gma_get_means", gma_last_error(s), g);
  Rcpp::NumericMatrix means(n_comp, dim);
  for (int j = 0; j < n_comp; ++j)
    for (int k = 0; k < dim; ++k) means(j, k) = mbuf[j * dim + k];
  Rcpp::NumericVector covs(static_cast<R_xlen_t>(n_comp) * dim * dim);
  st = gma_get_covariances(s, covs.begin(), n_comp);
  if (st != GMA_OK)
    return failure(st, "gma_get_covariances", gma_last_error(s), g);
  covs.attr("dim") = Rcpp::IntegerVector::create(dim, dim, n_comp);

  // Step 4: the parameters the run used.
  Rcpp::NumericVector params(param_names.size());
  for (R_xlen_t i = 0; i < param_names.size(); ++i) {
    double v = NA_REAL;
    const char *nm = CHAR(STRING_ELT(param_names, i));
    if (gma_get_param(s, nm, &v) != GMA_OK) v = NA_REAL;
    params[i] = v;
  }
  params.names() = param_names;

  // The text options the run used ("auto" resolved).
  const char *option_names[] = {"method", "schedule", "resampling", "output",
                                "placement"};
  Rcpp::CharacterVector used(5);
  for (int i = 0; i < 5; ++i) {
    char buf[64];
    if (gma_get_option(s, option_names[i], buf, sizeof buf) != GMA_OK)
      buf[0] = '\0';
    used[i] = buf;
  }
  used.names() = Rcpp::CharacterVector(option_names, option_names + 5);

  // Step 5: the log importance ratios of the check, when it was made.
  SEXP log_ratios = R_NilValue;
  double n_imp = 0;
  if (gma_get_param(s, "importance_draws", &n_imp) == GMA_OK && n_imp > 0) {
    Rcpp::NumericVector lr(static_cast<R_xlen_t>(n_imp));
    st = gma_get_log_ratios(s, lr.begin(), static_cast<long>(n_imp));
    if (st == GMA_OK) {
      log_ratios = lr;
    } else if (st != GMA_ERR_STATE) {
      return failure(st, "gma_get_log_ratios", gma_last_error(s), g);
    }
  }

  return Rcpp::List::create(
      Rcpp::Named("status") = static_cast<int>(GMA_OK),
      Rcpp::Named("draws") = draws, Rcpp::Named("weights") = weights,
      Rcpp::Named("means") = means, Rcpp::Named("covariances") = covs,
      Rcpp::Named("diagnostics") = diag,
      Rcpp::Named("params") = params, Rcpp::Named("options") = used,
      Rcpp::Named("log_ratios") = log_ratios,
      Rcpp::Named("log") = Rcpp::wrap(g.log));
}

// Run libgma once, for gma_sample().
//   target   R closure: dim x n matrix (one point per column) -> n values,
//            or c(kind, message) on failure
//   dim      the dimension
//   lower, upper  box bounds (dim doubles each), or NULL for means
//   means    initial means, a dim x N matrix (one per column), or NULL
//   start    a start point (dim doubles), or NULL
//   prior    R closure: n -> dim x n doubles, or a message; or NULL
//            (exactly one of the box, means, start and prior is given)
//   bounds_lower, bounds_upper  the support (dim doubles each, may be
//            infinite), or NULL
//   params   named doubles for gma_set_param()
//   options  named strings for gma_set_option()
//   seed     a whole number, as a double
//   verbose  TRUE to install the log hook at GMA_LOG_INFO
//   report   names of the parameters to read back after the run
//   diagnostics  names of the diagnostics to read back
// Returns a list with the status and messages, and the results on
// success; R code raises the errors.
Rcpp::List run(SEXP target, int dim, SEXP lower, SEXP upper, SEXP means,
               SEXP start, SEXP prior, SEXP bounds_lower, SEXP bounds_upper,
               Rcpp::NumericVector params, Rcpp::CharacterVector options,
               double seed, bool verbose, Rcpp::CharacterVector report,
               Rcpp::CharacterVector diagnostics) {
  Glue g;
  g.target = target;
  g.prior = prior;
  g.verbose = verbose;

  // Step 1: the sampler.
  gma_sampler *raw = nullptr;
  int st = gma_create(dim, &raw);
  if (st != GMA_OK) {
    return failure(st, "gma_create",
                   "gma_create(" + std::to_string(dim) +
                       ") failed: " + gma_status_string(st),
                   g);
  }
  SamplerPtr s(raw);

  // Step 2: target, placement, parameters, options, seed, hooks.
  st = gma_set_target(s.get(), target_callback, &g);
  if (st != GMA_OK)
    return failure(st, "gma_set_target", gma_last_error(s.get()), g);
  if (!Rf_isNull(lower)) {
    Rcpp::NumericVector lo(lower), hi(upper);
    st = gma_set_box(s.get(), lo.begin(), hi.begin());
    if (st != GMA_OK)
      return failure(st, "gma_set_box", gma_last_error(s.get()), g);
  } else if (!Rf_isNull(means)) {
    Rcpp::NumericMatrix m(means);
    st = gma_set_means(s.get(), m.ncol(), m.begin());
    if (st != GMA_OK)
      return failure(st, "gma_set_means", gma_last_error(s.get()), g);
  } else if (!Rf_isNull(start)) {
    Rcpp::NumericVector p(start);
    st = gma_set_start(s.get(), p.begin());
    if (st != GMA_OK)
      return failure(st, "gma_set_start", gma_last_error(s.get()), g);
  } else {
    st = gma_set_prior(s.get(), prior_callback, &g);
    if (st != GMA_OK)
      return failure(st, "gma_set_prior", gma_last_error(s.get()), g);
  }
  if (!Rf_isNull(bounds_lower)) {
    Rcpp::NumericVector lo(bounds_lower), hi(bounds_upper);
    st = gma_set_bounds(s.get(), lo.begin(), hi.begin());
    if (st != GMA_OK)
      return failure(st, "gma_set_bounds", gma_last_error(s.get()), g);
  }
  Rcpp::CharacterVector pn = params.names();
  for (R_xlen_t i = 0; i < params.size(); ++i) {
    st = gma_set_param(s.get(), CHAR(STRING_ELT(pn, i)), params[i]);
    if (st != GMA_OK)
      return failure(st, "gma_set_param", gma_last_error(s.get()), g);
  }
  Rcpp::CharacterVector on = options.names();
  for (R_xlen_t i = 0; i < options.size(); ++i) {
    st = gma_set_option(s.get(), CHAR(STRING_ELT(on, i)),
                        CHAR(STRING_ELT(options, i)));
    if (st != GMA_OK)
      return failure(st, "gma_set_option", gma_last_error(s.get()), g);
  }
  st = gma_set_seed(s.get(), static_cast<unsigned long long>(seed));
  if (st != GMA_OK)
    return failure(st, "gma_set_seed", gma_last_error(s.get()), g);
  st = gma_set_progress(s.get(), progress_callback, &g);
  if (st != GMA_OK)
    return failure(st, "gma_set_progress", gma_last_error(s.get()), g);
  if (verbose) {
    st = gma_set_logger(s.get(), log_callback, GMA_LOG_INFO, &g);
    if (st != GMA_OK)
      return failure(st, "gma_set_logger", gma_last_error(s.get()), g);
  }

  // Step 3: run; a failure or a stop leaves no results.
  st = gma_run(s.get());
  if (st != GMA_OK) return failure(st, "gma_run", gma_last_error(s.get()), g);

  // Step 4: read the results back.
  return results(s.get(), dim, g, report, diagnostics);
}

} // namespace

// The entry points called from R, and their registration.
extern "C" {

SEXP c_gma_run(SEXP target, SEXP dim, SEXP lower, SEXP upper, SEXP means,
               SEXP start, SEXP prior, SEXP bounds_lower, SEXP bounds_upper,
               SEXP params, SEXP options, SEXP seed, SEXP verbose,
               SEXP report, SEXP diagnostics) {
  BEGIN_RCPP
  return run(target, Rcpp::as<int>(dim), lower, upper, means, start, prior,
             bounds_lower, bounds_upper, Rcpp::NumericVector(params),
             Rcpp::CharacterVector(options),
             Rcpp::as<double>(seed), Rcpp::as<bool>(verbose),
             Rcpp::CharacterVector(report),
             Rcpp::CharacterVector(diagnostics));
  END_RCPP
}

// Pareto-smoothed importance sampling of log ratios, for gma_psis(): a
// list of the smoothed log weights and the Pareto k-hat. R code checks
// the values first; a failure comes back as a status.
SEXP c_gma_psis(SEXP log_ratios) {
  BEGIN_RCPP
  Rcpp::NumericVector lr(log_ratios);
  Rcpp::NumericVector lw(lr.size());
  double k = NA_REAL;
  int st = gma_pareto_smooth(lr.begin(), static_cast<long>(lr.size()),
                             lw.begin(), &k);
  return Rcpp::List::create(Rcpp::Named("status") = st,
                            Rcpp::Named("status_string") =
                                gma_status_string(st),
                            Rcpp::Named("log_weights") = lw,
                            Rcpp::Named("pareto_k") = k);
  END_RCPP
}

// The version of the bundled libgma: major, minor, patch.
SEXP c_gma_version() {
  BEGIN_RCPP
  int major = 0, minor = 0, patch = 0;
  gma_version(&major, &minor, &patch);
  return Rcpp::IntegerVector::create(major, minor, patch);
  END_RCPP
}

static const R_CallMethodDef call_methods[] = {
    {"c_gma_run", (DL_FUNC)&c_gma_run, 15},
    {"c_gma_psis", (DL_FUNC)&c_gma_psis, 1},
    {"c_gma_version", (DL_FUNC)&c_gma_version, 0},
    {nullptr, nullptr, 0}};

void R_init_gma(DllInfo *dll) {
  R_registerRoutines(dll, nullptr, call_methods, nullptr, nullptr);
  R_useDynamicSymbols(dll, FALSE);
}

} // extern "C"
