#include "status.h"

namespace filigrane {

const char* status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kUnsupportedFormat: return "unsupported_format";
    case StatusCode::kCorruptData: return "corrupt_data";
    case StatusCode::kTooLarge: return "too_large";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kInternal: return "internal";
  }
  return "unknown";
}

}  // namespace filigrane
