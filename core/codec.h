// Decoding and encoding of whole image files held in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "image.h"
#include "status.h"

namespace filigrane {

enum class ImageFormat { kUnknown, kJpeg, kPng, kBmp, kGif, kWebp, kTiff, kAvif, kHeic };

// "jpeg", "png", "bmp", "gif", "webp", "tiff", "avif", "heic" or "unknown"; never null.
const char* image_format_name(ImageFormat format);

// Identifies the container from its first bytes; kUnknown when unsure.
ImageFormat sniff_format(const uint8_t* data, size_t size);

struct DecodeOptions {
  ImageLimits limits;
  bool apply_orientation = true;  // rotate/flip per the EXIF Orientation tag
  // The caller only needs an image whose shorter side is at least this many
  // pixels (0: full size). A baseline JPEG may then be decoded at 1/2, 1/4 or
  // 1/8 scale in the DCT domain (the largest that keeps both sides >= min_side;
  // see jpeg_scaled.h); anything else is decoded at full size, so the caller
  // must cope with any size >= the requested one.
  uint32_t min_side = 0;
};

// What a cheap header read tells, without decoding pixels.
struct ImageHeader {
  ImageFormat format = ImageFormat::kUnknown;
  uint32_t stored_width = 0;   // as stored in the file, before orientation
  uint32_t stored_height = 0;
  int channels = 0;            // channels in the file: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA
  int orientation = 1;         // EXIF Orientation 1..8 (1 when absent or invalid)
  bool has_exif = false;
  bool has_icc_profile = false;
  bool has_xmp = false;
  uint32_t width() const { return orientation >= 5 ? stored_height : stored_width; }
  uint32_t height() const { return orientation >= 5 ? stored_width : stored_height; }
};

struct DecodedImage {
  ImageHeader header;  // the file's header: full-size dimensions even when scaled
  Image image;         // RGBA8, orientation applied when DecodeOptions::apply_orientation
  // image is ceil(header size / scale_denom) per side; 1 (full size), 2, 4 or 8.
  int scale_denom = 1;
};

// Reads the header of a JPEG, PNG, WebP, TIFF, BMP or GIF without decoding pixels.
// Fails with kInvalidArgument (empty input), kUnsupportedFormat (not one of
// those formats, or a variant none of the decoders reads; AVIF and HEIC are
// recognised, and left to the browser's own decoder), kCorruptData (header
// truncated or inconsistent) or kTooLarge (dimensions exceed `limits`).
Result<ImageHeader> read_image_header(const uint8_t* data, size_t size,
                                      const ImageLimits& limits = {});

// Decodes the first frame of a JPEG, PNG, WebP, TIFF, BMP or GIF to RGBA8. Dimensions are
// checked against options.limits (at full size) before any pixel buffer is
// allocated. With options.min_side > 0 a baseline JPEG may come back reduced
// (DecodedImage::scale_denom); when the reduced decoder declines the file
// (unsupported variant or data it judges corrupt) stb_image decodes it at full
// size and has the last word. The caller keeps ownership of `data`; the
// returned Image owns its pixels.
// Fails as read_image_header(), or with kCorruptData when pixel data is bad.
Result<DecodedImage> decode_image(const uint8_t* data, size_t size, const DecodeOptions& options = {});

// Encodes as PNG (8-bit RGBA, or RGB when the image is opaque).
// Fails with kInvalidArgument for an empty image.
Result<std::vector<uint8_t>> encode_png(const Image& image);

// encode_png for an image the caller gives up (redaction's last step): an
// opaque image is filtered inside its own pixels rather than into a second
// image-sized buffer, and its memory is freed as soon as deflate has read it.
// `image` is left empty whatever the outcome. Same bytes as encode_png.
Result<std::vector<uint8_t>> encode_png_releasing(Image& image);

// Encodes as baseline JPEG (alpha dropped). quality 1..100; stb uses 4:2:0
// chroma subsampling at quality <= 90 and 4:4:4 above. Fails with
// kInvalidArgument for an empty image or a quality outside 1..100.
Result<std::vector<uint8_t>> encode_jpeg(const Image& image, int quality);

// Applies EXIF orientation `orientation` (1..8) to `image`, returning a new
// image (a copy for 1). Fails with kInvalidArgument for other values.
Result<Image> apply_exif_orientation(const Image& image, int orientation);

}  // namespace filigrane
