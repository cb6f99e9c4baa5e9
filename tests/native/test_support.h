// Helpers shared by the doctest suites: fixture paths and file loading.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "core/file_io.h"

namespace filigrane::test {

inline std::string corpus_path(const std::string& name) { return std::string(FILIGRANE_TESTS_DIR) + "/corpus/" + name; }
inline std::string shared_path(const std::string& name) { return std::string(FILIGRANE_SHARED_DIR) + "/" + name; }

// Bytes of a file; fails the calling test when it cannot be read.
inline std::vector<uint8_t> load(const std::string& path) {
  auto r = read_file(path);
  if (!r.ok()) throw std::runtime_error("cannot read test fixture " + path + ": " + r.status().message());
  return std::move(r).value();
}

inline bool exists(const std::string& path) { return read_file(path, 0).status().code() != StatusCode::kNotFound; }

}  // namespace filigrane::test
