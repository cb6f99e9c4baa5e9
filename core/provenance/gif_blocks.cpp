// GIF: XMP in the "XMP DataXMP" application extension, and comment extensions.
#include <string>

#include "core/provenance/containers.h"

namespace filigrane::provenance {
namespace {

// Skips the data sub-blocks starting at `pos`; returns the position after the
// zero-length terminator, or 0 when a length runs past the end.
size_t skip_sub_blocks(ByteView file, size_t pos, std::string* collect, size_t max_collect) {
  for (;;) {
    uint8_t length = 0;
    if (!file.u8_at(pos, length)) return 0;
    ++pos;
    if (length == 0) return pos;
    if (!file.contains(pos, length)) return 0;
    if (collect && collect->size() < max_collect) {
      collect->append(reinterpret_cast<const char*>(file.data + pos), length);
    }
    pos += length;
  }
}

// XMP in GIF is written raw after the identifier (its bytes double as
// sub-block lengths), followed by a 258-byte "magic trailer": the packet is
// the text between the xpacket markers (or the x:xmpmeta element).
std::string xmp_from_raw(ByteView raw) {
  const std::string text = raw.to_string();
  size_t begin = text.find("<?xpacket begin");
  size_t end = text.find("<?xpacket end");
  if (begin != std::string::npos && end != std::string::npos && end > begin) {
    const size_t close = text.find("?>", end);
    return text.substr(begin, close == std::string::npos ? std::string::npos : close + 2 - begin);
  }
  begin = text.find("<x:xmpmeta");
  end = text.find("</x:xmpmeta>");
  if (begin != std::string::npos && end != std::string::npos && end > begin) return text.substr(begin, end + 12 - begin);
  return std::string();
}

}  // namespace

void walk_gif(ByteView file, const ProvenanceOptions& options, MetadataBlocks& out) {
  uint8_t flags = 0;
  if (!file.u8_at(10, flags)) {
    out.warnings.emplace_back("gif: header is truncated");
    return;
  }
  size_t pos = 13;
  if (flags & 0x80) pos += size_t{3} << ((flags & 7) + 1);  // global colour table
  for (int blocks = 0; blocks < 1000000; ++blocks) {
    uint8_t introducer = 0;
    if (!file.u8_at(pos, introducer)) {
      out.warnings.emplace_back("gif: file ends before its trailer");
      return;
    }
    if (introducer == 0x3B) return;  // trailer
    if (introducer == 0x2C) {        // image descriptor, local colour table, LZW data
      uint8_t image_flags = 0;
      if (!file.u8_at(pos + 9, image_flags)) break;
      pos += 10;
      if (image_flags & 0x80) pos += size_t{3} << ((image_flags & 7) + 1);
      pos = skip_sub_blocks(file, pos + 1, nullptr, 0);  // +1: LZW minimum code size
      if (pos == 0) break;
      continue;
    }
    if (introducer != 0x21) {
      out.warnings.emplace_back("gif: unknown block; metadata after it not read");
      return;
    }
    uint8_t label = 0;
    if (!file.u8_at(pos + 1, label)) break;
    const size_t data_start = pos + 2;
    if (label == 0xFF && file.equals_at(data_start, "\x0bXMP DataXMP")) {
      const size_t raw_start = data_start + 12;
      const size_t end = skip_sub_blocks(file, raw_start, nullptr, 0);
      if (end == 0) break;
      const std::string packet = xmp_from_raw(file.sub(raw_start, end - raw_start));
      if (packet.empty()) {
        out.warnings.emplace_back("gif: XMP application extension holds no XMP packet");
      } else {
        add_xmp(ByteView(reinterpret_cast<const uint8_t*>(packet.data()), packet.size()), options, out);
      }
      pos = end;
      continue;
    }
    if (label == 0xFE) {
      std::string comment;
      pos = skip_sub_blocks(file, data_start, &comment, options.max_text_bytes);
      if (pos == 0) break;
      if (out.texts.size() < options.max_text_chunks) out.texts.push_back({"comment", std::move(comment), "gif:comment"});
      continue;
    }
    pos = skip_sub_blocks(file, data_start, nullptr, 0);
    if (pos == 0) break;
  }
  out.warnings.emplace_back("gif: a block runs past the end of the file; metadata after it not read");
}

}  // namespace filigrane::provenance
