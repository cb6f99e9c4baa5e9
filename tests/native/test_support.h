// Helpers shared by the doctest suites: fixture paths and file loading.
#pragma once

#include <dirent.h>

#include <algorithm>
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

// Names of the plain files in a corpus folder (no dot-files, no README.md),
// sorted; fails the calling test when the folder is missing.
inline std::vector<std::string> corpus_files(const std::string& folder) {
  const std::string dir = corpus_path(folder);
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) throw std::runtime_error("missing test corpus folder " + dir);
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.empty() || name[0] == '.' || e->d_type == DT_DIR || name == "README.md") continue;
    names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

inline bool exists(const std::string& path) { return read_file(path, 0).status().code() != StatusCode::kNotFound; }

}  // namespace filigrane::test
