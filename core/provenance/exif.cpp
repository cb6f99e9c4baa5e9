#include "core/provenance/utf8.h"
#include "core/provenance/exif.h"

#include <algorithm>
#include <set>

namespace filigrane::provenance {
namespace {

constexpr uint16_t kTagMake = 0x010f, kTagModel = 0x0110, kTagOrientation = 0x0112,
                   kTagSoftware = 0x0131, kTagDateTime = 0x0132, kTagExifIfd = 0x8769,
                   kTagGpsIfd = 0x8825, kTagDateTimeOriginal = 0x9003, kTagUserComment = 0x9286,
                   kTagBodySerial = 0xa431, kTagLensModel = 0xa434, kTagGpsLatitude = 0x0002,
                   kTagGpsLongitude = 0x0004;
constexpr size_t kMaxEntriesPerIfd = 4096;

enum class IfdKind { kMain, kExif, kGps };

size_t exif_type_size(uint16_t type) {
  switch (type) {
    case 1: case 2: case 6: case 7: return 1;   // BYTE ASCII SBYTE UNDEFINED
    case 3: case 8: return 2;                   // SHORT SSHORT
    case 4: case 9: case 11: case 13: return 4; // LONG SLONG FLOAT IFD
    case 5: case 10: case 12: return 8;         // RATIONAL SRATIONAL DOUBLE
    default: return 0;
  }
}

std::string trim_ascii(std::string s) {
  const size_t nul = s.find('\0');
  if (nul != std::string::npos) s.resize(nul);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}


// UserComment: 8-byte character code, then text. "UNICODE" is UTF-16 whose
// byte order writers disagree on, so guess it from where the zero bytes sit.
std::string decode_user_comment(ByteView v, bool tiff_big_endian, size_t max_bytes) {
  if (v.size < 8) return "";
  ByteView body = v.tail(8);
  if (body.size > max_bytes) body = body.sub(0, max_bytes);
  if (v.starts_with(std::string_view("UNICODE\0", 8))) {
    size_t zero_even = 0, zero_odd = 0;
    for (size_t i = 0; i + 1 < body.size; i += 2) {
      zero_even += body.data[i] == 0;
      zero_odd += body.data[i + 1] == 0;
    }
    const bool big = zero_even != zero_odd ? zero_even > zero_odd : tiff_big_endian;
    std::string out;
    for (size_t i = 0; i + 1 < body.size; i += 2) {
      uint32_t unit = big ? (body.data[i] << 8) | body.data[i + 1] : (body.data[i + 1] << 8) | body.data[i];
      if (unit >= 0xd800 && unit < 0xdc00 && i + 3 < body.size) {
        const uint32_t low = big ? (body.data[i + 2] << 8) | body.data[i + 3]
                                 : (body.data[i + 3] << 8) | body.data[i + 2];
        if (low >= 0xdc00 && low < 0xe000) {
          unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
          i += 2;
        }
      }
      if (unit == 0) break;
      append_utf8(out, unit);
    }
    return out;
  }
  // ASCII, JIS or undefined: keep the bytes as text.
  return trim_ascii(body.to_string());
}

class ExifReader {
 public:
  ExifReader(ByteView tiff, bool big_endian, const ProvenanceOptions& options, ExifReport& out,
             std::vector<std::string>& warnings)
      : tiff_(tiff), big_(big_endian), options_(options), out_(out), warnings_(warnings) {}

  bool ifd(uint32_t offset, IfdKind kind) {
    if (!visited_.insert(offset).second) return fail("exif: IFD loop");
    if (static_cast<int>(visited_.size()) > options_.max_exif_ifds) return fail("exif: too many IFDs");
    uint16_t count;
    if (!tiff_.u16_at(offset, big_, count)) return fail("exif: IFD offset past end");
    if (count > kMaxEntriesPerIfd) return fail("exif: implausible IFD entry count");
    if (!tiff_.contains(offset + size_t{2}, size_t{count} * 12)) return fail("exif: IFD entries past end");
    bool ok = true;
    for (uint16_t i = 0; i < count; ++i) {
      const size_t entry = offset + 2 + size_t{i} * 12;
      uint16_t tag = 0, type = 0;
      uint32_t n = 0, value_offset = 0;
      tiff_.u16_at(entry, big_, tag);
      tiff_.u16_at(entry + 2, big_, type);
      tiff_.u32_at(entry + 4, big_, n);
      tiff_.u32_at(entry + 8, big_, value_offset);
      const size_t unit = exif_type_size(type);
      if (unit == 0) continue;
      const uint64_t total = uint64_t{unit} * n;
      ByteView value;
      if (total <= 4) {
        value = tiff_.sub(entry + 8, static_cast<size_t>(total));
      } else if (tiff_.contains(value_offset, total)) {
        value = tiff_.sub(value_offset, static_cast<size_t>(total));
      } else {
        ok = fail("exif: value offset past end") && ok;
        continue;
      }
      ok = entry_value(kind, tag, type, value) && ok;
    }
    return ok;
  }

 private:
  bool fail(const char* message) {
    warnings_.emplace_back(message);
    return false;
  }

  bool entry_value(IfdKind kind, uint16_t tag, uint16_t type, ByteView value) {
    if (kind == IfdKind::kGps) {
      if (tag == kTagGpsLatitude || tag == kTagGpsLongitude) out_.gps_present = true;
      return true;
    }
    auto text = [&](std::string& field) {
      if (field.empty() && (type == 2 || type == 7 || type == 1)) {
        field = trim_ascii(value.sub(0, std::min(value.size, options_.max_text_bytes)).to_string());
      }
    };
    auto sub_ifd = [&](IfdKind sub_kind) {
      if (type != 4 && type != 13) return true;
      if (value.size < 4) return true;
      uint32_t target;
      value.u32_at(0, big_, target);
      if (depth_ >= 2) return fail("exif: sub-IFDs nested too deep");
      ++depth_;
      const bool ok = ifd(target, sub_kind);
      --depth_;
      return ok;
    };
    if (kind == IfdKind::kMain) {
      switch (tag) {
        case kTagMake: text(out_.make); break;
        case kTagModel: text(out_.model); break;
        case kTagSoftware: text(out_.software); break;
        case kTagDateTime: text(out_.datetime); break;
        case kTagOrientation:
          if (type == 3 && value.size >= 2 && out_.orientation == 0) {
            uint16_t o;
            value.u16_at(0, big_, o);
            out_.orientation = o;
          }
          break;
        case kTagExifIfd: return sub_ifd(IfdKind::kExif);
        case kTagGpsIfd: return sub_ifd(IfdKind::kGps);
        default: break;
      }
    } else {
      switch (tag) {
        case kTagDateTimeOriginal: text(out_.datetime_original); break;
        case kTagBodySerial: text(out_.body_serial_number); break;
        case kTagLensModel: text(out_.lens_model); break;
        case kTagUserComment:
          if (out_.user_comment.empty()) {
            out_.user_comment = decode_user_comment(value, big_, options_.max_text_bytes);
          }
          break;
        default: break;
      }
    }
    return true;
  }

  ByteView tiff_;
  bool big_;
  const ProvenanceOptions& options_;
  ExifReport& out_;
  std::vector<std::string>& warnings_;
  std::set<uint32_t> visited_;
  int depth_ = 0;
};

}  // namespace

bool read_exif(ByteView tiff, const ProvenanceOptions& options, ExifReport& out,
               std::vector<std::string>& warnings) {
  if (tiff.starts_with(std::string_view("Exif\0\0", 6))) tiff = tiff.tail(6);
  bool big;
  if (tiff.starts_with("MM")) {
    big = true;
  } else if (tiff.starts_with("II")) {
    big = false;
  } else {
    warnings.emplace_back("exif: no TIFF header");
    return false;
  }
  uint16_t magic;
  uint32_t first;
  if (!tiff.u16_at(2, big, magic) || magic != 42 || !tiff.u32_at(4, big, first)) {
    warnings.emplace_back("exif: bad TIFF header");
    return false;
  }
  out.present = true;
  ExifReader reader(tiff, big, options, out, warnings);
  // IFD0 holds the camera fields; IFD1 (thumbnail) is not needed.
  return reader.ifd(first, IfdKind::kMain);
}

}  // namespace filigrane::provenance
