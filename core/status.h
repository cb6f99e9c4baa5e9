// Status and Result: how every core function reports failure.
// The core never throws across its public boundary; callers check `ok()`.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace filigrane {

// Stable numeric codes: the JS library and CLI expose them, so never renumber.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,   // caller passed something impossible (zero size, bad quality)
  kUnsupportedFormat = 2, // bytes are not an image format we read
  kCorruptData = 3,       // recognised format, but truncated or malformed
  kTooLarge = 4,          // refused by a resource limit before allocating
  kNotFound = 5,          // nothing to report (e.g. no watermark)
  kInternal = 6,          // a bug or an allocation failure
};

// Short machine name for a code ("invalid_argument", ...); never null.
const char* status_code_name(StatusCode code);

class Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status UnsupportedFormat(std::string m) { return {StatusCode::kUnsupportedFormat, std::move(m)}; }
inline Status CorruptData(std::string m) { return {StatusCode::kCorruptData, std::move(m)}; }
inline Status TooLarge(std::string m) { return {StatusCode::kTooLarge, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Either a value or a non-ok Status. Accessing value() of an error is a bug
// (checked by assert in debug builds).
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}                       // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}                // NOLINT: implicit by design
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace filigrane
