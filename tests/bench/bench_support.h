// Timing helpers for the benchmarks (not tests: they never fail a build).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace filigrane::bench {

// Median wall time in milliseconds of `runs` calls of fn (after one warm-up).
template <typename Fn>
double median_ms(int runs, Fn&& fn) {
  fn();
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

inline const char* target_name() {
#ifdef __EMSCRIPTEN__
  return "wasm-node";
#else
  return "native";
#endif
}

// Writes `text` to `path` (or only prints when path is empty).
inline void emit(const std::string& path, const std::string& text) {
  std::fputs(text.c_str(), stdout);
  if (path.empty()) return;
  if (FILE* f = std::fopen(path.c_str(), "w")) {
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
}

}  // namespace filigrane::bench
