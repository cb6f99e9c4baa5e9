// Embind bindings for the text reader's numeric steps and the personal-data
// matchers (core/text). The networks themselves run in ONNX Runtime Web;
// these functions prepare their inputs and read their outputs.
#include <emscripten/bind.h>

#include <cmath>

#include "core/text/ocr.h"
#include "core/text/pii.h"
#include "wasm/binding_support.h"
#include "wasm/image_handle.h"

using emscripten::val;

namespace filigrane::wasm {
namespace {

constexpr size_t kMaxFloats = size_t{1} << 28;  // 1 GiB of float32: far above any real tensor

// Copies a JS Float32Array into a vector; false when it is too long.
bool floats_from_js(const val& array, std::vector<float>& out) {
  const size_t length = array["length"].as<size_t>();
  if (length > kMaxFloats) return false;
  out.resize(length);
  if (length > 0) {
    val view(emscripten::typed_memory_view(length, out.data()));
    view.call<void>("set", array);
  }
  return true;
}

val floats_to_js(const std::vector<float>& data) {
  return val::global("Float32Array").new_(emscripten::typed_memory_view(data.size(), data.data()));
}

bool whole(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi && v == std::floor(v); }

double number_or(const val& options, const char* name, double fallback) {
  if (options.isUndefined() || options.isNull()) return fallback;
  const val v = options[name];
  return v.isNumber() ? v.as<double>() : fallback;
}

}  // namespace

// The image comes as an ImageHandle (borrowed): the decode the caller holds,
// read where it lies rather than copied in from JS for every step.

// {status, data: Float32Array [3,h,w] BGR, width, height, scaleX, scaleY}
val text_detector_input_js(const ImageHandle& image, double max_side) {
  if (!whole(max_side, 32, text::kMaxMapSide)) return result_object(InvalidArgument("maxSide must be 32..8192"));
  Result<text::DetectorInput> in = text::detector_input(image.image(), static_cast<uint32_t>(max_side));
  val out = result_object(in.status());
  if (!in.ok()) return out;
  out.set("data", floats_to_js(in.value().data));
  out.set("width", in.value().width);
  out.set("height", in.value().height);
  out.set("scaleX", in.value().scale_x);
  out.set("scaleY", in.value().scale_y);
  return out;
}

// {status, boxes: Float32Array of [x, y, width, height, score] per box}
val text_boxes_js(val probability, double map_width, double map_height, double scale_x, double scale_y,
                  double image_width, double image_height, val options) {
  if (!whole(map_width, 1, text::kMaxMapSide) || !whole(map_height, 1, text::kMaxMapSide) ||
      !whole(image_width, 1, 65536) || !whole(image_height, 1, 65536)) {
    return result_object(InvalidArgument("map and image sides out of range"));
  }
  std::vector<float> map;
  if (!floats_from_js(probability, map)) return result_object(TooLarge("probability map too large"));
  text::DbOptions db;
  db.threshold = static_cast<float>(number_or(options, "threshold", db.threshold));
  db.box_threshold = static_cast<float>(number_or(options, "boxThreshold", db.box_threshold));
  db.unclip_ratio = static_cast<float>(number_or(options, "unclipRatio", db.unclip_ratio));
  const double min_side = number_or(options, "minSide", db.min_side);
  if (!whole(min_side, 0, 1024)) return result_object(InvalidArgument("minSide must be 0..1024"));
  db.min_side = static_cast<uint32_t>(min_side);
  Result<std::vector<text::TextBox>> boxes =
      text::db_boxes(map.data(), map.size(), static_cast<uint32_t>(map_width), static_cast<uint32_t>(map_height),
                     scale_x, scale_y, static_cast<uint32_t>(image_width), static_cast<uint32_t>(image_height), db);
  val out = result_object(boxes.status());
  if (!boxes.ok()) return out;
  std::vector<float> flat;
  flat.reserve(boxes.value().size() * 5);
  for (const text::TextBox& b : boxes.value()) flat.insert(flat.end(), {b.x, b.y, b.width, b.height, b.score});
  out.set("boxes", floats_to_js(flat));
  return out;
}

// {status, inputs: [{data: Float32Array [3,height,width] BGR, width, contentWidth}]}, one per box.
val text_recognizer_inputs_js(const ImageHandle& image, val boxes_flat, double target_height, double min_width,
                              double max_width) {
  if (!whole(target_height, 8, 256) || !whole(min_width, 8, text::kMaxMapSide) || !whole(max_width, 8, text::kMaxMapSide)) {
    return result_object(InvalidArgument("recogniser sizes out of range"));
  }
  std::vector<float> flat;
  if (!floats_from_js(boxes_flat, flat) || flat.size() % 4 != 0 || flat.size() / 4 > text::kMaxBoxes) {
    return result_object(InvalidArgument("boxes must be [x, y, width, height] per box, at most 4096 boxes"));
  }
  val inputs = val::array();
  for (size_t i = 0; i < flat.size(); i += 4) {
    text::TextBox box{flat[i], flat[i + 1], flat[i + 2], flat[i + 3], 0};
    Result<text::RecognizerInput> in =
        text::recognizer_input(image.image(), box, static_cast<uint32_t>(target_height),
                               static_cast<uint32_t>(min_width), static_cast<uint32_t>(max_width));
    if (!in.ok()) return result_object(in.status());
    val item = val::object();
    item.set("data", floats_to_js(in.value().data));
    item.set("width", in.value().width);
    item.set("contentWidth", in.value().content_width);
    inputs.call<void>("push", item);
  }
  val out = result_object(Status::Ok());
  out.set("inputs", inputs);
  return out;
}

// {status, lines: [{classes: Int32Array, scores: Float32Array, score}]} for a [batch, steps, classes] tensor.
val text_ctc_decode_js(val probabilities, double batch, double steps, double classes) {
  if (!whole(batch, 1, 4096) || !whole(steps, 1, 65536) || !whole(classes, 1, 65536)) {
    return result_object(InvalidArgument("ctc shape out of range"));
  }
  std::vector<float> probs;
  if (!floats_from_js(probabilities, probs)) return result_object(TooLarge("ctc tensor too large"));
  const size_t per_line = static_cast<size_t>(steps) * static_cast<size_t>(classes);
  if (probs.size() != per_line * static_cast<size_t>(batch)) return result_object(InvalidArgument("ctc tensor size does not match its shape"));
  val lines = val::array();
  for (size_t b = 0; b < static_cast<size_t>(batch); ++b) {
    Result<text::CtcResult> r = text::ctc_greedy(probs.data() + b * per_line, per_line, static_cast<uint32_t>(steps),
                                                 static_cast<uint32_t>(classes));
    if (!r.ok()) return result_object(r.status());
    std::vector<int32_t> cls(r.value().classes.begin(), r.value().classes.end());
    val line = val::object();
    line.set("classes", val::global("Int32Array").new_(emscripten::typed_memory_view(cls.size(), cls.data())));
    line.set("scores", floats_to_js(r.value().scores));
    line.set("score", r.value().score);
    lines.call<void>("push", line);
  }
  val out = result_object(Status::Ok());
  out.set("lines", lines);
  return out;
}

// {status, matches: [{kind, begin, end, value}]}; begin/end count code points. kinds: bit mask, 0 = all.
val text_find_pii_js(std::string utf8, double kinds) {
  if (!whole(kinds, 0, text::kAllPiiKinds)) return result_object(InvalidArgument("unknown personal-data kinds"));
  const uint32_t mask = kinds == 0 ? text::kAllPiiKinds : static_cast<uint32_t>(kinds);
  Result<std::vector<text::PiiMatch>> r = text::find_pii(utf8, mask);
  val out = result_object(r.status());
  if (!r.ok()) return out;
  val matches = val::array();
  for (const text::PiiMatch& m : r.value()) {
    val item = val::object();
    item.set("kind", std::string(text::pii_kind_name(m.kind)));
    item.set("begin", static_cast<double>(m.begin));
    item.set("end", static_cast<double>(m.end));
    item.set("value", m.value);
    matches.call<void>("push", item);
  }
  out.set("matches", matches);
  return out;
}

}  // namespace filigrane::wasm

EMSCRIPTEN_BINDINGS(filigrane_text) {
  emscripten::function("textDetectorInput", &filigrane::wasm::text_detector_input_js);
  emscripten::function("textBoxes", &filigrane::wasm::text_boxes_js);
  emscripten::function("textRecognizerInputs", &filigrane::wasm::text_recognizer_inputs_js);
  emscripten::function("textCtcDecode", &filigrane::wasm::text_ctc_decode_js);
  emscripten::function("textFindPii", &filigrane::wasm::text_find_pii_js);
}
