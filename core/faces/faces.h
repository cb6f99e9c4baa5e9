// Face detection post-processing for MediaPipe BlazeFace (the "back" model,
// 256x256 input) and the tiling that lets it find small faces in large images.
//
// The network itself runs outside the core (ONNX Runtime Web); the core turns
// its raw outputs into boxes. One inference sees one square tile of the
// image, resampled to 256x256 (letterboxed where the tile extends beyond the
// image). The model has two heads:
//   fine:   16x16 cells x 2 anchors = 512 scores (logits), 512 x 16 box values
//   coarse:  8x8 cells  x 6 anchors = 384 scores (logits), 384 x 16 box values
// Box values per anchor: centre offset x, y and width, height in input pixels,
// then 6 key points (x, y) we ignore. Anchor centre = (cell + 0.5) / cells.
//
// Pipeline: plan_tiles() -> per tile decode_tile() (sigmoid, threshold,
// decode, weighted suppression, map to image pixels) -> merge_detections()
// across tiles (overlap or containment, since tiles overlap).
//
// All functions are pure: they read their arguments and return new values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/status.h"

namespace filigrane::faces {

inline constexpr int kModelSize = 256;
inline constexpr size_t kFineAnchors = 16 * 16 * 2;
inline constexpr size_t kCoarseAnchors = 8 * 8 * 6;
inline constexpr size_t kAnchorCount = kFineAnchors + kCoarseAnchors;
inline constexpr size_t kValuesPerAnchor = 16;

// Axis-aligned box; x, y is the top-left corner.
struct Box {
  double x = 0, y = 0, width = 0, height = 0;
};

struct Detection {
  Box box;            // image pixels
  double score = 0;   // sigmoid of the logit, in [0, 1]
};

// Anchor centre in normalised tile coordinates [0, 1].
struct Anchor {
  double cx = 0, cy = 0;
};

// The 896 anchors in the model's output order: the fine grid (row-major
// cells, 2 anchors each), then the coarse grid (6 each).
std::vector<Anchor> blazeface_anchors();

// A square region of the image fed to one inference, in image pixels. It may
// extend beyond the image (the caller pads with black); the model sees it
// resampled to kModelSize x kModelSize. `level` 0 is the whole image.
struct Tile {
  double x = 0, y = 0, side = 0;
  int level = 0;
};

struct TileOptions {
  double min_face = 24;        // smallest face (image px) the plan should make detectable
  double min_detectable = 24;  // smallest face (model input px) the model finds reliably
  double overlap_factor = 1;   // tile overlap = factor * smallest face the coarser level finds
  uint32_t max_tiles = 512;    // the finest level is coarsened until the plan fits
};

struct TilePlan {
  std::vector<Tile> tiles;        // level 0 first
  double effective_min_face = 0;  // smallest face (image px) the finest level makes detectable
};

// Plans the crops for a width x height image: level 0 is the whole image,
// letterboxed (centred) into a square; each further level halves the tile
// side, with overlapping tiles covering the image, down to the side at which
// `min_face` image pixels become `min_detectable` model pixels. Images small
// enough for level 0 alone get one tile. Fails with kInvalidArgument for a
// zero side, a side above 65536 or non-positive / non-finite options.
Result<TilePlan> plan_tiles(uint32_t width, uint32_t height, const TileOptions& options = {});

// Raw outputs of one inference (borrowed; only read during the call).
struct RawOutputs {
  const float* fine_scores = nullptr;    // kFineAnchors logits
  size_t fine_scores_size = 0;
  const float* fine_boxes = nullptr;     // kFineAnchors * kValuesPerAnchor
  size_t fine_boxes_size = 0;
  const float* coarse_scores = nullptr;  // kCoarseAnchors logits
  size_t coarse_scores_size = 0;
  const float* coarse_boxes = nullptr;   // kCoarseAnchors * kValuesPerAnchor
  size_t coarse_boxes_size = 0;
};

struct DecodeOptions {
  double score_threshold = 0.75;  // keep anchors whose sigmoid score is >= this
  double suppression_iou = 0.3;   // weighted suppression blends boxes above this IoU
};

// Decodes one tile's outputs into detections in image pixels: sigmoid
// scores, threshold, box decoding, weighted suppression, mapping through
// `tile`. Non-finite values are skipped. Fails with kInvalidArgument when an
// array is null or not of its exact size, the tile side is not positive and
// finite, or the options are outside [0, 1].
Result<std::vector<Detection>> decode_tile(const RawOutputs& outputs, const Tile& tile,
                                           const DecodeOptions& options = {});

// MediaPipe-style weighted non-maximum suppression: candidates sorted by
// score; each cluster (IoU >= iou with its best member) becomes one box, the
// score-weighted mean of its members, with the best member's score. Never
// fails; returns the result sorted by score, highest first.
std::vector<Detection> weighted_suppression(std::vector<Detection> candidates, double iou);

struct MergeOptions {
  double iou = 0.3;          // same face seen by two tiles: blend
  double containment = 0.6;  // intersection / smaller area: a partial view of a face: keep the larger box
};

// Merges detections gathered from all tiles of a width x height image, sorted
// by score: a detection overlapping a kept one (IoU >= iou) is blended into
// it; one mostly inside a kept one or containing it (containment) is folded
// into it, keeping the larger box and the higher score. Boxes are clipped to
// the image; empty ones are dropped. Fails with kInvalidArgument for a zero
// image side or options outside [0, 1].
Result<std::vector<Detection>> merge_detections(std::vector<Detection> detections, uint32_t width,
                                                uint32_t height, const MergeOptions& options = {});

// Intersection over union of two boxes; 0 when either is empty.
double box_iou(const Box& a, const Box& b);

}  // namespace filigrane::faces
