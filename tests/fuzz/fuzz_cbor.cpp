// libFuzzer harness for the bounded CBOR decoder alone: any bytes give a
// value tree, kCorruptData or kTooLarge, never a crash; `consumed` stays
// inside the input and the accessors work on whatever was decoded.
#include <cstddef>
#include <cstdint>

#include "core/provenance/cbor.h"

namespace {

using filigrane::provenance::CborValue;

// Walks the tree through the public accessors; returns the item count.
size_t walk(const CborValue& v, int depth) {
  if (depth > 64) __builtin_trap();  // the decoder's depth limit must hold
  (void)v.untagged();
  (void)v.find("label");
  (void)v.find_int(1);
  (void)v.text_or_empty();
  size_t n = 1;
  for (const auto& item : v.items) n += walk(item, depth + 1);
  for (const auto& entry : v.entries) n += walk(entry, depth + 1);
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace filigrane::provenance;
  CborLimits limits;
  limits.max_depth = 32;
  limits.max_items = 20000;
  size_t offset = 0;
  // A sequence of items, as C2PA boxes may hold trailing data.
  for (int i = 0; i < 4 && offset < size; ++i) {
    size_t consumed = 0;
    auto r = decode_cbor(data + offset, size - offset, limits, &consumed);
    if (!r.ok()) {
      if (r.status().message().empty()) __builtin_trap();
      break;
    }
    if (consumed == 0 || consumed > size - offset) __builtin_trap();
    if (walk(r.value(), 0) > 2 * limits.max_items + 2) __builtin_trap();
    offset += consumed;
  }
  return 0;
}
