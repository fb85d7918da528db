// options.cpp: named access to the sampler's settings, with range checks.
#include "gma/options.hpp"

#include <cmath>
#include <limits>

#include "gma/error.hpp"

namespace gma {

namespace {

// One numeric parameter: its member, its range, whether 0 means "the
// default" whatever the range, whether the lower end is excluded.
struct Spec {
  const char* name;
  arma::uword Options::*whole;  // set for whole-number parameters
  double Options::*real;        // set for real parameters
  double lowest, highest;       // the range allowed
  bool zero_default;            // 0 is accepted and means the default
  bool above;                   // the value must exceed lowest
};

constexpr double kBig = 4.0e9;
const double kInf = std::numeric_limits<double>::infinity();
using O = Options;

const Spec kSpecs[] = {
    {"components", &O::components, nullptr, 1, kBig, true, false},
    {"points_per_component", &O::points_per_component, nullptr, 2, kBig,
     true, false},
    {"iterations", &O::iterations, nullptr, 1, kBig, true, false},
    {"step_size", nullptr, &O::step_size, 0, kInf, true, true},
    {"cov_scale", nullptr, &O::cov_scale, 0, kInf, true, true},
    {"draws", &O::draws, nullptr, 1, kBig, true, false},
    {"importance_draws", &O::importance_draws, nullptr, 10, kBig, true,
     false},
    {"threads", &O::threads, nullptr, 1, 1024, false, false},
    {"batch_size", &O::batch_size, nullptr, 1, kBig, false, false},
    {"progress_every", &O::progress_every, nullptr, 1, kBig, false, false},
    {"adapt_rounds", &O::adapt_rounds, nullptr, 0, 100, false, false},
    {"spread", nullptr, &O::spread, 0, kInf, true, true},
    {"cover_fraction", nullptr, &O::cover_fraction, 0, 1, false, false},
    {"temper_min", nullptr, &O::temper_min, 0, 1, false, true},
    {"standardise", nullptr, &O::standardise, 0, 1, false, false},
    {"entropy_penalty", nullptr, &O::entropy_penalty, 0, kInf, false,
     false},
    {"md_temperature", nullptr, &O::md_temperature, 1, kInf, false, false},
    {"damping", nullptr, &O::damping, 0, 1, false, false},
    {"step_offset", nullptr, &O::step_offset, 0, kInf, false, false},
    {"tail_fraction", nullptr, &O::tail_fraction, 0, 1, false, false},
    {"refine_keep", nullptr, &O::refine_keep, 0, 1, false, true},
    {"refine_shrink", nullptr, &O::refine_shrink, 0, 1, false, true},
    {"refine_jitter", nullptr, &O::refine_jitter, 0, kInf, false, false},
    {"starts", &O::starts, nullptr, 1, kBig, true, false},
    {"kappa", nullptr, &O::kappa, 0, kInf, false, true},
    {"max_evaluations", &O::max_evaluations, nullptr, 10, kBig, true,
     false},
    {"merge_distance", nullptr, &O::merge_distance, 0, kInf, false, true},
    {"bank_size", &O::bank_size, nullptr, 2, kBig, false, false},
    {"ridge", nullptr, &O::ridge, 0, kInf, false, false},
    {"eigen_floor", nullptr, &O::eigen_floor, 0, kInf, false, true},
    {"max_condition", nullptr, &O::max_condition, 1, kInf, false, false},
    {"min_ess_fraction", nullptr, &O::min_ess_fraction, 0, 1, false,
     false},
};

// Is value allowed for s?
bool allowed(const Spec& s, double value) {
  if (s.zero_default && value == 0.0) return true;
  if (!std::isfinite(value)) return false;
  if (s.whole && value != std::floor(value)) return false;
  const bool low_ok = s.above ? value > s.lowest : value >= s.lowest;
  return low_ok && value <= s.highest;
}

// "a whole number from 2 to 4e+09 (or 0 for the default)" and the like.
std::string range_text(const Spec& s) {
  std::string text = s.whole ? "a whole number" : "a number";
  text += cat(s.above ? " above " : " from ", s.lowest);
  if (s.highest != kInf) text += cat(" to ", s.highest);
  if (s.zero_default) text += " (or 0 for the default)";
  return text;
}

const Spec& find_spec(const char* function, const std::string& name) {
  for (const Spec& s : kSpecs)
    if (name == s.name) return s;
  fail(ErrorKind::unknown_name, function, "no parameter named '", name, "'");
}

// The text names of each option's values, in enum order.
const char* const kMethods[] = {"wgma-md", "wgma-pgd", "wgma-stable",
                                "wgma-refine", "lma", "lma-wgma", "em"};
const char* const kSchedules[] = {"inverse", "inverse-sqrt", "backtracking",
                                   "auto"};
const char* const kResamplings[] = {"stratified", "systematic"};
const char* const kOutputs[] = {"auto", "bank", "mixture", "importance"};
const char* const kPlacements[] = {"auto", "box", "modes"};

// The index of value among names, or a message listing the names.
template <std::size_t N>
int choose(const std::string& option, const std::string& value,
           const char* const (&names)[N]) {
  std::string list;
  for (std::size_t i = 0; i < N; ++i) {
    if (value == names[i]) return int(i);
    list += std::string(i ? ", '" : "'") + names[i] + "'";
  }
  fail(ErrorKind::argument, "gma::Options::set_option", option, " '", value,
       "' is not one of ", list);
}

}  // namespace

void Options::set(const std::string& name, double value) {
  // Find the parameter, then check the value against its range.
  const Spec& s = find_spec("gma::Options::set", name);
  if (!allowed(s, value))
    fail(ErrorKind::argument, "gma::Options::set", name, " (", value,
         ") must be ", range_text(s));

  // Store it in its member.
  if (s.whole) this->*s.whole = static_cast<arma::uword>(value);
  else this->*s.real = value;
}

double Options::get(const std::string& name) const {
  const Spec& s = find_spec("gma::Options::get", name);
  return s.whole ? double(this->*s.whole) : this->*s.real;
}

std::vector<std::string> Options::parameter_names() {
  std::vector<std::string> names;
  for (const Spec& s : kSpecs) names.push_back(s.name);
  return names;
}

void Options::set_option(const std::string& name, const std::string& value) {
  if (name == "method")
    method = Method(choose(name, value, kMethods));
  else if (name == "schedule")
    schedule = Schedule(choose(name, value, kSchedules));
  else if (name == "resampling")
    resampling = Resampling(choose(name, value, kResamplings));
  else if (name == "output")
    output = Output(choose(name, value, kOutputs));
  else if (name == "placement")
    placement = Placement(choose(name, value, kPlacements));
  else
    fail(ErrorKind::unknown_name, "gma::Options::set_option",
         "no option named '", name, "' (value '", value, "')");
}

std::string Options::get_option(const std::string& name) const {
  if (name == "method") return kMethods[int(method)];
  if (name == "schedule") return kSchedules[int(schedule)];
  if (name == "resampling") return kResamplings[int(resampling)];
  if (name == "output") return kOutputs[int(output)];
  if (name == "placement") return kPlacements[int(placement)];
  fail(ErrorKind::unknown_name, "gma::Options::get_option",
       "no option named '", name, "'");
}

Update Options::update() const {
  return method == Method::wgma_pgd ? Update::projected_gradient
                                    : Update::mirror_descent;
}

double Options::effective_step_size() const {
  if (step_size > 0.0) return step_size;
  if (method == Method::wgma_pgd) return 0.01;
  if (method == Method::wgma_stable) return 0.05;
  return 1.0;
}

}  // namespace gma
