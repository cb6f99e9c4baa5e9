// ImageHandle: a decoded RGBA image living in the WebAssembly heap, shared by
// every binding file. Ownership: each ImageHandle a binding returns belongs to
// JS, which must call delete() on it (web/lib/decoded-image.mjs does, for
// every handle it holds, when its file is closed); bindings that take one
// (`const ImageHandle&`) only borrow it for the call.
#pragma once

#include <emscripten/bind.h>

#include <cmath>
#include <string>
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

// JS RGBA pixels (any typed array or array of width x height x 4 bytes)
// copied once into a new Image; the length is checked before allocating.
inline Result<Image> image_from_js_rgba(double width, double height, const val& rgba, const ImageLimits& limits = {}) {
  if (!(width >= 1 && height >= 1 && width <= 65536 && height <= 65536) || width != std::floor(width) ||
      height != std::floor(height)) {
    return InvalidArgument("width and height must be whole numbers 1..65536");
  }
  const val length = rgba.isNull() || rgba.isUndefined() ? val::undefined() : rgba["length"];
  const double expected = width * height * 4;
  if (!length.isNumber() || length.as<double>() != expected) {
    return InvalidArgument("expected " + std::to_string(static_cast<uint64_t>(expected)) + " RGBA bytes (width x height x 4)");
  }
  Result<Image> made = Image::create(static_cast<uint32_t>(width), static_cast<uint32_t>(height), limits);
  if (!made.ok()) return made;
  val view(emscripten::typed_memory_view(made.value().byte_size(), made.value().data()));
  view.call<void>("set", rgba);
  return made;
}

// A decoded RGBA image living in the WebAssembly heap.
class ImageHandle {
 public:
  explicit ImageHandle(Image image) : image_(std::move(image)) {}
  uint32_t width() const { return image_.width(); }
  uint32_t height() const { return image_.height(); }
  bool opaque() const { return image_.is_opaque(); }
  const Image& image() const { return image_; }
  // For bindings that change pixels in place (redaction), on handles the
  // caller owns: never on a DecodedImage's borrowed decode.
  Image& writable_image() { return image_; }

  // Copy of the pixels as a Uint8Array (RGBA, row-major).
  val rgba() const { return bytes_to_js(image_.data(), image_.byte_size()); }
  // The same copy into an array the caller made (a SharedArrayBuffer view that
  // another thread reads); false when its length is not width x height x 4.
  bool rgba_into(val target) const {
    const val length = target["length"];
    if (!length.isNumber() || length.as<double>() != static_cast<double>(image_.byte_size())) return false;
    target.call<void>("set", val(emscripten::typed_memory_view(image_.byte_size(), image_.data())));
    return true;
  }

  val encode_png() const { return bytes_result(filigrane::encode_png(image_)); }
  // Encodes and frees the pixels (the handle is left empty, still to be
  // deleted): redaction's last step, without a second image-sized buffer.
  val encode_png_releasing() { return bytes_result(filigrane::encode_png_releasing(image_)); }
  val encode_jpeg(int quality) const { return bytes_result(filigrane::encode_jpeg(image_, quality)); }

  val resized(double width, double height, int filter, double max_pixels) const {
    if (!(width >= 1 && height >= 1 && width <= 65536 && height <= 65536) || filter < 0 || filter > 3) {
      return result_object(InvalidArgument("resize needs a size of 1..65536 pixels and a filter of 0..3"));
    }
    return image_result(filigrane::resize(image_, static_cast<uint32_t>(width), static_cast<uint32_t>(height),
                                          static_cast<ResizeFilter>(filter), limits_from(max_pixels)));
  }

  // A deep copy in the heap (no copy through JS): what redaction draws on.
  val copy() const { return image_result(Image::from_rgba(image_.width(), image_.height(), image_.data(), image_.byte_size())); }

  // The pixels of a rectangle inside the image, as a new image.
  val cropped(double x, double y, double width, double height) const {
    const double w = image_.width(), h = image_.height();
    if (!(x >= 0 && y >= 0 && width >= 1 && height >= 1 && x + width <= w && y + height <= h) ||
        x != std::floor(x) || y != std::floor(y) || width != std::floor(width) || height != std::floor(height)) {
      return result_object(InvalidArgument("the crop must be whole pixels inside the image"));
    }
    return image_result(filigrane::crop(image_, static_cast<uint32_t>(x), static_cast<uint32_t>(y),
                                        static_cast<uint32_t>(width), static_cast<uint32_t>(height)));
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
