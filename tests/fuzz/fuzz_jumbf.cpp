// libFuzzer harness for the JUMBF box tree and, on the same bytes, the C2PA
// manifest-store reader built on it (claims, assertions, COSE headers, DER
// certificate subject and timestamp). Any bytes: a tree or kCorruptData, a
// report with parse errors, never a crash; depth and box limits hold.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/provenance/c2pa.h"
#include "core/provenance/jumbf.h"

namespace {

size_t count_boxes(const std::vector<filigrane::provenance::JumbfBox>& boxes, int depth, int& max_depth) {
  if (depth > max_depth) max_depth = depth;
  size_t n = boxes.size();
  for (const auto& b : boxes) n += count_boxes(b.children, depth + 1, max_depth);
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace filigrane::provenance;
  const ByteView view(data, size);
  JumbfLimits limits;
  limits.max_depth = 8;
  limits.max_boxes = 2000;
  std::vector<std::string> warnings;
  auto tree = parse_jumbf(view, limits, warnings);
  if (tree.ok()) {
    int depth = 0;
    const size_t boxes = count_boxes(tree.value(), 0, depth);
    if (boxes > limits.max_boxes + 1 || depth > limits.max_depth + 1) __builtin_trap();
  } else if (tree.status().message().empty()) {
    __builtin_trap();
  }
  filigrane::ProvenanceOptions options;
  options.max_jumbf_depth = 8;
  options.max_jumbf_boxes = 2000;
  options.max_cbor_items = 20000;
  filigrane::C2paReport report;
  (void)looks_like_c2pa_store(view);
  (void)read_c2pa_store(view, options, report);
  return 0;
}
