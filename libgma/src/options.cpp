// options.cpp: named access to the sampler's settings, with range checks.
#include "gma/options.hpp"

#include <cmath>
#include <limits>

#include "gma/error.hpp"

namespace gma {

namespace {

// A whole number >= lowest that fits the index type.
arma::uword whole(const std::string& name, double value, double lowest) {
  const double largest = 4.0e9;
  if (!(value >= lowest) || value > largest || value != std::floor(value))
    fail(ErrorKind::argument, "gma::Options::set", name, " (", value,
         ") must be a whole number from ", lowest, " to ", largest);
  return static_cast<arma::uword>(value);
}

// A finite number > 0, or exactly 0 where 0 means "the default".
double positive_or_default(const std::string& name, double value) {
  if (!(value >= 0.0) || !std::isfinite(value))
    fail(ErrorKind::argument, "gma::Options::set", name, " (", value,
         ") must be positive and finite (0 for the default)");
  return value;
}

}  // namespace

void Options::set(const std::string& name, double value) {
  if (name == "components") components = whole(name, value, 0);
  else if (name == "points_per_component")
    points_per_component = whole(name, value, 2);
  else if (name == "iterations") iterations = whole(name, value, 1);
  else if (name == "step_size") step_size = positive_or_default(name, value);
  else if (name == "cov_scale") cov_scale = positive_or_default(name, value);
  else if (name == "draws") draws = whole(name, value, 0);
  else if (name == "threads") threads = whole(name, value, 1);
  else if (name == "batch_size") batch_size = whole(name, value, 1);
  else if (name == "progress_every") progress_every = whole(name, value, 1);
  else
    fail(ErrorKind::unknown_name, "gma::Options::set", "no parameter named '",
         name, "' (value ", value, ")");
}

double Options::get(const std::string& name) const {
  if (name == "components") return double(components);
  if (name == "points_per_component") return double(points_per_component);
  if (name == "iterations") return double(iterations);
  if (name == "step_size") return step_size;
  if (name == "cov_scale") return cov_scale;
  if (name == "draws") return double(draws);
  if (name == "threads") return double(threads);
  if (name == "batch_size") return double(batch_size);
  if (name == "progress_every") return double(progress_every);
  fail(ErrorKind::unknown_name, "gma::Options::get", "no parameter named '",
       name, "'");
}

void Options::set_option(const std::string& name, const std::string& value) {
  // Each option lists its accepted values in its error message.
  if (name == "method") {
    if (value == "wgma-md") update = Update::mirror_descent;
    else if (value == "wgma-pgd") update = Update::projected_gradient;
    else
      fail(ErrorKind::argument, "gma::Options::set_option", "method '",
           value, "' is not one of 'wgma-md', 'wgma-pgd'");
  } else if (name == "schedule") {
    if (value == "inverse") schedule = Schedule::inverse;
    else if (value == "inverse-sqrt") schedule = Schedule::inverse_sqrt;
    else
      fail(ErrorKind::argument, "gma::Options::set_option", "schedule '",
           value, "' is not one of 'inverse', 'inverse-sqrt'");
  } else if (name == "resampling") {
    if (value == "stratified") resampling = Resampling::stratified;
    else if (value == "systematic") resampling = Resampling::systematic;
    else
      fail(ErrorKind::argument, "gma::Options::set_option", "resampling '",
           value, "' is not one of 'stratified', 'systematic'");
  } else {
    fail(ErrorKind::unknown_name, "gma::Options::set_option",
         "no option named '", name, "' (value '", value, "')");
  }
}

std::string Options::get_option(const std::string& name) const {
  if (name == "method")
    return update == Update::mirror_descent ? "wgma-md" : "wgma-pgd";
  if (name == "schedule")
    return schedule == Schedule::inverse ? "inverse" : "inverse-sqrt";
  if (name == "resampling")
    return resampling == Resampling::stratified ? "stratified"
                                                : "systematic";
  fail(ErrorKind::unknown_name, "gma::Options::get_option",
       "no option named '", name, "'");
}

double Options::effective_step_size() const {
  if (step_size > 0.0) return step_size;
  return update == Update::mirror_descent ? 1.0 : 0.1;
}

}  // namespace gma
