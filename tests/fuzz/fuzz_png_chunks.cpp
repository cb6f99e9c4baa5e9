// libFuzzer harness for the PNG chunk walker alone (tEXt, zTXt, iTXt, eXIf,
// caBX, raw profiles, IHDR/IDAT for the stealth pre-check): any bytes after
// the signature give blocks and warnings, never a crash, and inflated text
// never beyond the total budget.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/provenance/containers.h"
#include "core/provenance/generator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace filigrane::provenance;
  static const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  std::vector<uint8_t> file;
  if (size < 8 || std::memcmp(data, kSignature, 8) != 0) file.assign(kSignature, kSignature + 8);
  file.insert(file.end(), data, data + size);
  filigrane::ProvenanceOptions options;
  options.max_xmp_bytes = 1 << 16;
  options.max_inflate_bytes = 1 << 18;
  options.max_total_inflate_bytes = 1 << 20;
  options.max_text_chunks = 64;
  MetadataBlocks blocks;
  walk_png(ByteView(file.data(), file.size()), options, blocks);
  if (blocks.inflated_bytes > options.max_total_inflate_bytes) __builtin_trap();
  if (blocks.texts.size() > options.max_text_chunks) __builtin_trap();
  if (blocks.png_may_hide_stealth_text) {
    (void)png_starts_with_stealth_signature(blocks.png_idat_prefix, blocks.png_width, blocks.png_height,
                                            blocks.png_channels);
  }
  return 0;
}
