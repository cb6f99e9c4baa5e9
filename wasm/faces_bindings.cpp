// Embind bindings for BlazeFace post-processing and tiling (core/faces).
// Every call returns {status, ...}; detections are plain JS objects.
#include <emscripten/bind.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/faces/faces.h"
#include "wasm/binding_support.h"

using emscripten::val;

namespace filigrane::wasm {
namespace {

// Largest array we copy: bigger than any head, small enough to refuse junk early.
constexpr size_t kMaxFloats = 1u << 20;

// Copies a JS array-like of numbers into `out`; false when it is not one or is too long.
bool floats_from_js(const val& array, std::vector<float>& out) {
  if (array.isNull() || array.isUndefined() || !array["length"].isNumber()) return false;
  const double length = array["length"].as<double>();
  if (!(length >= 0 && length <= kMaxFloats)) return false;
  out.assign(static_cast<size_t>(length), 0.0f);
  if (!out.empty()) {
    val view(emscripten::typed_memory_view(out.size(), out.data()));
    view.call<void>("set", array);
  }
  return true;
}

double number_or(const val& object, const char* key, double fallback) {
  if (object.isNull() || object.typeOf().as<std::string>() != "object") return fallback;
  const val v = object[key];
  return v.isNumber() ? v.as<double>() : fallback;
}

val detections_to_js(const std::vector<faces::Detection>& detections) {
  val list = val::array();
  for (const faces::Detection& d : detections) {
    val o = val::object();
    o.set("x", d.box.x);
    o.set("y", d.box.y);
    o.set("width", d.box.width);
    o.set("height", d.box.height);
    o.set("score", d.score);
    list.call<void>("push", o);
  }
  return list;
}

bool valid_side(double v) { return std::isfinite(v) && v >= 1 && v <= 65536; }

}  // namespace

// options: {minFace, minDetectable, overlapFactor, maxTiles}, each optional.
val faces_plan_tiles_js(double width, double height, val options) {
  if (!valid_side(width) || !valid_side(height)) return result_object(InvalidArgument("faces: image sides must be 1..65536 pixels"));
  faces::TileOptions o;
  o.min_face = number_or(options, "minFace", o.min_face);
  o.min_detectable = number_or(options, "minDetectable", o.min_detectable);
  o.overlap_factor = number_or(options, "overlapFactor", o.overlap_factor);
  const double max_tiles = number_or(options, "maxTiles", o.max_tiles);
  if (!(max_tiles >= 1 && max_tiles <= 100000)) return result_object(InvalidArgument("faces: maxTiles must be 1..100000"));
  o.max_tiles = static_cast<uint32_t>(max_tiles);
  Result<faces::TilePlan> plan = faces::plan_tiles(static_cast<uint32_t>(width), static_cast<uint32_t>(height), o);
  val out = result_object(plan.status());
  if (!plan.ok()) return out;
  val tiles = val::array();
  for (const faces::Tile& t : plan.value().tiles) {
    val tile = val::object();
    tile.set("x", t.x);
    tile.set("y", t.y);
    tile.set("side", t.side);
    tile.set("level", t.level);
    tiles.call<void>("push", tile);
  }
  out.set("tiles", tiles);
  out.set("effectiveMinFace", plan.value().effective_min_face);
  return out;
}

// The four output arrays of one inference (Float32Array or array-like), the
// tile {x, y, side} it saw, and the score threshold / suppression IoU.
val faces_decode_js(val fine_scores, val fine_boxes, val coarse_scores, val coarse_boxes, val tile,
                    double threshold, double suppression_iou) {
  std::vector<float> fs, fb, cs, cb;
  if (!floats_from_js(fine_scores, fs) || !floats_from_js(fine_boxes, fb) || !floats_from_js(coarse_scores, cs) ||
      !floats_from_js(coarse_boxes, cb)) {
    return result_object(InvalidArgument("faces: model outputs must be arrays of at most 2^20 numbers"));
  }
  const faces::RawOutputs raw{fs.data(), fs.size(), fb.data(), fb.size(), cs.data(), cs.size(), cb.data(), cb.size()};
  const faces::Tile t{number_or(tile, "x", NAN), number_or(tile, "y", NAN), number_or(tile, "side", NAN), 0};
  Result<std::vector<faces::Detection>> r = faces::decode_tile(raw, t, {threshold, suppression_iou});
  val out = result_object(r.status());
  if (r.ok()) out.set("detections", detections_to_js(r.value()));
  return out;
}

// detections: array of {x, y, width, height, score} in image pixels.
val faces_merge_js(val detections, double width, double height, double iou, double containment) {
  if (!valid_side(width) || !valid_side(height)) return result_object(InvalidArgument("faces: image sides must be 1..65536 pixels"));
  if (!detections.isArray()) return result_object(InvalidArgument("faces: detections must be an array"));
  const size_t n = detections["length"].as<size_t>();
  if (n > kMaxFloats) return result_object(TooLarge("faces: too many detections"));
  std::vector<faces::Detection> list;
  list.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const val d = detections[i];
    list.push_back({{number_or(d, "x", NAN), number_or(d, "y", NAN), number_or(d, "width", NAN), number_or(d, "height", NAN)},
                    number_or(d, "score", NAN)});
  }
  Result<std::vector<faces::Detection>> r = faces::merge_detections(
      std::move(list), static_cast<uint32_t>(width), static_cast<uint32_t>(height), {iou, containment});
  val out = result_object(r.status());
  if (r.ok()) out.set("detections", detections_to_js(r.value()));
  return out;
}

}  // namespace filigrane::wasm

EMSCRIPTEN_BINDINGS(filigrane_faces) {
  emscripten::function("facesPlanTiles", &filigrane::wasm::faces_plan_tiles_js);
  emscripten::function("facesDecode", &filigrane::wasm::faces_decode_js);
  emscripten::function("facesMerge", &filigrane::wasm::faces_merge_js);
}
