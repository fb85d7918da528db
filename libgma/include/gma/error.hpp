// error.hpp: the exceptions of libgma and the helpers that build them.
//
// Every message has the form "function(): what is wrong (values)", built in
// one place (gma::message) so that all layers read the same way.
#ifndef GMA_ERROR_HPP
#define GMA_ERROR_HPP

#include <sstream>
#include <stdexcept>
#include <string>

namespace gma {

// What kind of failure an Error reports; the C API maps it to a status.
enum class ErrorKind {
  argument,      // a caller's value is out of range or malformed
  unknown_name,  // no parameter, option or diagnostic of that name
  state,         // a call out of order (no target, no result yet)
  callback,      // the target callback reported a failure
  target,        // the target gave no usable value on the bank
  numeric        // numerical trouble the run cannot recover from
};

// A libgma failure: a kind and a message naming the function and values.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& what)
      : std::runtime_error(what), kind_(kind) {}

  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Thrown when a progress hook asks the run to stop; not a failure.
class Stopped : public std::exception {
 public:
  const char* what() const noexcept override { return "stopped on request"; }
};

// Concatenate the arguments with operator<< into one string.
template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::ostringstream out;
  out.precision(10);
  (out << ... << parts);
  return out.str();
}

// Throw an Error of the given kind: "function(): detail".
template <typename... Parts>
[[noreturn]] void fail(ErrorKind kind, const char* function,
                       const Parts&... detail) {
  throw Error(kind, cat(function, "(): ", detail...));
}

}  // namespace gma

#endif  // GMA_ERROR_HPP
