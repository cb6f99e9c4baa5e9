// Whole-file reading and writing (native, and WebAssembly under Node with NODERAWFS).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "status.h"

namespace filigrane {

// Reads the file at `path`. Fails with kNotFound when it cannot be opened and
// kTooLarge when it is bigger than max_bytes (checked before reading).
Result<std::vector<uint8_t>> read_file(const std::string& path, uint64_t max_bytes = 1ull << 30);

// Writes `bytes` to `path`, replacing it. Fails with kInternal on I/O errors.
Status write_file(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace filigrane
