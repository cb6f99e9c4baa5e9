// Embind bindings for the Stable Diffusion invisible-watermark matcher (core/sdmark).
#include <emscripten/bind.h>

#include "core/sdmark/sdmark.h"
#include "wasm/binding_support.h"

using emscripten::val;

namespace filigrane::wasm {

// Decides whether an image file carries one of the known SD dwtDct messages.
val sdmark_detect_js(val file_bytes, double max_pixels) {
  Result<DecodedImage> decoded = decode_js_image(file_bytes, max_pixels);
  val out = result_object(decoded.status());
  if (!decoded.ok()) return out;
  const sdmark::SdMatch m = sdmark::match_sd_message(decoded.value().image);
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

}  // namespace filigrane::wasm

EMSCRIPTEN_BINDINGS(filigrane_sdmark) {
  emscripten::function("sdmarkDetect", &filigrane::wasm::sdmark_detect_js);
}
