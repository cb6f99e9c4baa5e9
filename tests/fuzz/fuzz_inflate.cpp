// libFuzzer harness for the bounded DEFLATE decoder and its zlib and gzip
// wrappers (used for PNG zTXt/iTXt and compressed stealth text): any bytes
// give output within the limit or a clean error, never a crash.
#include <cstddef>
#include <cstdint>

#include "core/provenance/inflate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace filigrane::provenance;
  if (size < 1) return 0;
  // The first byte picks the wrapper and a small output limit, so both the
  // limit path and the end-of-stream path are reached.
  const size_t limit = size_t{1} << (8 + data[0] % 12);
  const uint8_t* body = data + 1;
  const size_t n = size - 1;
  size_t consumed = 0;
  auto raw = inflate_raw(body, n, limit, &consumed);
  if (raw.ok() && (raw.value().size() > limit || consumed > n)) __builtin_trap();
  if (!raw.ok() && raw.status().message().empty()) __builtin_trap();
  auto z = inflate_zlib(body, n, limit);
  if (z.ok() && z.value().size() > limit) __builtin_trap();
  auto zp = inflate_zlib_prefix(body, n, limit);
  if (zp.ok() && zp.value().size() > limit) __builtin_trap();
  auto gz = inflate_gzip(body, n, limit);
  if (gz.ok() && gz.value().size() > limit) __builtin_trap();
  return 0;
}
