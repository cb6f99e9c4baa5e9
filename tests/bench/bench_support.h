// Timing helpers for the benchmarks (not tests: they never fail a build).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#if !defined(__EMSCRIPTEN__) && defined(__GLIBC__)
#include <malloc.h>
#endif

namespace filigrane::bench {

// glibc serves every allocation over 128 KiB-32 MiB (its adaptive threshold)
// with a fresh mmap and returns it on free, so a native kernel that allocates
// an image paid for faulting in every page of it again on each run, on this
// VM at about 20 us a page: decoding a 1080p JPEG measured 69 ms natively
// against 24 ms in WebAssembly, whose heap keeps freed memory for reuse. The
// benchmarks keep freed memory in the heap natively too, so both targets
// measure the kernel, not the kernel plus the first touch of its memory.
#if !defined(__EMSCRIPTEN__) && defined(__GLIBC__)
inline const bool kHeapKeepsFreedMemory = [] {
  mallopt(M_MMAP_MAX, 0);                // never mmap: large blocks come from the heap
  mallopt(M_TRIM_THRESHOLD, 1 << 30);    // and stay there once freed
  return true;
}();
#endif

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
