// libFuzzer harness for the JPEG marker-segment walker alone (APP1 EXIF/XMP,
// extended XMP reassembly, APP11 JUMBF reassembly, APP13 IPTC): any bytes
// after the SOI signature give blocks and warnings, never a crash, and no
// block larger than its limit.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/provenance/containers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace filigrane::provenance;
  // The dispatcher only calls the walker after FF D8 FF; add it when missing
  // so every input reaches the segment loop.
  std::vector<uint8_t> file;
  if (size < 3 || data[0] != 0xff || data[1] != 0xd8 || data[2] != 0xff) file = {0xff, 0xd8, 0xff};
  file.insert(file.end(), data, data + size);
  filigrane::ProvenanceOptions options;
  options.max_xmp_bytes = 1 << 16;
  options.max_jumbf_bytes = 1 << 20;
  MetadataBlocks blocks;
  walk_jpeg(ByteView(file.data(), file.size()), options, blocks);
  for (const auto& x : blocks.xmp) {
    // Extended XMP may join a main packet and its extension; both are capped.
    if (x.size() > 2 * options.max_xmp_bytes + file.size()) __builtin_trap();
  }
  for (const auto& j : blocks.jumbf) {
    if (j.size() > options.max_jumbf_bytes) __builtin_trap();
  }
  for (const auto& w : blocks.warnings) {
    if (w.empty()) __builtin_trap();
  }
  return 0;
}
