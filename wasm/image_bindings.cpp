// Embind bindings for decoding, encoding and resizing images.
// JS owns every ImageHandle it receives and must call delete() on it.
#include <emscripten/bind.h>
#include <malloc.h>

#include <cmath>

#include "core/codec.h"
#include "core/resize.h"
#include "wasm/binding_support.h"
#include "wasm/image_handle.h"

using emscripten::val;

namespace filigrane::wasm {
namespace {

val header_to_js(const ImageHeader& h) {
  val o = val::object();
  o.set("format", std::string(image_format_name(h.format)));
  o.set("width", h.width());
  o.set("height", h.height());
  o.set("storedWidth", h.stored_width);
  o.set("storedHeight", h.stored_height);
  o.set("channels", h.channels);
  o.set("orientation", h.orientation);
  o.set("hasExif", h.has_exif);
  o.set("hasIccProfile", h.has_icc_profile);
  o.set("hasXmp", h.has_xmp);
  return o;
}

}  // namespace

val read_header_js(val bytes, double max_pixels) {
  const std::vector<uint8_t> data = bytes_from_js(bytes);
  Result<ImageHeader> r = read_image_header(data.data(), data.size(), limits_from(max_pixels));
  val out = result_object(r.status());
  if (r.ok()) out.set("header", header_to_js(r.value()));
  return out;
}

// min_side > 0: the caller needs only an image whose shorter side is at least
// that (a large baseline JPEG then comes back at 1/2, 1/4 or 1/8 scale, said
// by scaleDenom; `header` keeps the file's full size). 0, negative or NaN: full size.
val decode_image_js(val bytes, double max_pixels, bool apply_orientation, double min_side) {
  std::vector<uint8_t> data = bytes_from_js(bytes);
  DecodeOptions options;
  options.limits = limits_from(max_pixels);
  options.apply_orientation = apply_orientation;
  if (std::isfinite(min_side) && min_side >= 1) {
    options.min_side = min_side >= 65536 ? 65536u : static_cast<uint32_t>(min_side);
  }
  Result<DecodedImage> r = decode_image(data.data(), data.size(), options);
  ++decode_count();
  data = {};  // release the file bytes before handing the image over
  val out = result_object(r.status());
  if (r.ok()) {
    out.set("header", header_to_js(r.value().header));
    out.set("scaleDenom", r.value().scale_denom);
    out.set("image", ImageHandle(std::move(r).value().image));
  }
  return out;
}

val image_from_rgba_js(double width, double height, val rgba) {
  return ImageHandle::image_result(image_from_js_rgba(width, height, rgba));
}

// Bytes currently allocated by malloc, for leak tests, and how many image
// files the module has decoded (every binding that decodes counts), for the
// tests that check a file is decoded once.
val heap_stats_js() {
  const struct mallinfo info = mallinfo();
  val o = val::object();
  o.set("allocatedBytes", static_cast<double>(info.uordblks));
  o.set("decodes", static_cast<double>(decode_count()));
  return o;
}

}  // namespace filigrane::wasm

EMSCRIPTEN_BINDINGS(filigrane_image) {
  using namespace filigrane::wasm;
  emscripten::class_<ImageHandle>("ImageHandle")
      .property("width", &ImageHandle::width)
      .property("height", &ImageHandle::height)
      .function("isOpaque", &ImageHandle::opaque)
      .function("rgba", &ImageHandle::rgba)
      .function("rgbaInto", &ImageHandle::rgba_into)
      .function("encodePng", &ImageHandle::encode_png)
      .function("encodePngReleasing", &ImageHandle::encode_png_releasing)
      .function("encodeJpeg", &ImageHandle::encode_jpeg)
      .function("resized", &ImageHandle::resized)
      .function("copy", &ImageHandle::copy)
      .function("cropped", &ImageHandle::cropped);
  emscripten::function("readImageHeader", &read_header_js);
  emscripten::function("decodeImage", &decode_image_js);
  emscripten::function("imageFromRgba", &image_from_rgba_js);
  emscripten::function("heapStats", &heap_stats_js);
}
