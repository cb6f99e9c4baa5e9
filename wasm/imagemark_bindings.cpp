// Embind bindings for Filigrane's robust image watermark (core/imagemark).
// Payloads cross the boundary as 16 hex digits (8 bytes, big-endian).
#include <emscripten/bind.h>

#include "core/imagemark/imagemark.h"
#include "wasm/binding_support.h"
#include "wasm/image_handle.h"

using emscripten::val;

namespace filigrane::wasm {
namespace {

imagemark::Payload payload_bytes(uint64_t v) {
  imagemark::Payload p{};
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8_t>(v & 0xFF);
  return p;
}

uint64_t payload_value(const imagemark::Payload& p) {
  uint64_t v = 0;
  for (uint8_t b : p) v = (v << 8) | b;
  return v;
}

}  // namespace

// Marks an image file; returns {bytes (PNG), psnr, payloadBits}. payload_bits:
// 0 automatic (32 when the payload fits), 32 or 64 (see imagemark.h).
val imagemark_embed_js(val file_bytes, std::string key, std::string payload_text, double psnr_db, int payload_bits,
                       double max_pixels) {
  uint64_t payload = 0;
  if (!parse_payload_hex(payload_text, payload)) return bad_payload_status();
  Result<DecodedImage> decoded = decode_js_image(file_bytes, max_pixels);
  if (!decoded.ok()) return result_object(decoded.status());
  imagemark::EmbedOptions options;
  if (psnr_db > 0) options.psnr_db = psnr_db;
  options.payload_bits = payload_bits;
  Result<imagemark::EmbedReport> marked = imagemark::embed(decoded.value().image, key, payload_bytes(payload), options);
  if (!marked.ok()) return result_object(marked.status());
  Result<std::vector<uint8_t>> png = encode_png(marked.value().image);
  val out = result_object(png.status());
  if (png.ok()) {
    out.set("bytes", bytes_to_js(png.value()));
    out.set("psnr", marked.value().psnr_db);
    out.set("payloadBits", marked.value().payload_bits);
  }
  return out;
}

// Marks a decoded image (borrowed); returns {image (a new ImageHandle JS
// owns), psnr, payloadBits}, so the caller encodes once in the format it
// wants. payload_bits as in imagemark_embed_js.
val imagemark_embed_image_js(const ImageHandle& source, std::string key, std::string payload_text, double psnr_db,
                             int payload_bits) {
  uint64_t payload = 0;
  if (!parse_payload_hex(payload_text, payload)) return bad_payload_status();
  imagemark::EmbedOptions options;
  if (psnr_db > 0) options.psnr_db = psnr_db;
  options.payload_bits = payload_bits;
  Result<imagemark::EmbedReport> marked = imagemark::embed(source.image(), key, payload_bytes(payload), options);
  val out = result_object(marked.status());
  if (marked.ok()) {
    out.set("psnr", marked.value().psnr_db);
    out.set("payloadBits", marked.value().payload_bits);
    out.set("image", ImageHandle(std::move(marked.value().image)));
  }
  return out;
}

val detect_report(const Image& image, const std::string& key) {
  Result<imagemark::DetectReport> r = imagemark::detect(image, key);
  val out = result_object(r.status());
  if (!r.ok()) return out;
  const imagemark::DetectReport& d = r.value();
  val report = val::object();
  report.set("found", d.found);
  report.set("payload", d.found ? val(payload_hex(payload_value(d.payload))) : val::null());
  report.set("payloadBits", d.payload_bits);
  report.set("confidence", d.confidence);
  report.set("z", d.z);
  report.set("falsePositiveBound", d.false_positive_bound);
  report.set("synchronized", d.synchronized);
  report.set("tooSmall", d.too_small);
  report.set("scale", d.scale);
  report.set("rotationDegrees", d.rotation_deg);
  val map = val::object();
  map.set("columns", d.map_width);
  map.set("rows", d.map_height);
  map.set("cellWidth", d.map_cell);
  map.set("cellHeight", d.map_cell);
  map.set("scores", val::array(d.map.begin(), d.map.end()));
  report.set("map", map);
  out.set("report", report);
  return out;
}

// Looks for the mark of `key` in an image file.
val imagemark_detect_js(val file_bytes, std::string key, double max_pixels) {
  Result<DecodedImage> decoded = decode_js_image(file_bytes, max_pixels);
  if (!decoded.ok()) return result_object(decoded.status());
  return detect_report(decoded.value().image, key);
}

// The same on a decoded image (borrowed).
val imagemark_detect_image_js(const ImageHandle& image, std::string key) { return detect_report(image.image(), key); }

}  // namespace filigrane::wasm

EMSCRIPTEN_BINDINGS(filigrane_imagemark) {
  emscripten::function("imagemarkEmbed", &filigrane::wasm::imagemark_embed_js);
  emscripten::function("imagemarkDetect", &filigrane::wasm::imagemark_detect_js);
  emscripten::function("imagemarkEmbedImage", &filigrane::wasm::imagemark_embed_image_js);
  emscripten::function("imagemarkDetectImage", &filigrane::wasm::imagemark_detect_image_js);
}
