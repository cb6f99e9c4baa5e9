#include "core/provenance/jumbf.h"

#include <cstring>

namespace filigrane::provenance {
namespace {

class JumbfParser {
 public:
  JumbfParser(const JumbfLimits& limits, std::vector<std::string>& warnings)
      : limits_(limits), warnings_(warnings) {}

  // Parses consecutive boxes of `data` into `out`; false when a problem stopped it.
  bool boxes(ByteView data, int depth, std::vector<JumbfBox>& out) {
    size_t pos = 0;
    while (pos < data.size) {
      if (depth > limits_.max_depth) return fail("jumbf: nesting deeper than limit");
      if (++count_ > limits_.max_boxes) return fail("jumbf: more boxes than limit");
      uint32_t lbox;
      if (!data.u32_at(pos, true, lbox) || !data.contains(pos + 4, 4)) {
        return fail("jumbf: truncated box header");
      }
      uint64_t box_size = lbox;
      size_t header = 8;
      if (lbox == 1) {
        if (!data.u64_at(pos + 8, true, box_size)) return fail("jumbf: truncated large box header");
        header = 16;
      } else if (lbox == 0) {
        box_size = data.size - pos;  // extends to the end
      }
      if (box_size < header || box_size > data.size - pos) return fail("jumbf: box length past end");
      JumbfBox box;
      std::memcpy(box.type, data.data + pos + 4, 4);
      ByteView content = data.sub(pos + header, static_cast<size_t>(box_size) - header);
      if (std::memcmp(box.type, "jumb", 4) == 0) {
        box.is_superbox = true;
        if (!superbox(content, depth, box)) {
          out.push_back(std::move(box));
          return false;
        }
      } else {
        box.payload = content;
      }
      out.push_back(std::move(box));
      pos += static_cast<size_t>(box_size);
    }
    return true;
  }

 private:
  bool fail(const char* message) {
    warnings_.emplace_back(message);
    return false;
  }

  bool superbox(ByteView content, int depth, JumbfBox& box) {
    // Description box: LBox, "jumd", UUID(16), toggles(1), [label\0], [id u32], [signature 32]
    uint32_t lbox;
    if (!content.u32_at(0, true, lbox) || !content.equals_at(4, "jumd")) {
      return fail("jumbf: superbox without description box");
    }
    if (lbox < 25 || lbox > content.size) return fail("jumbf: bad description box length");
    ByteView desc = content.sub(8, lbox - 8);
    std::memcpy(box.uuid, desc.data, 16);
    const uint8_t toggles = desc.data[16];
    if (toggles & 0x02) {
      size_t end = 17;
      while (end < desc.size && desc.data[end] != 0) ++end;
      if (end >= desc.size) return fail("jumbf: unterminated label");
      box.label.assign(reinterpret_cast<const char*>(desc.data + 17), end - 17);
    }
    return boxes(content.tail(lbox), depth + 1, box.children);
  }

  JumbfLimits limits_;
  std::vector<std::string>& warnings_;
  size_t count_ = 0;
};

}  // namespace

Result<std::vector<JumbfBox>> parse_jumbf(ByteView data, const JumbfLimits& limits,
                                          std::vector<std::string>& warnings) {
  std::vector<JumbfBox> out;
  JumbfParser parser(limits, warnings);
  parser.boxes(data, 0, out);
  if (out.empty()) return CorruptData("jumbf: no readable box");
  return out;
}

}  // namespace filigrane::provenance
