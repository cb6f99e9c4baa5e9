#include "codec.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include <stb_image.h>
#include <stb_image_write.h>

#include "byte_reader.h"
#include "codec_formats.h"
#include "jpeg_markers.h"
#include "jpeg_scaled.h"
#include "png_writer.h"

namespace filigrane {
namespace {

constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

// Reads the Orientation tag (0x0112) from a TIFF-structured EXIF block.
// Returns 1 when absent, malformed or out of range.
int exif_orientation_from_tiff(const uint8_t* tiff, size_t size) {
  ByteReader r(tiff, size);
  uint16_t byte_order = 0;
  if (!r.u16be(byte_order)) return 1;
  const bool big = byte_order == 0x4D4D;  // "MM"
  if (!big && byte_order != 0x4949) return 1;  // "II"
  auto u16 = [&](uint16_t& v) { return big ? r.u16be(v) : r.u16le(v); };
  auto u32 = [&](uint32_t& v) { return big ? r.u32be(v) : r.u32le(v); };
  uint16_t magic = 0;
  uint32_t ifd0 = 0;
  if (!u16(magic) || magic != 42 || !u32(ifd0) || !r.seek(ifd0)) return 1;
  uint16_t count = 0;
  if (!u16(count)) return 1;
  for (uint16_t i = 0; i < count; ++i) {
    uint16_t tag = 0, type = 0, value = 0;
    uint32_t n = 0;
    if (!u16(tag) || !u16(type) || !u32(n)) return 1;
    if (tag == 0x0112 && type == 3 && n == 1) {
      if (!u16(value)) return 1;
      return (value >= 1 && value <= 8) ? value : 1;
    }
    if (!r.skip(4)) return 1;
  }
  return 1;
}

// Words for a JPEG coding process stb_image does not decode; null when it does.
const char* jpeg_process_problem(uint8_t sof_marker, const uint8_t* payload, size_t size) {
  if (sof_marker >= 0xC9 && sof_marker != 0xCC) {
    return "This JPEG uses arithmetic coding, a rarely used JPEG option that Filigrane's decoder does not read; "
           "save it again as an ordinary JPEG or PNG (for example with djpeg or ImageMagick) and open that";
  }
  if (sof_marker == 0xC3 || sof_marker == 0xC7) {
    return "This JPEG uses lossless JPEG coding, which Filigrane's decoder does not read; convert it to PNG first";
  }
  if (sof_marker >= 0xC5) {
    return "This JPEG uses hierarchical coding, which Filigrane's decoder does not read; convert it to PNG first";
  }
  if (size >= 1 && payload[0] != 8) {
    return "This JPEG stores 12 or 16 bits per sample (used by medical and some camera tools), which Filigrane's "
           "decoder does not read; convert it to an 8-bit JPEG or a PNG first";
  }
  return nullptr;
}

// Walks JPEG marker segments up to the first scan, noting EXIF, ICC and XMP.
// Stray bytes between segments are stepped over (libjpeg only warns about
// them, and cameras write them). Returns false when the segment structure is
// broken before the scan; `process_problem` is set for a coding process the
// decoder does not read (arithmetic, lossless, hierarchical, 12-bit).
bool scan_jpeg_segments(const uint8_t* data, size_t size, ImageHeader& h, const char*& process_problem) {
  JpegMarkerWalker walker(data, size, /*skip_stray_bytes=*/true);
  JpegSegment seg;
  for (;;) {
    const JpegStep step = walker.next(seg);
    if (step == JpegStep::kStartOfScan || step == JpegStep::kEndOfImage) return true;
    if (step == JpegStep::kStandalone) continue;
    if (step != JpegStep::kSegment) return false;
    const bool start_of_frame = seg.marker >= 0xC0 && seg.marker <= 0xCF && seg.marker != 0xC4 &&
                                seg.marker != 0xC8 && seg.marker != 0xCC;
    if (start_of_frame && !process_problem) process_problem = jpeg_process_problem(seg.marker, seg.payload, seg.size);
    static const char kExif[] = "Exif\0\0";
    static const char kIcc[] = "ICC_PROFILE";
    static const char kXmp[] = "http://ns.adobe.com/xap/1.0/";
    if (seg.marker == 0xE1 && seg.size >= 6 && std::memcmp(seg.payload, kExif, 6) == 0) {
      h.has_exif = true;
      h.orientation = exif_orientation_from_tiff(seg.payload + 6, seg.size - 6);
    } else if (seg.marker == 0xE1 && seg.size >= sizeof(kXmp) &&
               std::memcmp(seg.payload, kXmp, sizeof(kXmp)) == 0) {
      h.has_xmp = true;
    } else if (seg.marker == 0xE2 && seg.size >= sizeof(kIcc) &&
               std::memcmp(seg.payload, kIcc, sizeof(kIcc)) == 0) {
      h.has_icc_profile = true;
    }
  }
}

// True when an end-of-image marker follows the first start-of-scan: stb
// silently pads truncated scans with zeros, so truncation is caught here.
bool jpeg_has_end_marker(const uint8_t* data, size_t size) {
  for (size_t i = size; i >= 2; --i) {
    if (data[i - 2] == 0xFF && data[i - 1] == 0xD9) return true;
    if (size - i > 1 << 20) break;  // only trailing junk up to 1 MiB is tolerated
  }
  return false;
}

// Checks the Huffman tables of a JPEG against two holes in Debian's
// stb_image (2022-09 snapshot); returns null when sound, else the reason.
// - Every DHT table must declare at most 256 codes that fit in its segment:
//   stb writes past its Huffman size table otherwise.
// - Every table a scan uses must have been defined before it: stb decodes
//   with the uninitialised memory of an undefined table (reads at garbage
//   indices; found by fuzzing decode_image).
// Progressive files define tables between scans, so the whole file is
// walked, entropy-coded bytes skipped; other damage is left to the other
// checks.
const char* jpeg_huffman_problem(const uint8_t* data, size_t size) {
  bool defined[2][4] = {};  // [0] DC, [1] AC
  bool progressive = false;
  size_t pos = 2;  // after SOI
  while (pos + 1 < size) {
    if (data[pos] != 0xFF) { ++pos; continue; }  // entropy-coded byte
    const uint8_t marker = data[pos + 1];
    if (marker == 0xFF) { ++pos; continue; }     // fill byte
    if (marker == 0x00 || marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) {
      pos += 2;
      continue;
    }
    if (marker == 0xD9 || size - pos < 4) return nullptr;
    const size_t length = (size_t{data[pos + 2]} << 8) | data[pos + 3];
    const bool past_end = length < 2 || length - 2 > size - pos - 4;
    if (marker == 0xC4 && past_end) return "JPEG Huffman table is malformed";  // stb would read zeros past the end as code counts
    if (past_end) return nullptr;
    const uint8_t* payload = data + pos + 4;
    const size_t n = length - 2;
    if (marker == 0xC2) progressive = true;
    if (marker == 0xC4) {
      for (size_t t = 0; t < n;) {
        if (n - t < 17) return "JPEG Huffman table is malformed";
        size_t codes = 0;
        for (size_t i = 1; i <= 16; ++i) codes += payload[t + i];
        if (codes > 256 || codes > n - t - 17) return "JPEG Huffman table is malformed";
        const int table_class = payload[t] >> 4, id = payload[t] & 15;
        if (table_class <= 1 && id <= 3) defined[table_class][id] = true;  // stb refuses other ids itself
        t += 17 + codes;
      }
    }
    if (marker == 0xDA && n >= 1 && n >= 1 + 2 * size_t{payload[0]} + 3) {
      const size_t components = payload[0];
      const uint8_t spectral_start = payload[1 + 2 * components], approx_high = payload[3 + 2 * components] >> 4;
      // The tables stb's decoder reads in this scan: baseline, both; progressive
      // DC scans, the DC table on the first pass only; AC scans, the AC table.
      const bool uses_dc = !progressive || (spectral_start == 0 && approx_high == 0);
      const bool uses_ac = !progressive || spectral_start != 0;
      for (size_t c = 0; c < components; ++c) {
        const uint8_t tables = payload[2 + 2 * c];
        const int dc = tables >> 4, ac = tables & 15;
        if (uses_dc && dc <= 3 && !defined[0][dc]) return "JPEG scan uses an undefined Huffman table";
        if (uses_ac && ac <= 3 && !defined[1][ac]) return "JPEG scan uses an undefined Huffman table";
      }
    }
    pos += 2 + length;
  }
  return nullptr;
}

// Walks PNG chunks, noting eXIf, iCCP and XMP. Returns false when a chunk
// length runs past the end of the file before IEND.
bool scan_png_chunks(const uint8_t* data, size_t size, ImageHeader& h) {
  ByteReader r(data, size);
  if (!r.skip(sizeof(kPngSignature))) return false;
  while (r.remaining() > 0) {
    uint32_t length = 0;
    if (!r.u32be(length) || r.remaining() < 4) return false;
    char type[4];
    std::memcpy(type, r.current(), 4);
    r.skip(4);
    if (length > r.remaining() || r.remaining() - length < 4) return false;  // data + CRC
    const uint8_t* payload = r.current();
    if (std::memcmp(type, "IHDR", 4) == 0 && length >= 8) {
      ByteReader ihdr(payload, length);
      ihdr.u32be(h.stored_width);
      ihdr.u32be(h.stored_height);
    } else if (std::memcmp(type, "eXIf", 4) == 0) {
      h.has_exif = true;
      h.orientation = exif_orientation_from_tiff(payload, length);
    } else if (std::memcmp(type, "iCCP", 4) == 0) {
      h.has_icc_profile = true;
    } else if (std::memcmp(type, "iTXt", 4) == 0) {
      static const char kXmpKey[] = "XML:com.adobe.xmp";
      if (length >= sizeof(kXmpKey) && std::memcmp(payload, kXmpKey, sizeof(kXmpKey)) == 0) {
        h.has_xmp = true;
      }
    } else if (std::memcmp(type, "IEND", 4) == 0) {
      return true;
    }
    r.skip(static_cast<size_t>(length) + 4);
  }
  return false;
}

// Checks that an uncompressed BMP holds all the pixel rows its header
// declares (stb would read zeros past the end instead of failing).
bool bmp_pixel_data_complete(const uint8_t* data, size_t size, uint32_t w, uint32_t h) {
  ByteReader r(data, size);
  uint32_t pixel_offset = 0, header_size = 0, compression = 0;
  uint16_t bpp = 0;
  if (!r.seek(10) || !r.u32le(pixel_offset) || !r.u32le(header_size)) return false;
  if (header_size < 40) return true;  // old OS/2 headers: leave to stb
  if (!r.seek(28) || !r.u16le(bpp) || !r.u32le(compression)) return false;
  if (compression != 0 && compression != 3) return true;  // RLE: stb bounds-checks itself
  const uint64_t row_bytes = ((static_cast<uint64_t>(bpp) * w + 31) / 32) * 4;
  return pixel_offset <= size && row_bytes * h <= size - pixel_offset;
}

std::string stb_reason() {
  const char* why = stbi_failure_reason();
  return why ? why : "unknown reason";
}

void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  const auto* p = static_cast<const uint8_t*>(data);
  out->insert(out->end(), p, p + size);
}

}  // namespace

const char* image_format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return "jpeg";
    case ImageFormat::kPng: return "png";
    case ImageFormat::kBmp: return "bmp";
    case ImageFormat::kGif: return "gif";
    case ImageFormat::kWebp: return "webp";
    case ImageFormat::kTiff: return "tiff";
    case ImageFormat::kAvif: return "avif";
    case ImageFormat::kHeic: return "heic";
    case ImageFormat::kUnknown: break;
  }
  return "unknown";
}

ImageFormat sniff_format(const uint8_t* data, size_t size) {
  if (data == nullptr) return ImageFormat::kUnknown;
  if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat::kJpeg;
  if (size >= 8 && std::memcmp(data, kPngSignature, 8) == 0) return ImageFormat::kPng;
  if (size >= 6 && (std::memcmp(data, "GIF87a", 6) == 0 || std::memcmp(data, "GIF89a", 6) == 0)) {
    return ImageFormat::kGif;
  }
  if (size >= 2 && data[0] == 'B' && data[1] == 'M') return ImageFormat::kBmp;
  if (size >= 12 && std::memcmp(data, "RIFF", 4) == 0 && std::memcmp(data + 8, "WEBP", 4) == 0) {
    return ImageFormat::kWebp;
  }
  if (size >= 8 && (std::memcmp(data, "II*\0", 4) == 0 || std::memcmp(data, "MM\0*", 4) == 0 ||
                    std::memcmp(data, "II+\0", 4) == 0 || std::memcmp(data, "MM\0+", 4) == 0)) {
    return ImageFormat::kTiff;  // classic TIFF and BigTIFF, either byte order
  }
  // ISO-BMFF still images: the brands of the leading ftyp box (major brand,
  // then the compatible ones; an AVIF may carry the generic "mif1" as major).
  if (size >= 12 && std::memcmp(data + 4, "ftyp", 4) == 0) {
    const uint32_t box = uint32_t{data[0]} << 24 | uint32_t{data[1]} << 16 | uint32_t{data[2]} << 8 | data[3];
    const size_t end = std::min<size_t>(size, box >= 16 && box <= 4096 ? box : 12);
    bool heif = false;
    for (size_t at = 8; at + 4 <= end; at += at == 8 ? 8 : 4) {  // skips the minor version after the major brand
      const uint8_t* brand = data + at;
      if (std::memcmp(brand, "avif", 4) == 0 || std::memcmp(brand, "avis", 4) == 0) return ImageFormat::kAvif;
      for (const char* heic : {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"}) {
        heif = heif || std::memcmp(brand, heic, 4) == 0;
      }
    }
    if (heif) return ImageFormat::kHeic;
  }
  return ImageFormat::kUnknown;
}

Result<ImageHeader> read_image_header(const uint8_t* data, size_t size, const ImageLimits& limits) {
  if (data == nullptr || size == 0) return InvalidArgument("the file is empty");
  if (size > static_cast<size_t>(INT_MAX)) return TooLarge("the file is larger than 2 GB");
  ImageHeader h;
  h.format = sniff_format(data, size);
  switch (h.format) {
    case ImageFormat::kUnknown:
      return UnsupportedFormat("This file is not an image Filigrane can read (JPEG, PNG, WebP, TIFF, BMP or GIF)");
    case ImageFormat::kAvif:
    case ImageFormat::kHeic:
      // The page decodes these with the browser's own decoder (web/lib/worker.mjs).
      return UnsupportedFormat(h.format == ImageFormat::kAvif
                                   ? "This AVIF image needs a browser that decodes AVIF: open it in Filigrane's page in "
                                     "Chrome, Firefox or Safari, or convert it to JPEG or PNG"
                                   : "This HEIC image needs a browser that decodes HEIC: open it in Filigrane's page in "
                                     "Safari, or convert it to JPEG or PNG");
    case ImageFormat::kWebp:
      return read_webp_header(data, size, limits);
    case ImageFormat::kTiff:
      return read_tiff_header(data, size, limits);
    case ImageFormat::kBmp:
      if (bmp_is_rle(data, size)) return read_bmp_rle_header(data, size, limits);
      break;
    case ImageFormat::kJpeg:
    {
      const char* process_problem = nullptr;
      if (!scan_jpeg_segments(data, size, h, process_problem)) return CorruptData("JPEG is truncated or its segments are malformed");
      if (process_problem) return UnsupportedFormat(process_problem);
    }
      if (const char* problem = jpeg_huffman_problem(data, size)) return CorruptData(problem);
      break;
    case ImageFormat::kPng:
      if (!scan_png_chunks(data, size, h)) return CorruptData("PNG is truncated or a chunk length runs past the end");
      break;
    default:
      break;
  }
  if (h.format == ImageFormat::kPng) {
    // stb refuses very large PNGs with a vague message: judge the IHDR size first.
    Status s = check_dimensions(h.stored_width, h.stored_height, limits);
    if (!s.ok()) return s;
  }
  int w = 0, hgt = 0, comp = 0;
  if (!stbi_info_from_memory(data, static_cast<int>(size), &w, &hgt, &comp)) {
    return CorruptData(std::string(image_format_name(h.format)) + " header is unreadable: " + stb_reason());
  }
  // stb's BMP info gives a top-down image's height as negative (its loader takes abs()).
  if (h.format == ImageFormat::kBmp && hgt < 0 && hgt > INT_MIN) hgt = -hgt;
  Status s = check_dimensions(static_cast<uint32_t>(w), static_cast<uint32_t>(hgt), limits);
  if (!s.ok()) return s;
  h.stored_width = static_cast<uint32_t>(w);
  h.stored_height = static_cast<uint32_t>(hgt);
  h.channels = comp;
  return h;
}

namespace {

// Full-size decode by stb_image, checked against the header.
Result<Image> decode_with_stb(const uint8_t* data, size_t size, const ImageHeader& h, const ImageLimits& limits) {
  int w = 0, hgt = 0, comp = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load_from_memory(data, static_cast<int>(size), &w, &hgt, &comp, Image::kChannels), stbi_image_free);
  if (!pixels) {
    return CorruptData(std::string(image_format_name(h.format)) + " pixel data is corrupt: " + stb_reason());
  }
  if (static_cast<uint32_t>(w) != h.stored_width || static_cast<uint32_t>(hgt) != h.stored_height) {
    return CorruptData("decoded size differs from the header");
  }
  return Image::from_rgba(h.stored_width, h.stored_height, pixels.get(),
                          static_cast<size_t>(w) * hgt * Image::kChannels, limits);
}

}  // namespace

Result<DecodedImage> decode_image(const uint8_t* data, size_t size, const DecodeOptions& options) {
  Result<ImageHeader> header = read_image_header(data, size, options.limits);
  if (!header.ok()) return header.status();
  const ImageHeader& h = header.value();
  if (h.format == ImageFormat::kJpeg && !jpeg_has_end_marker(data, size)) {
    return CorruptData("JPEG is truncated (no end-of-image marker)");
  }
  const bool rle_bmp = h.format == ImageFormat::kBmp && bmp_is_rle(data, size);
  if (h.format == ImageFormat::kBmp && !rle_bmp && !bmp_pixel_data_complete(data, size, h.stored_width, h.stored_height)) {
    return CorruptData("BMP is truncated: pixel data is shorter than its header declares");
  }
  DecodedImage out{h, Image(), 1};
  if (h.format == ImageFormat::kJpeg && options.min_side > 0) {
    const int denom = jpeg_scale_denom_for(h.stored_width, h.stored_height, options.min_side);
    if (denom > 1) {
      Result<Image> small = decode_jpeg_scaled(data, size, denom, options.limits);
      const StatusCode code = small.status().code();
      if (small.ok()) {
        out.image = std::move(small).value();
        out.scale_denom = denom;
      } else if (code != StatusCode::kUnsupportedFormat && code != StatusCode::kCorruptData) {
        return small.status();
      }
      // Otherwise stb_image decodes it at full size below and has the last
      // word, so asking for a smaller image never changes which files decode.
    }
  }
  if (out.image.empty()) {
    Result<Image> full = h.format == ImageFormat::kWebp   ? decode_webp(data, size, h, options.limits)
                         : h.format == ImageFormat::kTiff ? decode_tiff(data, size, h, options.limits)
                         : rle_bmp                        ? decode_bmp_rle(data, size, h, options.limits)
                                                          : decode_with_stb(data, size, h, options.limits);
    if (!full.ok()) return full.status();
    out.image = std::move(full).value();
  }
  if (options.apply_orientation && h.orientation != 1) {
    Result<Image> rotated = apply_exif_orientation(out.image, h.orientation);
    if (!rotated.ok()) return rotated.status();
    out.image = std::move(rotated).value();
  }
  return out;
}

Result<Image> apply_exif_orientation(const Image& src, int orientation) {
  if (orientation < 1 || orientation > 8) return InvalidArgument("EXIF orientation must be 1..8");
  if (src.empty()) return InvalidArgument("image is empty");
  const uint32_t sw = src.width(), sh = src.height();
  const bool transpose = orientation >= 5;
  const uint32_t dw = transpose ? sh : sw, dh = transpose ? sw : sh;
  ImageLimits unlimited;
  unlimited.max_pixels = UINT64_MAX;  // same pixel count as an image that already exists
  Result<Image> made = Image::create(dw, dh, unlimited);
  if (!made.ok()) return made;
  Image& dst = made.value();
  for (uint32_t y = 0; y < dh; ++y) {
    for (uint32_t x = 0; x < dw; ++x) {
      // Map each destination pixel back to the stored pixel it shows.
      uint32_t sx = 0, sy = 0;
      switch (orientation) {
        case 1: sx = x; sy = y; break;
        case 2: sx = sw - 1 - x; sy = y; break;               // mirror horizontal
        case 3: sx = sw - 1 - x; sy = sh - 1 - y; break;      // rotate 180
        case 4: sx = x; sy = sh - 1 - y; break;               // mirror vertical
        case 5: sx = y; sy = x; break;                        // transpose
        case 6: sx = y; sy = sh - 1 - x; break;               // rotate 90 clockwise
        case 7: sx = sw - 1 - y; sy = sh - 1 - x; break;      // transverse
        case 8: sx = sw - 1 - y; sy = x; break;               // rotate 270 clockwise
      }
      std::memcpy(dst.pixel(x, y), src.pixel(sx, sy), Image::kChannels);
    }
  }
  return made;
}

Result<std::vector<uint8_t>> encode_png(const Image& image) {
  if (image.empty()) return InvalidArgument("cannot encode an empty image");
  // Opaque images are written as RGB: a quarter fewer bytes to deflate.
  return write_png_rgba(image.data(), image.width(), image.height(), image.stride(), !image.is_opaque());
}

Result<std::vector<uint8_t>> encode_png_releasing(Image& image) {
  if (image.empty()) return InvalidArgument("cannot encode an empty image");
  if (!image.is_opaque()) {
    Result<std::vector<uint8_t>> out = encode_png(image);
    image = Image();
    return out;
  }
  Result<std::vector<uint8_t>> out =
      write_png_rgb_in_place(image.data(), image.width(), image.height(), [&image] { image = Image(); });
  image = Image();
  return out;
}

Result<std::vector<uint8_t>> encode_jpeg(const Image& image, int quality) {
  if (image.empty()) return InvalidArgument("cannot encode an empty image");
  if (quality < 1 || quality > 100) return InvalidArgument("JPEG quality must be 1..100");
  std::vector<uint8_t> out;
  if (!stbi_write_jpg_to_func(append_bytes, &out, image.width(), image.height(), 4, image.data(), quality)) {
    return Internal("JPEG encoder failed");
  }
  return out;
}

}  // namespace filigrane
