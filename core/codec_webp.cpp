#include <cstring>
#include <memory>
#include <string>

#include <webp/decode.h>
#include <webp/demux.h>

#include "codec_formats.h"

namespace filigrane {
namespace {

// Words for libwebp's status codes.
std::string webp_problem(VP8StatusCode code) {
  switch (code) {
    case VP8_STATUS_OUT_OF_MEMORY: return "WebP image needs more memory than is available";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "WebP image uses a feature this decoder does not support";
    case VP8_STATUS_NOT_ENOUGH_DATA: return "WebP image is truncated";
    default: return "WebP image data is corrupt";
  }
}

struct DemuxDeleter {
  void operator()(WebPDemuxer* d) const { WebPDemuxDelete(d); }
};

}  // namespace

Result<ImageHeader> read_webp_header(const uint8_t* data, size_t size, const ImageLimits& limits) {
  WebPBitstreamFeatures features;
  const VP8StatusCode code = WebPGetFeatures(data, size, &features);
  if (code != VP8_STATUS_OK) return CorruptData(webp_problem(code));
  if (features.width <= 0 || features.height <= 0) return CorruptData("WebP image has no size");
  Status s = check_dimensions(static_cast<uint32_t>(features.width), static_cast<uint32_t>(features.height), limits);
  if (!s.ok()) return s;
  ImageHeader h;
  h.format = ImageFormat::kWebp;
  h.stored_width = static_cast<uint32_t>(features.width);
  h.stored_height = static_cast<uint32_t>(features.height);
  h.channels = features.has_alpha ? 4 : 3;
  // The extended header (VP8X) says which metadata chunks follow.
  if (size >= 21 && std::memcmp(data + 12, "VP8X", 4) == 0) {
    const uint8_t flags = data[20];
    h.has_icc_profile = (flags & 0x20) != 0;
    h.has_exif = (flags & 0x08) != 0;
    h.has_xmp = (flags & 0x04) != 0;
  }
  return h;
}

Result<Image> decode_webp(const uint8_t* data, size_t size, const ImageHeader& h, const ImageLimits& limits) {
  Result<Image> made = Image::create(h.stored_width, h.stored_height, limits);
  if (!made.ok()) return made;
  Image& canvas = made.value();
  WebPBitstreamFeatures features;
  if (WebPGetFeatures(data, size, &features) != VP8_STATUS_OK) return CorruptData("WebP image data is corrupt");
  if (!features.has_animation) {
    if (!WebPDecodeRGBAInto(data, size, canvas.data(), canvas.stride() * canvas.height(),
                            static_cast<int>(canvas.stride()))) {
      return CorruptData("WebP image data is corrupt or truncated");
    }
    return made;
  }
  // An animation: its first frame on a transparent canvas (a first frame has
  // nothing beneath it to blend with or dispose). Only frame 1 is decoded, so
  // thousands of frames cost their small index entries only.
  WebPData webp_data{data, size};
  std::unique_ptr<WebPDemuxer, DemuxDeleter> demux(WebPDemux(&webp_data));
  if (!demux) return CorruptData("WebP animation is malformed or truncated");
  if (WebPDemuxGetI(demux.get(), WEBP_FF_CANVAS_WIDTH) != h.stored_width ||
      WebPDemuxGetI(demux.get(), WEBP_FF_CANVAS_HEIGHT) != h.stored_height) {
    return CorruptData("WebP animation canvas differs from its header");
  }
  WebPIterator frame;
  if (!WebPDemuxGetFrame(demux.get(), 1, &frame)) return CorruptData("WebP animation has no frames");
  std::unique_ptr<WebPIterator, void (*)(WebPIterator*)> release(&frame, WebPDemuxReleaseIterator);
  if (frame.width <= 0 || frame.height <= 0 || frame.x_offset < 0 || frame.y_offset < 0 ||
      static_cast<uint64_t>(frame.x_offset) + frame.width > h.stored_width ||
      static_cast<uint64_t>(frame.y_offset) + frame.height > h.stored_height) {
    return CorruptData("WebP animation frame lies outside its canvas");
  }
  // Decoded straight into the canvas at the frame's offset (stride = canvas row).
  uint8_t* origin = canvas.pixel(static_cast<uint32_t>(frame.x_offset), static_cast<uint32_t>(frame.y_offset));
  const size_t room = canvas.stride() * canvas.height() - static_cast<size_t>(origin - canvas.data());
  int fw = 0, fh = 0;
  if (!WebPGetInfo(frame.fragment.bytes, frame.fragment.size, &fw, &fh) || fw != frame.width || fh != frame.height) {
    return CorruptData("WebP animation frame is corrupt");
  }
  if (!WebPDecodeRGBAInto(frame.fragment.bytes, frame.fragment.size, origin, room, static_cast<int>(canvas.stride()))) {
    return CorruptData("WebP animation frame is corrupt or truncated");
  }
  return made;
}

}  // namespace filigrane
