// ImageHandle: a decoded RGBA image living in the WebAssembly heap, shared by
// every binding file. Ownership: each ImageHandle a binding returns belongs to
// JS, which must call delete() on it (web/lib/decoded-image.mjs does, for
// every handle it holds, when its file is closed); bindings that take one
// (`const ImageHandle&`) only borrow it for the call.
#pragma once

#include <emscripten/bind.h>

#include <cmath>
#include <utility>

#include "core/codec.h"
#include "core/resize.h"
#include "wasm/binding_support.h"

namespace filigrane::wasm {

using emscripten::val;

inline ImageLimits limits_from(double max_pixels) {
  ImageLimits limits;
  if (std::isfinite(max_pixels) && max_pixels >= 1) limits.max_pixels = static_cast<uint64_t>(max_pixels);
  return limits;
}

// A decoded RGBA image living in the WebAssembly heap.
class ImageHandle {
 public:
  explicit ImageHandle(Image image) : image_(std::move(image)) {}
  uint32_t width() const { return image_.width(); }
  uint32_t height() const { return image_.height(); }
  bool opaque() const { return image_.is_opaque(); }
  const Image& image() const { return image_; }

  // Copy of the pixels as a Uint8Array (RGBA, row-major).
  val rgba() const { return bytes_to_js(image_.data(), image_.byte_size()); }

  val encode_png() const { return bytes_result(filigrane::encode_png(image_)); }
  val encode_jpeg(int quality) const { return bytes_result(filigrane::encode_jpeg(image_, quality)); }

  val resized(double width, double height, int filter, double max_pixels) const {
    if (!(width >= 1 && height >= 1 && width <= 65536 && height <= 65536) || filter < 0 || filter > 3) {
      return result_object(InvalidArgument("resize needs a size of 1..65536 pixels and a filter of 0..3"));
    }
    return image_result(filigrane::resize(image_, static_cast<uint32_t>(width), static_cast<uint32_t>(height),
                                          static_cast<ResizeFilter>(filter), limits_from(max_pixels)));
  }

  static val image_result(Result<Image> r) {
    val out = result_object(r.status());
    if (r.ok()) out.set("image", ImageHandle(std::move(r).value()));
    return out;
  }

  static val bytes_result(const Result<std::vector<uint8_t>>& r) {
    val out = result_object(r.status());
    if (r.ok()) out.set("bytes", bytes_to_js(r.value()));
    return out;
  }
 private:
  Image image_;
};

}  // namespace filigrane::wasm
