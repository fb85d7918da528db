// gma_capi.cpp: the C interface over the C++ core.
//
// Every entry point runs its body inside guard(), which catches every
// exception, turns it into a status and keeps the message on the handle.
// No exception crosses this file; no algorithm lives here.
#include "gma.h"

#include <cmath>
#include <cstring>
#include <new>
#include <string>

#include "gma/error.hpp"
#include "gma/psis.hpp"
#include "gma/sampler.hpp"

struct gma_sampler {
  explicit gma_sampler(int dim) : core(static_cast<arma::uword>(dim)) {}

  gma::Sampler core;
  std::string last_error;
  gma_log_fn log_fn = nullptr;
  void* log_data = nullptr;
};

namespace {

// The status for a core error kind.
int status_of(gma::ErrorKind kind) {
  switch (kind) {
    case gma::ErrorKind::argument: return GMA_ERR_ARGUMENT;
    case gma::ErrorKind::unknown_name: return GMA_ERR_UNKNOWN_NAME;
    case gma::ErrorKind::state: return GMA_ERR_STATE;
    case gma::ErrorKind::callback: return GMA_ERR_CALLBACK;
    case gma::ErrorKind::target: return GMA_ERR_TARGET;
    case gma::ErrorKind::numeric: return GMA_ERR_NUMERIC;
  }
  return GMA_ERR_INTERNAL;
}

// Run body on a handle: clear the message, catch everything, keep the
// message of a failure prefixed with the C function's name.
template <typename Body>
int guard(const gma_sampler* s, const char* function, Body body) {
  if (s == nullptr) return GMA_ERR_ARGUMENT;
  auto& message = const_cast<gma_sampler*>(s)->last_error;
  message.clear();
  try {
    body();
    return GMA_OK;
  } catch (const gma::Stopped&) {
    message = std::string(function) + "(): stopped by the progress hook";
    return GMA_STOPPED;
  } catch (const gma::Error& e) {
    message = std::string(function) + ": " + e.what();
    return status_of(e.kind());
  } catch (const std::bad_alloc&) {
    message = std::string(function) + ": out of memory";
    return GMA_ERR_MEMORY;
  } catch (const std::exception& e) {
    message = std::string(function) + ": internal error: " + e.what();
    return GMA_ERR_INTERNAL;
  } catch (...) {
    message = std::string(function) + ": internal error";
    return GMA_ERR_INTERNAL;
  }
}

// Throw an argument error unless the pointer is set.
void need(const void* p, const char* function, const char* name) {
  if (p == nullptr)
    gma::fail(gma::ErrorKind::argument, function, name, " is NULL");
}

// A callback failure: the C target returned a non-zero code.
[[noreturn]] void callback_failed(int code, const arma::mat& x,
                                  arma::uword j) {
  std::string point;
  for (arma::uword k = 0; k < x.n_rows && k < 4; ++k)
    point += (k ? ", " : "") + gma::cat(x(k, j));
  if (x.n_rows > 4) point += ", ...";
  gma::fail(gma::ErrorKind::callback, "target", "the callback returned ",
            code, " (at or near point (", point, "))");
}

}  // namespace

extern "C" {

const char* gma_status_string(int status) {
  switch (status) {
    case GMA_OK: return "ok";
    case GMA_STOPPED: return "stopped by the progress hook";
    case GMA_ERR_ARGUMENT: return "invalid argument";
    case GMA_ERR_UNKNOWN_NAME: return "unknown parameter, option or name";
    case GMA_ERR_STATE: return "call out of order";
    case GMA_ERR_CALLBACK: return "the target callback failed";
    case GMA_ERR_TARGET: return "no finite log density on the bank";
    case GMA_ERR_NUMERIC: return "numerical failure";
    case GMA_ERR_MEMORY: return "out of memory";
    case GMA_ERR_INTERNAL: return "internal error";
    default: return "unknown status";
  }
}

void gma_version(int* major, int* minor, int* patch) {
  if (major) *major = GMA_VERSION_MAJOR;
  if (minor) *minor = GMA_VERSION_MINOR;
  if (patch) *patch = GMA_VERSION_PATCH;
}

int gma_create(int dim, gma_sampler** out) {
  if (out == nullptr) return GMA_ERR_ARGUMENT;
  *out = nullptr;
  if (dim < 1) return GMA_ERR_ARGUMENT;
  try {
    *out = new gma_sampler(dim);
    return GMA_OK;
  } catch (const std::bad_alloc&) {
    return GMA_ERR_MEMORY;
  } catch (...) {
    return GMA_ERR_INTERNAL;
  }
}

void gma_destroy(gma_sampler* s) { delete s; }

int gma_dim(const gma_sampler* s) {
  return s ? static_cast<int>(s->core.dim()) : 0;
}

const char* gma_last_error(const gma_sampler* s) {
  if (s == nullptr) return "gma_last_error(): the handle is NULL";
  return s->last_error.c_str();
}

int gma_set_target(gma_sampler* s, gma_batch_fn fn, void* user_data) {
  return guard(s, "gma_set_target", [&] {
    need(reinterpret_cast<const void*>(fn), "gma_set_target", "fn");
    s->core.set_target([fn, user_data](const arma::mat& x, arma::vec& out) {
      const int code = fn(int(x.n_cols), int(x.n_rows), x.memptr(),
                          out.memptr(), user_data);
      if (code != 0) callback_failed(code, x, 0);
    });
  });
}

int gma_set_target_pointwise(gma_sampler* s, gma_point_fn fn,
                             void* user_data) {
  return guard(s, "gma_set_target_pointwise", [&] {
    need(reinterpret_cast<const void*>(fn), "gma_set_target_pointwise",
         "fn");
    s->core.set_target([fn, user_data](const arma::mat& x, arma::vec& out) {
      for (arma::uword j = 0; j < x.n_cols; ++j) {
        const int code = fn(int(x.n_rows), x.colptr(j), &out[j], user_data);
        if (code != 0) callback_failed(code, x, j);
      }
    });
  });
}

int gma_set_box(gma_sampler* s, const double* lower, const double* upper) {
  return guard(s, "gma_set_box", [&] {
    need(lower, "gma_set_box", "lower");
    need(upper, "gma_set_box", "upper");
    const arma::uword d = s->core.dim();
    s->core.set_box(arma::vec(lower, d), arma::vec(upper, d));
  });
}

int gma_set_means(gma_sampler* s, int n, const double* means) {
  return guard(s, "gma_set_means", [&] {
    need(means, "gma_set_means", "means");
    if (n < 1)
      gma::fail(gma::ErrorKind::argument, "gma_set_means", "n (", n,
                ") must be at least 1");
    s->core.set_means(arma::mat(means, s->core.dim(), arma::uword(n)));
  });
}

int gma_set_variances(gma_sampler* s, int n, const double* var) {
  return guard(s, "gma_set_variances", [&] {
    need(var, "gma_set_variances", "var");
    if (n < 1)
      gma::fail(gma::ErrorKind::argument, "gma_set_variances", "n (", n,
                ") must be at least 1");
    s->core.set_variances(arma::mat(var, s->core.dim(), arma::uword(n)));
  });
}

int gma_set_bounds(gma_sampler* s, const double* lower,
                   const double* upper) {
  return guard(s, "gma_set_bounds", [&] {
    need(lower, "gma_set_bounds", "lower");
    need(upper, "gma_set_bounds", "upper");
    const arma::uword d = s->core.dim();
    s->core.set_bounds(arma::vec(lower, d), arma::vec(upper, d));
  });
}

int gma_set_start(gma_sampler* s, const double* point) {
  return guard(s, "gma_set_start", [&] {
    need(point, "gma_set_start", "point");
    s->core.set_start(arma::vec(point, s->core.dim()));
  });
}

int gma_set_prior(gma_sampler* s, gma_draw_fn fn, void* user_data) {
  return guard(s, "gma_set_prior", [&] {
    need(reinterpret_cast<const void*>(fn), "gma_set_prior", "fn");
    s->core.set_prior([fn, user_data](arma::mat& out) {
      const int code = fn(int(out.n_cols), int(out.n_rows), out.memptr(),
                          user_data);
      if (code != 0)
        gma::fail(gma::ErrorKind::callback, "prior", "the prior sampler ",
                  "returned ", code);
    });
  });
}

int gma_set_param(gma_sampler* s, const char* name, double value) {
  return guard(s, "gma_set_param", [&] {
    need(name, "gma_set_param", "name");
    s->core.options().set(name, value);
  });
}

int gma_get_param(const gma_sampler* s, const char* name, double* value) {
  return guard(s, "gma_get_param", [&] {
    need(name, "gma_get_param", "name");
    need(value, "gma_get_param", "value");
    *value = s->core.options().get(name);
    if (*value == 0.0 && s->core.has_result())
      *value = s->core.result().options.get(name);
  });
}

int gma_set_option(gma_sampler* s, const char* name, const char* value) {
  return guard(s, "gma_set_option", [&] {
    need(name, "gma_set_option", "name");
    need(value, "gma_set_option", "value");
    s->core.options().set_option(name, value);
  });
}

int gma_get_option(const gma_sampler* s, const char* name, char* out,
                   int size) {
  return guard(s, "gma_get_option", [&] {
    need(name, "gma_get_option", "name");
    need(out, "gma_get_option", "out");
    // After a run the value it used, "auto" resolved; else the one set.
    const std::string v = s->core.has_result()
                              ? s->core.result().options.get_option(name)
                              : s->core.options().get_option(name);
    if (size < int(v.size()) + 1)
      gma::fail(gma::ErrorKind::argument, "gma_get_option", "size (", size,
                ") must be at least ", v.size() + 1, " for '", v, "'");
    std::memcpy(out, v.c_str(), v.size() + 1);
  });
}

int gma_set_seed(gma_sampler* s, unsigned long long seed) {
  return guard(s, "gma_set_seed", [&] { s->core.options().seed = seed; });
}

int gma_set_progress(gma_sampler* s, gma_progress_fn fn, void* user_data) {
  return guard(s, "gma_set_progress", [&] {
    if (fn == nullptr) {
      s->core.set_progress(gma::ProgressFn());
      return;
    }
    s->core.set_progress([fn, user_data](gma::Stage st, long done,
                                         long total) {
      return fn(static_cast<int>(st), done, total, user_data) != 0;
    });
  });
}

int gma_set_logger(gma_sampler* s, gma_log_fn fn, int max_level,
                   void* user_data) {
  return guard(s, "gma_set_logger", [&] {
    if (max_level < GMA_LOG_ERROR || max_level > GMA_LOG_DEBUG)
      gma::fail(gma::ErrorKind::argument, "gma_set_logger", "max_level (",
                max_level, ") must be from 0 (errors) to 3 (debug)");
    if (fn == nullptr) {
      s->core.logger().set_sink(gma::Logger::Sink(), gma::LogLevel::error);
      return;
    }
    s->core.logger().set_sink(
        [fn, user_data](gma::LogLevel level, const std::string& text) {
          fn(static_cast<int>(level), text.c_str(), user_data);
        },
        static_cast<gma::LogLevel>(max_level));
  });
}

int gma_run(gma_sampler* s) {
  return guard(s, "gma_run", [&] { s->core.run(); });
}

namespace {

// Check a result getter's count against the result's size.
void check_count(const char* function, const char* what, long given,
                 long actual) {
  if (given != actual)
    gma::fail(gma::ErrorKind::argument, function, what, " (", given,
              ") must equal the result's ", actual);
}

}  // namespace

int gma_get_draws(const gma_sampler* s, double* out, long n_draws) {
  return guard(s, "gma_get_draws", [&] {
    const gma::Result& r = s->core.result();
    need(out, "gma_get_draws", "out");
    check_count("gma_get_draws", "n_draws", n_draws, long(r.draws.n_cols));
    std::memcpy(out, r.draws.memptr(), r.draws.n_elem * sizeof(double));
  });
}

int gma_get_weights(const gma_sampler* s, double* out, int n) {
  return guard(s, "gma_get_weights", [&] {
    const gma::Result& r = s->core.result();
    need(out, "gma_get_weights", "out");
    check_count("gma_get_weights", "n", n, long(r.mixture.size()));
    const arma::vec& w = r.mixture.weights();
    std::memcpy(out, w.memptr(), w.n_elem * sizeof(double));
  });
}

int gma_get_means(const gma_sampler* s, double* out, int n) {
  return guard(s, "gma_get_means", [&] {
    const gma::Result& r = s->core.result();
    need(out, "gma_get_means", "out");
    check_count("gma_get_means", "n", n, long(r.mixture.size()));
    const arma::mat& m = r.mixture.means();
    std::memcpy(out, m.memptr(), m.n_elem * sizeof(double));
  });
}

int gma_get_covariances(const gma_sampler* s, double* out, int n) {
  return guard(s, "gma_get_covariances", [&] {
    const gma::Result& r = s->core.result();
    need(out, "gma_get_covariances", "out");
    check_count("gma_get_covariances", "n", n, long(r.mixture.size()));
    const arma::cube c = r.mixture.covariances();
    std::memcpy(out, c.memptr(), c.n_elem * sizeof(double));
  });
}

int gma_get_diagnostic(const gma_sampler* s, const char* name,
                       double* value) {
  return guard(s, "gma_get_diagnostic", [&] {
    need(name, "gma_get_diagnostic", "name");
    need(value, "gma_get_diagnostic", "value");
    const auto& d = s->core.result().diagnostics;
    const auto hit = d.find(name);
    if (hit == d.end()) {
      std::string names;
      for (const auto& kv : d) names += (names.empty() ? "" : ", ") + kv.first;
      gma::fail(gma::ErrorKind::unknown_name, "gma_get_diagnostic",
                "no diagnostic named '", name, "' for this run (",
                "available: ", names, ")");
    }
    *value = hit->second;
  });
}

int gma_get_log_ratios(const gma_sampler* s, double* out, long n) {
  return guard(s, "gma_get_log_ratios", [&] {
    const gma::Result& r = s->core.result();
    need(out, "gma_get_log_ratios", "out");
    if (r.log_ratios.is_empty())
      gma::fail(gma::ErrorKind::state, "gma_get_log_ratios",
                "this run made no importance check (importance_draws 0, or ",
                "no draw inside the support)");
    check_count("gma_get_log_ratios", "n", n, long(r.log_ratios.n_elem));
    std::memcpy(out, r.log_ratios.memptr(),
                r.log_ratios.n_elem * sizeof(double));
  });
}

int gma_pareto_smooth(const double* log_ratios, long n, double* log_weights,
                      double* pareto_k) {
  // No handle to keep a message: argument errors are the status alone.
  if (log_ratios == nullptr || pareto_k == nullptr || n < 2)
    return GMA_ERR_ARGUMENT;
  try {
    const gma::Psis p = gma::pareto_smooth(
        arma::vec(const_cast<double*>(log_ratios), arma::uword(n), false));
    *pareto_k = p.pareto_k;
    if (log_weights)
      std::memcpy(log_weights, p.log_weights.memptr(), n * sizeof(double));
    return GMA_OK;
  } catch (const gma::Error& e) {
    return status_of(e.kind());
  } catch (const std::bad_alloc&) {
    return GMA_ERR_MEMORY;
  } catch (...) {
    return GMA_ERR_INTERNAL;
  }
}

}  // extern "C"
