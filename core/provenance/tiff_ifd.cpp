// TIFF: the file is itself an EXIF-style structure. IFD0 carries XMP (tag
// 700), IPTC-IIM (33723), Photoshop resources (34377) and a C2PA manifest
// store (52545); camera fields are read by the EXIF reader from the whole file.
#include "core/provenance/containers.h"

namespace filigrane::provenance {
namespace {

constexpr uint16_t kTagXmp = 700;
constexpr uint16_t kTagIptc = 33723;
constexpr uint16_t kTagPhotoshop = 34377;
constexpr uint16_t kTagC2pa = 52545;

size_t ifd_type_size(uint16_t type) {
  switch (type) {
    case 1: case 2: case 6: case 7: return 1;  // BYTE, ASCII, SBYTE, UNDEFINED
    case 3: case 8: return 2;
    case 4: case 9: case 11: case 13: return 4;
    case 5: case 10: case 12: return 8;
    default: return 0;
  }
}

}  // namespace

void walk_tiff(ByteView file, const ProvenanceOptions& options, MetadataBlocks& out) {
  const bool big = file.equals_at(0, "MM");
  uint16_t magic = 0;
  file.u16_at(2, big, magic);
  if (magic == 43) {
    out.warnings.emplace_back("tiff: metadata of BigTIFF files is not read");
    return;
  }
  out.exif.emplace_back(file.data, file.data + file.size);  // IFD0 + Exif IFD, read by read_exif
  uint32_t ifd = 0;
  uint16_t count = 0;
  if (!file.u32_at(4, big, ifd) || !file.u16_at(ifd, big, count) || !file.contains(size_t{ifd} + 2, size_t{count} * 12)) {
    out.warnings.emplace_back("tiff: first image directory lies past the end of the file");
    return;
  }
  for (uint16_t i = 0; i < count; ++i) {
    const size_t entry = size_t{ifd} + 2 + size_t{i} * 12;
    uint16_t tag = 0, type = 0;
    uint32_t n = 0, offset = 0;
    file.u16_at(entry, big, tag);
    file.u16_at(entry + 2, big, type);
    file.u32_at(entry + 4, big, n);
    if (tag != kTagXmp && tag != kTagIptc && tag != kTagPhotoshop && tag != kTagC2pa) continue;
    const uint64_t bytes = uint64_t{n} * ifd_type_size(type);
    if (bytes == 0) continue;
    size_t at = entry + 8;  // values of 4 bytes or fewer sit in the entry itself
    if (bytes > 4) {
      file.u32_at(entry + 8, big, offset);
      at = offset;
    }
    if (!file.contains(at, static_cast<size_t>(std::min<uint64_t>(bytes, SIZE_MAX)))) {
      out.warnings.emplace_back("tiff: a metadata tag points past the end of the file");
      continue;
    }
    ByteView value = file.sub(at, static_cast<size_t>(bytes));
    if (tag == kTagXmp) {
      add_xmp(value, options, out);
    } else if (tag == kTagIptc) {
      out.iptc_iim.emplace_back(value.data, value.data + value.size);
    } else if (tag == kTagPhotoshop) {
      collect_photoshop_iptc(value, out);
    } else if (value.size > options.max_jumbf_bytes) {
      out.warnings.emplace_back("jumbf: manifest store larger than the limit; skipped");
    } else {
      out.jumbf.emplace_back(value.data, value.data + value.size);
    }
  }
}

}  // namespace filigrane::provenance
