// WebP: RIFF chunks "EXIF", "XMP " and "C2PA".
#include "core/provenance/containers.h"

namespace filigrane::provenance {

void walk_webp(ByteView file, const ProvenanceOptions& options, MetadataBlocks& out) {
  uint32_t riff_size = 0;
  file.u32_at(4, false, riff_size);
  // The RIFF size counts from offset 8; bytes after it are ignored.
  size_t end = file.size;
  if (riff_size <= file.size - 8) {
    end = size_t{riff_size} + 8;
  } else {
    out.warnings.emplace_back("webp: RIFF size past end of file");
  }
  size_t pos = 12;
  int chunks = 0;
  while (pos + 8 <= end) {
    if (++chunks > 100000) {
      out.warnings.emplace_back("webp: too many chunks");
      return;
    }
    const std::string fourcc = file.sub(pos, 4).to_string();
    uint32_t size = 0;
    file.u32_at(pos + 4, false, size);
    if (size > end - pos - 8) {
      out.warnings.emplace_back("webp: chunk length past end of file");
      return;
    }
    ByteView data = file.sub(pos + 8, size);
    pos += size_t{8} + size + (size & 1);
    if (fourcc == "EXIF") {
      out.exif.emplace_back(data.data, data.data + data.size);
    } else if (fourcc == "XMP ") {
      add_xmp(data, options, out);
    } else if (fourcc == "C2PA") {
      if (data.size > options.max_jumbf_bytes) {
        out.warnings.emplace_back("jumbf: manifest store larger than the limit; skipped");
      } else {
        out.jumbf.emplace_back(data.data, data.data + data.size);
      }
    }
  }
}

}  // namespace filigrane::provenance
