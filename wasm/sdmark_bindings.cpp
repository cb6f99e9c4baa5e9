// Embind bindings for the Stable Diffusion invisible-watermark matcher (core/sdmark).
#include <emscripten/bind.h>

#include "core/sdmark/sdmark.h"
#include "wasm/binding_support.h"
#include "wasm/image_handle.h"

using emscripten::val;

namespace filigrane::wasm {

namespace {
val sd_report(const Image& image) {
  val out = result_object(Status::Ok());
  const sdmark::SdMatch m = sdmark::match_sd_message(image);
  val report = val::object();
  report.set("found", m.found);
  report.set("kind", m.found ? val(std::string(sdmark::sd_kind_name(m.kind))) : val::null());
  report.set("bitAgreement", m.bit_agreement);
  report.set("agreeingBits", m.agreeing_bits);
  report.set("bits", m.num_bits);
  report.set("thresholdBits", m.threshold_bits);
  report.set("falseAlarmBound", m.false_alarm_bound);
  report.set("tooSmall", m.too_small);
  out.set("report", report);
  return out;
}
}  // namespace

// Decides whether an image file carries one of the known SD dwtDct messages.
val sdmark_detect_js(val file_bytes, double max_pixels) {
  Result<DecodedImage> decoded = decode_js_image(file_bytes, max_pixels);
  if (!decoded.ok()) return result_object(decoded.status());
  return sd_report(decoded.value().image);
}

// The same on a decoded image (borrowed).
val sdmark_detect_image_js(const ImageHandle& image) { return sd_report(image.image()); }

}  // namespace filigrane::wasm

EMSCRIPTEN_BINDINGS(filigrane_sdmark) {
  emscripten::function("sdmarkDetect", &filigrane::wasm::sdmark_detect_js);
  emscripten::function("sdmarkDetectImage", &filigrane::wasm::sdmark_detect_image_js);
}
