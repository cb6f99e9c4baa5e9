// libFuzzer harness for the provenance reader: any bytes must give a report or
// a clean error, and the JSON writer must accept whatever the reader produced.
// Build: clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I. \
//   -isystem /usr/include/stb core/*.cpp core/third_party/*.cpp core/provenance/*.cpp \
//   tests/fuzz/fuzz_provenance.cpp -o /tmp/fuzz_provenance
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/provenance/provenance.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  filigrane::ProvenanceOptions options;
  // Smaller limits keep each run fast; the code paths are the same.
  options.max_xmp_bytes = 1 << 20;
  options.max_inflate_bytes = 1 << 20;
  options.max_total_inflate_bytes = 4 << 20;
  options.stealth_max_pixels = 1 << 16;
  auto result = filigrane::read_provenance(data, size, options);
  if (result.ok()) {
    const std::string json = filigrane::provenance_to_json(result.value());
    if (json.empty() || json.front() != '{' || json.back() != '}') __builtin_trap();
  }
  return 0;
}
