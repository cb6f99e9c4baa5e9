// Embind bindings for redaction (core/redact). Regions cross the boundary as a
// Float64Array of x, y, width, height per region (web/lib/redact-ops.mjs
// flattens them); the fill colour as a number 0xRRGGBBAA.
#include <emscripten/bind.h>

#include <cmath>

#include "core/redact/redact.h"
#include "wasm/binding_support.h"
#include "wasm/image_handle.h"

using emscripten::val;

namespace filigrane::wasm {
namespace {

// Reads the regions, refusing a bad length or too many before copying.
Status regions_from_js(const val& flat, std::vector<redact::Box>& boxes) {
  const double length = flat["length"].as<double>();
  if (!(length >= 0) || std::fmod(length, 4) != 0) return InvalidArgument("regions must be 4 numbers each");
  if (length / 4 > redact::kMaxBoxes) {
    return TooLarge(std::to_string(static_cast<size_t>(length / 4)) + " regions; at most " +
                    std::to_string(redact::kMaxBoxes) + " are allowed");
  }
  std::vector<double> numbers(static_cast<size_t>(length));
  if (!numbers.empty()) {
    val view(emscripten::typed_memory_view(numbers.size(), numbers.data()));
    view.call<void>("set", flat);
  }
  boxes.resize(numbers.size() / 4);
  for (size_t i = 0; i < boxes.size(); ++i) {
    boxes[i] = {numbers[i * 4], numbers[i * 4 + 1], numbers[i * 4 + 2], numbers[i * 4 + 3]};
  }
  return Status::Ok();
}

Status options_from_js(int style, double fill, double sigma, double cell, redact::Options& o) {
  if (style < 0 || style > 2) return InvalidArgument("style must be 0 (blur), 1 (pixelate) or 2 (fill)");
  if (!(fill >= 0 && fill <= 4294967295.0) || fill != std::floor(fill)) {
    return InvalidArgument("fill must be a colour 0xRRGGBBAA");
  }
  if (!std::isfinite(sigma) || !std::isfinite(cell) || cell < 0 || cell > 65536 || cell != std::floor(cell)) {
    return InvalidArgument("sigma and cell must be finite; cell a whole number");
  }
  o.style = static_cast<redact::Style>(style);
  o.fill_rgba = static_cast<uint32_t>(fill);
  o.sigma = sigma;
  o.cell = static_cast<uint32_t>(cell);
  return Status::Ok();
}

}  // namespace

// Redacts RGBA pixels: {status, width, height, rgba}. A mask (Uint8Array of
// width*height bytes) replaces the regions when it is not null/undefined.
val redact_rgba_js(double width, double height, val rgba, val regions, int style, double fill, double sigma,
                   double cell, val mask) {
  if (!(width >= 1 && height >= 1 && width <= 65536 && height <= 65536)) {
    return result_object(InvalidArgument("width and height must be 1..65536"));
  }
  redact::Options options;
  if (Status s = options_from_js(style, fill, sigma, cell, options); !s.ok()) return result_object(s);
  const bool use_mask = !mask.isNull() && !mask.isUndefined();
  std::vector<redact::Box> boxes;
  if (!use_mask) {
    if (Status s = regions_from_js(regions, boxes); !s.ok()) return result_object(s);
  }
  Result<Image> image = image_from_js_rgba(width, height, rgba);
  if (!image.ok()) return result_object(image.status());
  if (use_mask) {
    const std::vector<uint8_t> m = bytes_from_js(mask);
    image = redact::redact_mask(image.value(), m.data(), m.size(), options);
  } else if (Status s = redact::redact_in_place(image.value(), boxes, options); !s.ok()) {
    image = s;
  }
  const Result<Image>& out = image;
  val result = result_object(out.status());
  if (out.ok()) {
    result.set("width", out.value().width());
    result.set("height", out.value().height());
    result.set("rgba", bytes_to_js(out.value().data(), out.value().byte_size()));
  }
  return result;
}

// Redacts an ImageHandle's pixels in place: {status}. Only for a handle the
// caller owns (a copy() of the decode), never a DecodedImage's borrowed one.
val redact_handle_js(ImageHandle& image, val regions, int style, double fill, double sigma, double cell) {
  redact::Options options;
  if (Status s = options_from_js(style, fill, sigma, cell, options); !s.ok()) return result_object(s);
  std::vector<redact::Box> boxes;
  if (Status s = regions_from_js(regions, boxes); !s.ok()) return result_object(s);
  return result_object(redact::redact_in_place(image.writable_image(), boxes, options));
}

// Decodes an image file, redacts and re-encodes without metadata:
// {status, bytes, width, height, format ("png" | "jpeg")}. format: 0 PNG, 1 JPEG.
val redact_image_js(val file_bytes, val regions, int style, double fill, double sigma, double cell, int format,
                    int quality, double max_pixels) {
  redact::Options options;
  if (Status s = options_from_js(style, fill, sigma, cell, options); !s.ok()) return result_object(s);
  if (format != 0 && format != 1) return result_object(InvalidArgument("format must be 0 (PNG) or 1 (JPEG)"));
  std::vector<redact::Box> boxes;
  if (Status s = regions_from_js(regions, boxes); !s.ok()) return result_object(s);
  DecodeOptions decode;
  if (std::isfinite(max_pixels) && max_pixels >= 1) decode.limits.max_pixels = static_cast<uint64_t>(max_pixels);
  const std::vector<uint8_t> data = bytes_from_js(file_bytes);
  const redact::ExportFormat fmt = format == 1 ? redact::ExportFormat::kJpeg : redact::ExportFormat::kPng;
  Result<redact::ExportResult> r = redact::redact_and_export(data.data(), data.size(), boxes, options, fmt, quality, decode);
  val out = result_object(r.status());
  if (r.ok()) {
    out.set("bytes", bytes_to_js(r.value().bytes));
    out.set("width", r.value().width);
    out.set("height", r.value().height);
    out.set("format", std::string(format == 1 ? "jpeg" : "png"));
  }
  return out;
}

}  // namespace filigrane::wasm

EMSCRIPTEN_BINDINGS(filigrane_redact) {
  emscripten::function("redactRgba", &filigrane::wasm::redact_rgba_js);
  emscripten::function("redactImage", &filigrane::wasm::redact_image_js);
  emscripten::function("redactHandle", &filigrane::wasm::redact_handle_js);
}
