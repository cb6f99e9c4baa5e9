// ISO-BMFF images (HEIF/HEIC/AVIF): Exif and XMP items found through the
// 'meta' box (iinf + iloc), and the C2PA/XMP 'uuid' boxes.
#include <cstring>
#include <map>

#include "core/provenance/containers.h"

namespace filigrane::provenance {
namespace {

constexpr uint8_t kC2paUuid[16] = {0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c,
                                   0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81};
constexpr uint8_t kXmpUuid[16] = {0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8,
                                  0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac};
constexpr size_t kMaxItems = 4096;
constexpr size_t kMaxExifItemBytes = size_t{16} << 20;

struct Box {
  std::string type;
  ByteView payload;  // after the header (and after the usertype for 'uuid')
  const uint8_t* usertype = nullptr;
};

// Splits `data` into boxes; false when a header or length is bad.
bool split_boxes(ByteView data, std::vector<Box>& out, MetadataBlocks& blocks, size_t max_boxes = 4096) {
  size_t pos = 0;
  while (pos < data.size) {
    uint32_t size32;
    if (!data.u32_at(pos, true, size32) || !data.contains(pos + 4, 4)) {
      blocks.warnings.emplace_back("isobmff: truncated box header");
      return false;
    }
    uint64_t size = size32;
    size_t header = 8;
    if (size32 == 1) {
      if (!data.u64_at(pos + 8, true, size)) {
        blocks.warnings.emplace_back("isobmff: truncated large box header");
        return false;
      }
      header = 16;
    } else if (size32 == 0) {
      size = data.size - pos;
    }
    if (size < header || size > data.size - pos) {
      blocks.warnings.emplace_back("isobmff: box length past end");
      return false;
    }
    Box box;
    box.type = data.sub(pos + 4, 4).to_string();
    ByteView body = data.sub(pos + header, static_cast<size_t>(size) - header);
    if (box.type == "uuid") {
      if (body.size < 16) {
        blocks.warnings.emplace_back("isobmff: truncated uuid box");
        return false;
      }
      box.usertype = body.data;
      body = body.tail(16);
    }
    box.payload = body;
    out.push_back(box);
    if (out.size() > max_boxes) {
      blocks.warnings.emplace_back("isobmff: too many boxes");
      return false;
    }
    pos += static_cast<size_t>(size);
  }
  return true;
}

struct ItemInfo {
  std::string type;
  std::string content_type;
};

struct Extent {
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct ItemLocation {
  int construction_method = 0;
  uint64_t base_offset = 0;
  std::vector<Extent> extents;
};

void read_iinf(ByteView iinf, std::map<uint32_t, ItemInfo>& items, MetadataBlocks& blocks) {
  uint8_t version;
  if (!iinf.u8_at(0, version)) return;
  size_t pos = 4 + (version == 0 ? 2 : 4);
  std::vector<Box> entries;
  split_boxes(iinf.tail(pos), entries, blocks, kMaxItems);
  for (const Box& e : entries) {
    if (e.type != "infe") continue;
    ByteView b = e.payload;
    uint8_t v;
    if (!b.u8_at(0, v) || v < 2) continue;
    uint32_t id = 0;
    size_t p = 4;
    if (v == 2) {
      uint16_t id16;
      if (!b.u16_at(p, true, id16)) continue;
      id = id16;
      p += 2;
    } else {
      if (!b.u32_at(p, true, id)) continue;
      p += 4;
    }
    p += 2;  // item_protection_index
    if (!b.contains(p, 4)) continue;
    ItemInfo info;
    info.type = b.sub(p, 4).to_string();
    p += 4;
    while (p < b.size && b.data[p] != 0) ++p;  // item_name
    ++p;
    if (info.type == "mime" && p < b.size) {
      size_t end = p;
      while (end < b.size && b.data[end] != 0) ++end;
      info.content_type = b.sub(p, end - p).to_string();
    }
    items[id] = info;
  }
}

void read_iloc(ByteView iloc, std::map<uint32_t, ItemLocation>& locations, MetadataBlocks& blocks) {
  uint8_t version, sizes1, sizes2;
  if (!iloc.u8_at(0, version) || !iloc.u8_at(4, sizes1) || !iloc.u8_at(5, sizes2) || version > 2) {
    blocks.warnings.emplace_back("isobmff: unreadable iloc");
    return;
  }
  const size_t offset_size = sizes1 >> 4, length_size = sizes1 & 15;
  const size_t base_offset_size = sizes2 >> 4, index_size = version >= 1 ? (sizes2 & 15) : 0;
  for (size_t s : {offset_size, length_size, base_offset_size, index_size}) {
    if (s != 0 && s != 4 && s != 8) {
      blocks.warnings.emplace_back("isobmff: bad iloc field size");
      return;
    }
  }
  size_t pos = 6;
  uint64_t count = 0;
  if (!iloc.uint_at(pos, version < 2 ? 2 : 4, true, count)) return;
  pos += version < 2 ? 2 : 4;
  if (count > kMaxItems) {
    blocks.warnings.emplace_back("isobmff: too many items");
    return;
  }
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t id, method = 0, extent_count;
    ItemLocation loc;
    const size_t id_size = version < 2 ? 2 : 4;
    if (!iloc.uint_at(pos, id_size, true, id)) goto truncated;
    pos += id_size;
    if (version >= 1) {
      if (!iloc.uint_at(pos, 2, true, method)) goto truncated;
      pos += 2;
    }
    pos += 2;  // data_reference_index
    if (!iloc.uint_at(pos, base_offset_size, true, loc.base_offset)) goto truncated;
    pos += base_offset_size;
    if (!iloc.uint_at(pos, 2, true, extent_count)) goto truncated;
    pos += 2;
    loc.construction_method = static_cast<int>(method & 15);
    for (uint64_t e = 0; e < extent_count; ++e) {
      Extent extent;
      pos += index_size;
      if (!iloc.uint_at(pos, offset_size, true, extent.offset)) goto truncated;
      pos += offset_size;
      if (!iloc.uint_at(pos, length_size, true, extent.length)) goto truncated;
      pos += length_size;
      if (loc.extents.size() < 64) loc.extents.push_back(extent);
    }
    locations[static_cast<uint32_t>(id)] = std::move(loc);
  }
  return;
truncated:
  blocks.warnings.emplace_back("isobmff: truncated iloc");
}

enum class ItemRead { kOk, kOutside, kTooLarge };

// Concatenates an item's extents, each checked against its source, refusing
// items larger than `limit` before copying anything.
ItemRead item_bytes(const ItemLocation& loc, ByteView file, ByteView idat, size_t limit,
                    std::vector<uint8_t>& out) {
  ByteView source = loc.construction_method == 0 ? file : loc.construction_method == 1 ? idat : ByteView();
  if (source.empty()) return ItemRead::kOutside;
  uint64_t total = 0;
  for (const Extent& e : loc.extents) {
    const uint64_t start = loc.base_offset + e.offset;
    if (start < loc.base_offset || start > source.size) return ItemRead::kOutside;
    const uint64_t length = e.length == 0 ? source.size - start : e.length;
    if (length > source.size - start) return ItemRead::kOutside;
    total += length;
    if (total > limit) return ItemRead::kTooLarge;
  }
  out.reserve(static_cast<size_t>(total));
  for (const Extent& e : loc.extents) {
    const uint64_t start = loc.base_offset + e.offset;
    const uint64_t length = e.length == 0 ? source.size - start : e.length;
    out.insert(out.end(), source.data + start, source.data + start + length);
  }
  return ItemRead::kOk;
}

}  // namespace

void walk_isobmff(ByteView file, const ProvenanceOptions& options, MetadataBlocks& out) {
  std::vector<Box> top;
  split_boxes(file, top, out);
  for (const Box& box : top) {
    if (box.type == "uuid" && box.usertype) {
      if (std::memcmp(box.usertype, kXmpUuid, 16) == 0) {
        add_xmp(box.payload, options, out);
      } else if (std::memcmp(box.usertype, kC2paUuid, 16) == 0) {
        // version/flags, purpose string, then for "manifest" a 64-bit offset and the JUMBF
        ByteView b = box.payload;
        size_t p = 4;
        while (p < b.size && b.data[p] != 0) ++p;
        const std::string purpose = b.sub(4, p > 4 ? p - 4 : 0).to_string();
        if (purpose == "manifest" && b.contains(p + 9, 0)) {
          ByteView jumbf = b.tail(p + 9);
          if (jumbf.size <= options.max_jumbf_bytes) out.jumbf.emplace_back(jumbf.data, jumbf.data + jumbf.size);
        }
      }
      continue;
    }
    if (box.type != "meta") continue;
    std::vector<Box> children;
    split_boxes(box.payload.tail(4), children, out);
    std::map<uint32_t, ItemInfo> items;
    std::map<uint32_t, ItemLocation> locations;
    ByteView idat;
    for (const Box& child : children) {
      if (child.type == "iinf") read_iinf(child.payload, items, out);
      else if (child.type == "iloc") read_iloc(child.payload, locations, out);
      else if (child.type == "idat") idat = child.payload;
    }
    for (const auto& [id, info] : items) {
      const bool is_exif = info.type == "Exif";
      const bool is_xmp = info.type == "mime" && info.content_type == "application/rdf+xml";
      if (!is_exif && !is_xmp) continue;
      auto loc = locations.find(id);
      if (loc == locations.end()) {
        out.warnings.emplace_back("isobmff: metadata item without location");
        continue;
      }
      std::vector<uint8_t> bytes;
      const size_t limit = is_exif ? kMaxExifItemBytes : options.max_xmp_bytes;
      const ItemRead read = item_bytes(loc->second, file, idat, limit, bytes);
      if (read == ItemRead::kTooLarge) {
        out.warnings.emplace_back(is_xmp ? "xmp: packet exceeds the limit; skipped"
                                         : "exif: item exceeds the limit; skipped");
        if (is_xmp) ++out.xmp_skipped;
        continue;
      }
      if (read == ItemRead::kOutside) {
        out.warnings.emplace_back("isobmff: metadata item outside the file");
        continue;
      }
      ByteView view(bytes.data(), bytes.size());
      if (is_xmp) {
        add_xmp(view, options, out);
        continue;
      }
      // Exif item: 32-bit offset to the TIFF header, counted after itself.
      uint32_t tiff_offset;
      if (!view.u32_at(0, true, tiff_offset) || !view.contains(size_t{4} + tiff_offset, 8)) {
        out.warnings.emplace_back("isobmff: bad Exif item header");
        continue;
      }
      out.exif.emplace_back(bytes.begin() + 4 + tiff_offset, bytes.end());
    }
  }
}

}  // namespace filigrane::provenance
