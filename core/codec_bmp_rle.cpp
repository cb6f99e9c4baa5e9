// Run-length encoded BMPs (BI_RLE8, BI_RLE4), which stb_image does not read.
#include <cstring>

#include "byte_reader.h"
#include "codec_formats.h"

namespace filigrane {
namespace {

struct RleLayout {
  uint32_t width = 0, height = 0;
  uint32_t pixel_offset = 0, palette_offset = 0, palette_count = 0;
  uint16_t bpp = 0;
  uint32_t compression = 0;
};

// Reads a BITMAPINFOHEADER (or a later, longer one) with RLE compression.
Status read_layout(const uint8_t* data, size_t size, RleLayout& l) {
  ByteReader r(data, size);
  uint32_t header_size = 0, colours_used = 0;
  int32_t w = 0, h = 0;
  uint16_t planes = 0;
  uint32_t uw = 0, uh = 0;
  if (!r.seek(10) || !r.u32le(l.pixel_offset) || !r.u32le(header_size) || !r.u32le(uw) || !r.u32le(uh) ||
      !r.u16le(planes) || !r.u16le(l.bpp) || !r.u32le(l.compression) || !r.seek(46) || !r.u32le(colours_used)) {
    return CorruptData("BMP header is truncated");
  }
  std::memcpy(&w, &uw, 4);
  std::memcpy(&h, &uh, 4);
  if (header_size < 40 || planes != 1) return CorruptData("BMP header is damaged");
  if (!((l.compression == 1 && l.bpp == 8) || (l.compression == 2 && l.bpp == 4))) {
    return CorruptData("BMP run-length compression does not match its bit depth");
  }
  // RLE bitmaps are stored bottom-up only (a negative height is invalid).
  if (w <= 0 || h <= 0) return CorruptData("BMP has an invalid size");
  l.width = static_cast<uint32_t>(w);
  l.height = static_cast<uint32_t>(h);
  const uint32_t max_colours = 1u << l.bpp;
  l.palette_count = colours_used == 0 || colours_used > max_colours ? max_colours : colours_used;
  l.palette_offset = 14 + header_size;
  if (header_size > size || l.palette_offset > size || (size - l.palette_offset) / 4 < l.palette_count) {
    return CorruptData("BMP palette is truncated");
  }
  if (l.pixel_offset > size) return CorruptData("BMP pixel data lies past the end of the file");
  return Status();
}

}  // namespace

bool bmp_is_rle(const uint8_t* data, size_t size) {
  ByteReader r(data, size);
  uint32_t header_size = 0, compression = 0;
  return r.seek(14) && r.u32le(header_size) && header_size >= 40 && r.seek(30) && r.u32le(compression) &&
         (compression == 1 || compression == 2);
}

Result<ImageHeader> read_bmp_rle_header(const uint8_t* data, size_t size, const ImageLimits& limits) {
  RleLayout l;
  Status s = read_layout(data, size, l);
  if (!s.ok()) return s;
  s = check_dimensions(l.width, l.height, limits);
  if (!s.ok()) return s;
  ImageHeader h;
  h.format = ImageFormat::kBmp;
  h.stored_width = l.width;
  h.stored_height = l.height;
  h.channels = 3;
  return h;
}

Result<Image> decode_bmp_rle(const uint8_t* data, size_t size, const ImageHeader& h, const ImageLimits& limits) {
  RleLayout l;
  Status s = read_layout(data, size, l);
  if (!s.ok()) return s;
  if (l.width != h.stored_width || l.height != h.stored_height) return CorruptData("BMP size differs from its header");
  uint8_t palette[256][4] = {};
  for (uint32_t i = 0; i < l.palette_count; ++i) {
    const uint8_t* e = data + l.palette_offset + 4 * i;  // B, G, R, reserved
    palette[i][0] = e[2];
    palette[i][1] = e[1];
    palette[i][2] = e[0];
    palette[i][3] = 255;
  }
  // Pixels the runs skip (deltas, early ends of line) keep colour 0, as
  // Windows and Pillow draw them.
  const uint32_t fill = uint32_t{palette[0][0]} << 24 | uint32_t{palette[0][1]} << 16 | uint32_t{palette[0][2]} << 8 | 0xFFu;
  Result<Image> made = Image::create(l.width, l.height, limits, fill);
  if (!made.ok()) return made;
  Image& out = made.value();
  auto put = [&](uint32_t x, uint32_t row, uint8_t index) {
    if (x >= l.width || row >= l.height) return;  // runs past the edge are clipped
    const uint8_t* c = palette[index < l.palette_count ? index : 0];
    std::memcpy(out.pixel(x, l.height - 1 - row), c, 4);
  };
  const bool four = l.compression == 2;
  size_t pos = l.pixel_offset;
  uint32_t x = 0, row = 0;
  while (row < l.height) {
    if (size - pos < 2) return CorruptData("BMP run-length data is truncated");
    const uint8_t count = data[pos], value = data[pos + 1];
    pos += 2;
    if (count > 0) {  // a run of `count` pixels (RLE4: two alternating indices)
      for (uint32_t i = 0; i < count; ++i, ++x) put(x, row, four ? ((i & 1) ? value & 15 : value >> 4) : value);
      continue;
    }
    if (value == 0) {  // end of line
      x = 0;
      ++row;
    } else if (value == 1) {  // end of bitmap
      break;
    } else if (value == 2) {  // delta
      if (size - pos < 2) return CorruptData("BMP run-length data is truncated");
      x += data[pos];
      row += data[pos + 1];
      pos += 2;
      if (x > l.width || row > l.height) return CorruptData("BMP run-length data moves outside the image");
    } else {  // `value` literal pixels, padded to a 16-bit boundary
      const size_t bytes = four ? (value + 1) / 2 : value;
      if (size - pos < bytes) return CorruptData("BMP run-length data is truncated");
      for (uint32_t i = 0; i < value; ++i, ++x) {
        const uint8_t b = data[pos + (four ? i / 2 : i)];
        put(x, row, four ? ((i & 1) ? b & 15 : b >> 4) : b);
      }
      pos += bytes + (bytes & 1);
    }
  }
  return made;
}

}  // namespace filigrane
