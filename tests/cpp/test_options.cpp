// Tests of the named settings.
#include <gtest/gtest.h>

#include <string>

#include "gma/error.hpp"
#include "gma/options.hpp"

namespace {

// The message of the Error that f throws, or "" if none.
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const gma::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Options, EveryParameterReadsBackWhatWasSet) {
  gma::Options o;
  for (const std::string& name : gma::Options::parameter_names()) {
    // 1 fits the ranges [0, 1]; 12 fits every other range.
    bool stored = false;
    for (double v : {1.0, 12.0}) {
      try {
        o.set(name, v);
      } catch (const gma::Error&) {
        continue;
      }
      EXPECT_EQ(o.get(name), v) << name;
      stored = true;
      break;
    }
    EXPECT_TRUE(stored) << name;
  }
}

TEST(Options, OutOfRangeValuesAreRejectedWithNameAndValue) {
  gma::Options o;
  const std::string m = error_of([&] { o.set("components", -3); });
  EXPECT_NE(m.find("components"), std::string::npos) << m;
  EXPECT_NE(m.find("-3"), std::string::npos) << m;
  EXPECT_NE(error_of([&] { o.set("iterations", -1); }), "");
  EXPECT_NE(error_of([&] { o.set("kappa", 0); }), "");
  EXPECT_NE(error_of([&] { o.set("temper_min", 1.5); }), "");
  EXPECT_NE(error_of([&] { o.set("max_condition", 0.5); }), "");
  EXPECT_NE(error_of([&] { o.set("iterations", 2.5); }), "");
  EXPECT_NE(error_of([&] { o.set("points_per_component", 1); }), "");
  EXPECT_NE(error_of([&] { o.set("step_size", -0.1); }), "");
  EXPECT_NE(error_of([&] { o.set("cov_scale", arma::datum::inf); }), "");
  EXPECT_NE(error_of([&] { o.set("threads", 0); }), "");
  EXPECT_NE(error_of([&] { o.set("batch_size", arma::datum::nan); }), "");
}

TEST(Options, UnknownNamesAreRejected) {
  gma::Options o;
  try {
    o.set("componentz", 3);
    FAIL() << "no error";
  } catch (const gma::Error& e) {
    EXPECT_EQ(e.kind(), gma::ErrorKind::unknown_name);
    EXPECT_NE(std::string(e.what()).find("componentz"), std::string::npos);
  }
  EXPECT_THROW(o.get("nope"), gma::Error);
  EXPECT_THROW(o.set_option("nope", "x"), gma::Error);
  EXPECT_THROW(o.get_option("nope"), gma::Error);
}

TEST(Options, TextOptionsAcceptTheirValuesAndRejectOthers) {
  gma::Options o;
  o.set_option("method", "wgma-pgd");
  EXPECT_EQ(o.get_option("method"), "wgma-pgd");
  o.set_option("schedule", "inverse-sqrt");
  EXPECT_EQ(o.get_option("schedule"), "inverse-sqrt");
  o.set_option("resampling", "systematic");
  EXPECT_EQ(o.get_option("resampling"), "systematic");
  const std::string m = error_of([&] { o.set_option("method", "nuts"); });
  EXPECT_NE(m.find("nuts"), std::string::npos) << m;
  EXPECT_NE(m.find("wgma-md"), std::string::npos) << m;
  EXPECT_NE(m.find("em"), std::string::npos) << m;
  o.set_option("output", "importance");
  EXPECT_EQ(o.get_option("output"), "importance");
  EXPECT_NE(error_of([&] { o.set_option("output", "x"); }), "");
  EXPECT_NE(error_of([&] { o.set_option("schedule", "linear"); }), "");
  EXPECT_NE(error_of([&] { o.set_option("resampling", "x"); }), "");
  o.set_option("placement", "modes");
  EXPECT_EQ(o.get_option("placement"), "modes");
  const std::string p = error_of([&] { o.set_option("placement", "grid"); });
  EXPECT_NE(p.find("placement 'grid'"), std::string::npos) << p;
  EXPECT_NE(p.find("'box'"), std::string::npos) << p;
  EXPECT_NE(error_of([&] { o.set("cover_fraction", 1.5); }), "");
  EXPECT_NE(error_of([&] { o.set("spread", -1); }), "");
}

TEST(Options, StepSizeDefaultDependsOnTheMethod) {
  gma::Options o;
  EXPECT_DOUBLE_EQ(o.effective_step_size(), 1.0);
  o.set_option("method", "wgma-pgd");
  EXPECT_DOUBLE_EQ(o.effective_step_size(), 0.01);
  o.set_option("method", "wgma-stable");
  EXPECT_DOUBLE_EQ(o.effective_step_size(), 0.05);
  o.set("step_size", 0.25);
  EXPECT_DOUBLE_EQ(o.effective_step_size(), 0.25);
}
