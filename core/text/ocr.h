// The numeric work around a PP-OCR style text reader (the networks run in
// ONNX Runtime outside the core): detector input, DB post-processing of the
// detector's probability map into text boxes, recogniser input crops, and
// CTC greedy decoding of the recogniser's per-step class probabilities.
//
// Boxes are axis-aligned: Filigrane reads screenshots and documents, whose
// text is horizontal; a rotated line gets its bounding rectangle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/image.h"
#include "core/status.h"

namespace filigrane::text {

// Largest probability map / tensor side the functions below accept.
constexpr uint32_t kMaxMapSide = 8192;
// Most boxes db_boxes() returns (a page of text has a few hundred at most).
constexpr uint32_t kMaxBoxes = 4096;

// Detector input: float32 planar [3, height, width], channels B, G, R,
// each (x/255 - mean)/std with ImageNet mean/std; transparent pixels are
// composited over white first. width/height are multiples of 32.
struct DetectorInput {
  std::vector<float> data;
  uint32_t width = 0;
  uint32_t height = 0;
  double scale_x = 1;  // image px per input px
  double scale_y = 1;
};

// Shrinks `image` so its long side is at most `max_side` (never enlarges),
// rounds each side to the nearest multiple of 32 (at least 32) and
// normalises it. Fails with kInvalidArgument for an empty image or a max_side
// below 32 or above kMaxMapSide. The result owns its data.
Result<DetectorInput> detector_input(const Image& image, uint32_t max_side);

struct TextBox {
  float x = 0, y = 0, width = 0, height = 0;  // image pixels, clipped to the image
  float score = 0;                            // mean probability inside the box
};

struct DbOptions {
  float threshold = 0.3f;      // a map pixel is text when its probability exceeds this
  float box_threshold = 0.6f;  // boxes whose mean probability is lower are dropped
  float unclip_ratio = 1.5f;   // DB's shrunk kernels grow back by area*ratio/perimeter
  uint32_t min_side = 3;       // components thinner than this (map px) are noise
};

// DB post-processing: binarises `probability` (map_width x map_height,
// row-major, `count` floats), takes 8-connected components, scores each by
// the mean probability over its bounding rectangle, grows it by the unclip
// distance and maps it to image coordinates (scale_x/scale_y image px per
// map px, clipped to image_width x image_height). Boxes come back sorted
// top to bottom, then left to right within a line. Fails with
// kInvalidArgument when count != map_width*map_height, a side is zero or
// above kMaxMapSide, a scale is not positive, or an option is out of range;
// stops at kMaxBoxes boxes. `probability` is only read.
Result<std::vector<TextBox>> db_boxes(const float* probability, size_t count, uint32_t map_width,
                                      uint32_t map_height, double scale_x, double scale_y,
                                      uint32_t image_width, uint32_t image_height,
                                      const DbOptions& options = {});

// Recogniser input for one box: float32 planar [3, height, width], B, G, R,
// (x/255 - 0.5)/0.5; the crop is scaled to `height` keeping its aspect
// (at most max_width wide) and padded with zeros on the right to
// `width` = max(min_width, scaled width).
struct RecognizerInput {
  std::vector<float> data;
  uint32_t width = 0;         // padded width
  uint32_t content_width = 0; // width of the scaled crop inside it
};

// Fails with kInvalidArgument for an empty image, a box with no pixels inside
// the image, height outside 8..256, or min_width/max_width outside
// height..kMaxMapSide or min_width > max_width. `image` is only read.
Result<RecognizerInput> recognizer_input(const Image& image, const TextBox& box, uint32_t height,
                                         uint32_t min_width, uint32_t max_width);

struct CtcResult {
  std::vector<uint32_t> classes;  // class indices (blank and repeats removed)
  std::vector<float> scores;      // per kept class: its probability
  float score = 0;                // mean of `scores`, 0 when nothing was kept
};

// Greedy CTC decoding of `steps` x `classes` probabilities (row-major, one row
// per time step): arg-max per step, repeats merged, class `blank` dropped.
// Fails with kInvalidArgument when count != steps*classes, steps or classes
// is zero, or blank >= classes. `probabilities` is only read.
Result<CtcResult> ctc_greedy(const float* probabilities, size_t count, uint32_t steps, uint32_t classes,
                             uint32_t blank = 0);

}  // namespace filigrane::text
