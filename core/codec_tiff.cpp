#include <cstdarg>
#include <cstdio>
#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <tiffio.h>

#include "codec_formats.h"

namespace filigrane {
namespace {

// The file in memory, as libtiff's client I/O sees it (read-only, and
// "mapped": libtiff then reads strips and tiles in place instead of copying).
struct MemoryFile {
  const uint8_t* data;
  uint64_t size;
  uint64_t pos;
};

tmsize_t mem_read(thandle_t h, void* buf, tmsize_t n) {
  auto* f = static_cast<MemoryFile*>(h);
  if (n <= 0 || f->pos >= f->size) return 0;
  const uint64_t count = std::min<uint64_t>(static_cast<uint64_t>(n), f->size - f->pos);
  std::memcpy(buf, f->data + f->pos, count);
  f->pos += count;
  return static_cast<tmsize_t>(count);
}
tmsize_t mem_write(thandle_t, void*, tmsize_t) { return 0; }
toff_t mem_seek(thandle_t h, toff_t off, int whence) {
  auto* f = static_cast<MemoryFile*>(h);
  uint64_t base = whence == SEEK_CUR ? f->pos : whence == SEEK_END ? f->size : 0;
  if (off > UINT64_MAX - base) return static_cast<toff_t>(-1);
  f->pos = base + off;
  return f->pos;
}
int mem_close(thandle_t) { return 0; }
toff_t mem_size(thandle_t h) { return static_cast<MemoryFile*>(h)->size; }
int mem_map(thandle_t h, void** base, toff_t* size) {
  auto* f = static_cast<MemoryFile*>(h);
  *base = const_cast<uint8_t*>(f->data);
  *size = f->size;
  return 1;
}
void mem_unmap(thandle_t, void*, toff_t) {}

// libtiff's messages stay inside: they name internal steps, not problems a
// person can act on. They are kept for debugging only.
int quiet_handler(TIFF*, void* user, const char*, const char*, va_list) {
  ++*static_cast<int*>(user);
  return 1;  // handled: nothing reaches libtiff's global stderr handler
}

struct TiffCloser {
  void operator()(TIFF* t) const { TIFFClose(t); }
};

// One open TIFF (IFD0) over bytes the caller keeps alive.
struct TiffFile {
  MemoryFile file{};
  int errors = 0;
  std::unique_ptr<TIFF, TiffCloser> tif;
};

const char* compression_name(uint16_t c) {
  switch (c) {
    case COMPRESSION_OJPEG: case COMPRESSION_JPEG: return "JPEG";
    case COMPRESSION_JBIG: return "JBIG";
    case 34712: return "JPEG 2000";
    case COMPRESSION_LERC: return "LERC";
    case COMPRESSION_LZMA: return "LZMA";
    case COMPRESSION_ZSTD: return "Zstandard";
    case COMPRESSION_WEBP: return "WebP";
    case COMPRESSION_PIXARFILM: case COMPRESSION_PIXARLOG: return "PixarLog";
    default: return nullptr;
  }
}

Status open_tiff(const uint8_t* data, size_t size, const ImageLimits& limits, TiffFile& out) {
  out.file = MemoryFile{data, size, 0};
  std::unique_ptr<TIFFOpenOptions, void (*)(TIFFOpenOptions*)> opts(TIFFOpenOptionsAlloc(), TIFFOpenOptionsFree);
  if (!opts) return Internal("out of memory");
  // No single allocation beyond one 16-bit RGBA image at the pixel limit:
  // a strip or tile claiming more is refused before it is allocated.
  const uint64_t cap = std::min<uint64_t>(limits.max_pixels, uint64_t{1} << 28) * 8 + (uint64_t{64} << 20);
  TIFFOpenOptionsSetMaxSingleMemAlloc(opts.get(), static_cast<tmsize_t>(std::min<uint64_t>(cap, INT32_MAX)));
  TIFFOpenOptionsSetErrorHandlerExtR(opts.get(), quiet_handler, &out.errors);
  TIFFOpenOptionsSetWarningHandlerExtR(opts.get(), quiet_handler, &out.errors);
  out.tif.reset(TIFFClientOpenExt("image", "r", &out.file, mem_read, mem_write, mem_seek, mem_close, mem_size,
                                  mem_map, mem_unmap, opts.get()));
  if (!out.tif) return CorruptData("TIFF header or first image directory is damaged");
  return Status();
}

// Samples the pixel path reads itself (8/16-bit chunky grey, RGB, palette);
// anything else goes through libtiff's RGBA reader.
struct Layout {
  uint32_t width = 0, height = 0;
  uint16_t bits = 0, samples = 0, photometric = 0, planar = PLANARCONFIG_CONTIG, sample_format = SAMPLEFORMAT_UINT;
  uint16_t compression = COMPRESSION_NONE, orientation = ORIENTATION_TOPLEFT;
  int alpha = 0;  // 0 none, EXTRASAMPLE_ASSOCALPHA or EXTRASAMPLE_UNASSALPHA
};

Layout read_layout(TIFF* tif) {
  Layout l;
  TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &l.width);
  TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &l.height);
  TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &l.bits);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &l.samples);
  TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &l.planar);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &l.sample_format);
  TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &l.compression);
  TIFFGetFieldDefaulted(tif, TIFFTAG_ORIENTATION, &l.orientation);
  if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &l.photometric)) {
    l.photometric = l.samples >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
  }
  uint16_t extra_count = 0;
  uint16_t* extra_types = nullptr;
  if (TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, &extra_count, &extra_types) && extra_count > 0 && extra_types) {
    if (extra_types[0] == EXTRASAMPLE_ASSOCALPHA || extra_types[0] == EXTRASAMPLE_UNASSALPHA) l.alpha = extra_types[0];
  }
  return l;
}

int colour_samples(const Layout& l) {
  switch (l.photometric) {
    case PHOTOMETRIC_MINISBLACK: case PHOTOMETRIC_MINISWHITE: case PHOTOMETRIC_PALETTE: return 1;
    case PHOTOMETRIC_RGB: return 3;
    default: return 0;
  }
}

bool own_path(const Layout& l) {
  const int colour = colour_samples(l);
  if (colour == 0 || l.samples < colour || l.sample_format != SAMPLEFORMAT_UINT) return false;
  if (l.samples > 1 && l.planar != PLANARCONFIG_CONTIG) return false;  // one plane per sample: libtiff's reader
  if (l.photometric == PHOTOMETRIC_PALETTE) return l.bits == 8;
  return l.bits == 8 || l.bits == 16;
}

inline uint8_t to8(uint32_t v, int bits) { return bits == 8 ? static_cast<uint8_t>(v) : static_cast<uint8_t>((v * 255 + 32767) / 65535); }

// Converts one decoded strip or tile (`rows` x `cols` of it inside the image,
// source rows `src_stride` bytes apart) into RGBA at (x0, y0).
void convert_chunk(const Layout& l, const uint8_t* src, size_t src_stride, uint32_t x0, uint32_t y0, uint32_t cols,
                   uint32_t rows, const uint16_t* const* colormap, bool map16, Image& out) {
  const int colour = colour_samples(l);
  const int bytes = l.bits / 8;
  for (uint32_t y = 0; y < rows; ++y) {
    const uint8_t* s = src + y * src_stride;
    uint8_t* d = out.pixel(x0, y0 + y);
    for (uint32_t x = 0; x < cols; ++x, d += 4, s += static_cast<size_t>(l.samples) * bytes) {
      auto sample = [&](int i) -> uint32_t {
        if (bytes == 1) return s[i];
        uint16_t v;
        std::memcpy(&v, s + 2 * i, 2);  // libtiff has swapped it to host order
        return v;
      };
      if (l.photometric == PHOTOMETRIC_PALETTE) {
        const uint32_t i = sample(0);
        for (int c = 0; c < 3; ++c) d[c] = map16 ? static_cast<uint8_t>(colormap[c][i] >> 8) : static_cast<uint8_t>(colormap[c][i]);
      } else if (colour == 1) {
        uint8_t g = to8(sample(0), l.bits);
        if (l.photometric == PHOTOMETRIC_MINISWHITE) g = static_cast<uint8_t>(255 - g);
        d[0] = d[1] = d[2] = g;
      } else {
        for (int c = 0; c < 3; ++c) d[c] = to8(sample(c), l.bits);
      }
      d[3] = l.alpha && l.samples > colour ? to8(sample(colour), l.bits) : 255;
      if (l.alpha == EXTRASAMPLE_ASSOCALPHA && d[3] < 255) {  // premultiplied in the file
        for (int c = 0; c < 3; ++c) d[c] = d[3] ? static_cast<uint8_t>(std::min(255, (d[c] * 255 + d[3] / 2) / d[3])) : 0;
      }
    }
  }
}

Status decode_own(TIFF* tif, const Layout& l, Image& out) {
  const uint16_t* colormap[3] = {nullptr, nullptr, nullptr};
  bool map16 = false;
  if (l.photometric == PHOTOMETRIC_PALETTE) {
    uint16_t *r = nullptr, *g = nullptr, *b = nullptr;
    if (!TIFFGetField(tif, TIFFTAG_COLORMAP, &r, &g, &b) || !r || !g || !b) return CorruptData("TIFF palette image has no colour map");
    colormap[0] = r; colormap[1] = g; colormap[2] = b;
    for (int i = 0; i < 256 && !map16; ++i) map16 = r[i] > 255 || g[i] > 255 || b[i] > 255;
  }
  const size_t pixel_bytes = static_cast<size_t>(l.samples) * (l.bits / 8);
  const char* damaged = "TIFF image data is damaged or truncated";
  if (TIFFIsTiled(tif)) {
    uint32_t tw = 0, th = 0;
    TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
    TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
    // A tile far larger than the image would only serve to exhaust memory.
    if (tw == 0 || th == 0 || tw > l.width + 255 || th > l.height + 255) return CorruptData("TIFF tile size does not fit its image");
    const tmsize_t tile_size = TIFFTileSize(tif);
    if (tile_size <= 0 || static_cast<uint64_t>(tile_size) < uint64_t{tw} * th * pixel_bytes) return CorruptData(damaged);
    std::vector<uint8_t> buf(static_cast<size_t>(tile_size));
    for (uint32_t y = 0; y < l.height; y += th) {
      for (uint32_t x = 0; x < l.width; x += tw) {
        if (TIFFReadEncodedTile(tif, TIFFComputeTile(tif, x, y, 0, 0), buf.data(), tile_size) < 0) return CorruptData(damaged);
        convert_chunk(l, buf.data(), tw * pixel_bytes, x, y, std::min(tw, l.width - x), std::min(th, l.height - y),
                      colormap, map16, out);
      }
    }
    return Status();
  }
  uint32_t rows_per_strip = l.height;
  TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
  rows_per_strip = std::max<uint32_t>(1, std::min(rows_per_strip, l.height));
  const tmsize_t strip_size = TIFFStripSize(tif);
  const size_t row_bytes = l.width * pixel_bytes;
  if (strip_size <= 0 || static_cast<uint64_t>(strip_size) < uint64_t{row_bytes} * rows_per_strip) return CorruptData(damaged);
  std::vector<uint8_t> buf(static_cast<size_t>(strip_size));
  for (uint32_t y = 0; y < l.height; y += rows_per_strip) {
    const uint32_t rows = std::min(rows_per_strip, l.height - y);
    const tmsize_t want = static_cast<tmsize_t>(row_bytes * rows);
    if (TIFFReadEncodedStrip(tif, TIFFComputeStrip(tif, y, 0), buf.data(), want) < want) return CorruptData(damaged);
    convert_chunk(l, buf.data(), row_bytes, 0, y, l.width, rows, colormap, map16, out);
  }
  return Status();
}

}  // namespace

Result<ImageHeader> read_tiff_header(const uint8_t* data, size_t size, const ImageLimits& limits) {
  TiffFile f;
  Status s = open_tiff(data, size, limits, f);
  if (!s.ok()) return s;
  const Layout l = read_layout(f.tif.get());
  if (l.width == 0 || l.height == 0) return CorruptData("TIFF image has no size");
  s = check_dimensions(l.width, l.height, limits);
  if (!s.ok()) return s;
  if (!TIFFIsCODECConfigured(l.compression)) {
    const char* name = compression_name(l.compression);
    return UnsupportedFormat(std::string("This TIFF uses ") + (name ? name : "an unusual") +
                             " compression, which Filigrane cannot read (it reads uncompressed, LZW, Deflate, "
                             "PackBits and CCITT fax TIFFs)");
  }
  if (l.sample_format == SAMPLEFORMAT_IEEEFP || l.bits > 16) {
    return UnsupportedFormat("This TIFF holds " + std::to_string(l.bits) +
                             "-bit or floating-point samples; Filigrane reads TIFFs of 1 to 16 bits per sample");
  }
  ImageHeader h;
  h.format = ImageFormat::kTiff;
  h.stored_width = l.width;
  h.stored_height = l.height;
  h.channels = colour_samples(l) == 1 && l.photometric != PHOTOMETRIC_PALETTE ? (l.alpha ? 2 : 1) : (l.alpha ? 4 : 3);
  h.orientation = l.orientation >= 1 && l.orientation <= 8 ? l.orientation : 1;
  void* p = nullptr;
  uint32_t n = 0;
  uint64_t exif_offset = 0;
  h.has_exif = TIFFGetField(f.tif.get(), TIFFTAG_EXIFIFD, &exif_offset) != 0;
  h.has_xmp = TIFFGetField(f.tif.get(), TIFFTAG_XMLPACKET, &n, &p) != 0 && n > 0;
  h.has_icc_profile = TIFFGetField(f.tif.get(), TIFFTAG_ICCPROFILE, &n, &p) != 0 && n > 0;
  return h;
}

Result<Image> decode_tiff(const uint8_t* data, size_t size, const ImageHeader& h, const ImageLimits& limits) {
  TiffFile f;
  Status s = open_tiff(data, size, limits, f);
  if (!s.ok()) return s;
  const Layout l = read_layout(f.tif.get());
  if (l.width != h.stored_width || l.height != h.stored_height) return CorruptData("TIFF size differs from its header");
  Result<Image> made = Image::create(l.width, l.height, limits);
  if (!made.ok()) return made;
  Image& out = made.value();
  if (own_path(l)) {
    s = decode_own(f.tif.get(), l, out);
    if (!s.ok()) return s;
    return made;
  }
  char why[1024] = {0};
  if (!TIFFRGBAImageOK(f.tif.get(), why)) {
    return UnsupportedFormat("This TIFF's colour layout is one Filigrane cannot read (it reads greyscale, RGB, "
                             "palette, CMYK and YCbCr TIFFs)");
  }
  // Rows in stored order: asking for the file's own orientation makes libtiff
  // flip nothing, and decode_image() applies the orientation like EXIF's.
  // libtiff's RGBA reader packs R | G << 8 | B << 16 | A << 24: bytes R,G,B,A on
  // the little-endian hosts Filigrane builds for.
  static_assert(Image::kChannels == 4, "RGBA8");
  if (!TIFFReadRGBAImageOriented(f.tif.get(), l.width, l.height, reinterpret_cast<uint32_t*>(out.data()),
                                 l.orientation >= 1 && l.orientation <= 8 ? l.orientation : ORIENTATION_TOPLEFT, 0)) {
    return CorruptData("TIFF image data is damaged or truncated");
  }
  return made;
}

}  // namespace filigrane
