// log.hpp: the sampler's logger, silent unless a sink is installed.
#ifndef GMA_LOG_HPP
#define GMA_LOG_HPP

#include <functional>
#include <string>

namespace gma {

enum class LogLevel { error = 0, warning = 1, info = 2, debug = 3 };

// Sends "[gma:component] message" to a sink for levels up to a maximum.
class Logger {
 public:
  using Sink = std::function<void(LogLevel, const std::string&)>;

  // Install a sink receiving levels up to max_level; an empty sink silences.
  void set_sink(Sink sink, LogLevel max_level) {
    sink_ = std::move(sink);
    max_level_ = max_level;
  }

  bool enabled(LogLevel level) const {
    return sink_ && static_cast<int>(level) <= static_cast<int>(max_level_);
  }

  void log(LogLevel level, const std::string& component,
           const std::string& message) const {
    if (enabled(level)) sink_(level, "[gma:" + component + "] " + message);
  }

 private:
  Sink sink_;
  LogLevel max_level_ = LogLevel::warning;
};

}  // namespace gma

#endif  // GMA_LOG_HPP
