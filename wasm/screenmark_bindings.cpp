// Embind bindings for the screen-content watermark (core/screenmark).
// Payloads cross the boundary as 16-digit hex strings (the CLI's contract).
#include <emscripten/bind.h>

#include <string>

#include "core/codec.h"
#include "core/screenmark/screenmark.h"
#include "wasm/binding_support.h"
#include "wasm/image_handle.h"

using emscripten::val;

namespace filigrane::wasm {
namespace {

// A strength of 0 (or anything not positive) means the core's default.
double strength_or_default(double strength) { return strength > 0 ? strength : screenmark::kDefaultStrength; }

val bad_payload() { return bad_payload_status(); }

val premultiplied_to_js(const Result<screenmark::PremultipliedImage>& r) {
  val out = result_object(r.status());
  if (r.ok()) {
    out.set("width", r.value().width);
    out.set("height", r.value().height);
    out.set("rgba", bytes_to_js(r.value().rgba));
  }
  return out;
}

}  // namespace

// One period of the overlay, premultiplied RGBA, side tile_side_for_dpr(dpr).
val screen_tile_js(std::string key, std::string payload_text, double strength, double dpr) {
  uint64_t payload = 0;
  if (!parse_payload_hex(payload_text, payload)) return bad_payload();
  return premultiplied_to_js(screenmark::render_tile(key, payload, strength_or_default(strength), dpr));
}

// The whole overlay for width x height device pixels.
val screen_overlay_js(std::string key, std::string payload_text, double strength, double width, double height,
                      double dpr) {
  uint64_t payload = 0;
  if (!parse_payload_hex(payload_text, payload)) return bad_payload();
  if (!(width >= 1 && height >= 1 && width <= 65536 && height <= 65536)) {
    return result_object(InvalidArgument("overlay size must be 1..65536 pixels a side"));
  }
  return premultiplied_to_js(screenmark::render_overlay(key, payload, strength_or_default(strength), static_cast<uint32_t>(width),
                                                        static_cast<uint32_t>(height), dpr));
}

// Composites the overlay onto an image file's pixels; returns PNG bytes.
val screen_apply_js(val file_bytes, std::string key, std::string payload_text, double strength, double dpr,
                    double max_pixels) {
  uint64_t payload = 0;
  if (!parse_payload_hex(payload_text, payload)) return bad_payload();
  Result<DecodedImage> decoded = decode_js_image(file_bytes, max_pixels);
  if (!decoded.ok()) return result_object(decoded.status());
  Result<Image> marked = screenmark::apply_screenmark(decoded.value().image, key, payload, strength_or_default(strength), dpr);
  if (!marked.ok()) return result_object(marked.status());
  Result<std::vector<uint8_t>> png = encode_png(marked.value());
  val out = result_object(png.status());
  if (png.ok()) out.set("bytes", bytes_to_js(png.value()));
  return out;
}

// Composites the overlay onto a decoded image (borrowed); returns {image}, a
// new ImageHandle JS owns.
val screen_apply_image_js(const ImageHandle& source, std::string key, std::string payload_text, double strength, double dpr) {
  uint64_t payload = 0;
  if (!parse_payload_hex(payload_text, payload)) return bad_payload();
  return ImageHandle::image_result(screenmark::apply_screenmark(source.image(), key, payload, strength_or_default(strength), dpr));
}

namespace {
val screen_report(const Image& image, const std::string& key, double min_scale, double max_scale) {
  screenmark::ScreenDecodeOptions options;
  if (min_scale > 0) options.min_scale = min_scale;
  if (max_scale > 0) options.max_scale = max_scale;
  Result<screenmark::ScreenDecodeReport> r = screenmark::decode_screenmark(image, key, options);
  val out = result_object(r.status());
  if (!r.ok()) return out;
  const screenmark::ScreenDecodeReport& rep = r.value();
  val report = val::object();
  report.set("found", rep.found);
  report.set("payload", rep.found ? val(payload_hex(rep.payload)) : val::null());
  report.set("confidence", rep.confidence);
  report.set("syncScore", rep.sync_score);
  report.set("scale", rep.scale);
  report.set("period", rep.period_x);
  report.set("originX", rep.origin_x);
  report.set("originY", rep.origin_y);
  report.set("imageWidth", image.width());
  report.set("imageHeight", image.height());
  val map = val::object();
  map.set("columns", rep.map.columns);
  map.set("rows", rep.map.rows);
  map.set("cellWidth", rep.map.cell_width);
  map.set("cellHeight", rep.map.cell_height);
  map.set("scores", val::array(rep.map.scores.begin(), rep.map.scores.end()));
  report.set("map", map);
  out.set("report", report);
  return out;
}
}  // namespace

// Looks for the mark in an image file. Never reports an unverified payload.
// min_scale / max_scale <= 0 keep the decoder's default scale range.
val screen_decode_js(val file_bytes, std::string key, double max_pixels, double min_scale, double max_scale) {
  Result<DecodedImage> decoded = decode_js_image(file_bytes, max_pixels);
  if (!decoded.ok()) return result_object(decoded.status());
  return screen_report(decoded.value().image, key, min_scale, max_scale);
}

// The same on a decoded image (borrowed).
val screen_decode_image_js(const ImageHandle& image, std::string key, double min_scale, double max_scale) {
  return screen_report(image.image(), key, min_scale, max_scale);
}

}  // namespace filigrane::wasm

EMSCRIPTEN_BINDINGS(filigrane_screenmark) {
  using namespace filigrane::wasm;
  emscripten::function("screenTile", &screen_tile_js);
  emscripten::function("screenOverlay", &screen_overlay_js);
  emscripten::function("screenApply", &screen_apply_js);
  emscripten::function("screenDecode", &screen_decode_js);
  emscripten::function("screenApplyImage", &screen_apply_image_js);
  emscripten::function("screenDecodeImage", &screen_decode_image_js);
}
