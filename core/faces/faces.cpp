#include "core/faces/faces.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace filigrane::faces {
namespace {

constexpr uint32_t kMaxSide = 1u << 16;
// Below this area ratio a contained box is a partial view, never blended.
constexpr double kPartialAreaRatio = 0.5;

double area(const Box& b) { return b.width > 0 && b.height > 0 ? b.width * b.height : 0.0; }

double intersection(const Box& a, const Box& b) {
  const double w = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
  const double h = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0.0;
}

bool in_unit_range(double v) { return std::isfinite(v) && v >= 0 && v <= 1; }

// Tile origins along one axis of `length` pixels: one centred tile when the
// tile is at least as long, else evenly spaced tiles overlapping by >= overlap.
std::vector<double> axis_origins(double length, double side, double overlap) {
  if (length <= side) return {(length - side) / 2};
  const double stride = side - overlap;
  const auto count = static_cast<size_t>(std::ceil((length - side) / stride)) + 1;
  std::vector<double> origins(count);
  for (size_t i = 0; i < count; ++i) origins[i] = (length - side) * static_cast<double>(i) / static_cast<double>(count - 1);
  return origins;
}

struct Level {
  double side, overlap;
};

// Level sides from the whole image down to `finest`, halving each time.
std::vector<Level> plan_levels(double longest, double finest, const TileOptions& o) {
  std::vector<Level> levels{{longest, 0}};
  double side = longest;
  while (side > finest) {
    const double coarser = side;
    side = std::max(side / 2, finest);
    // Faces below what the coarser level finds must fit whole in some tile here.
    const double smallest_found_above = o.min_detectable * coarser / kModelSize;
    levels.push_back({side, std::min(o.overlap_factor * smallest_found_above, side / 2)});
  }
  return levels;
}

size_t count_tiles(const std::vector<Level>& levels, double w, double h) {
  size_t n = 1;
  for (size_t k = 1; k < levels.size(); ++k) {
    n += axis_origins(w, levels[k].side, levels[k].overlap).size() * axis_origins(h, levels[k].side, levels[k].overlap).size();
  }
  return n;
}

Status check_head(const float* data, size_t size, size_t expected, const char* name) {
  if (data == nullptr) return InvalidArgument(std::string("faces: missing ") + name);
  if (size != expected) {
    return InvalidArgument(std::string("faces: ") + name + " has " + std::to_string(size) + " values, expected " + std::to_string(expected));
  }
  return Status::Ok();
}

}  // namespace

double box_iou(const Box& a, const Box& b) {
  const double inter = intersection(a, b);
  if (inter <= 0) return 0.0;
  return inter / (area(a) + area(b) - inter);
}

std::vector<Anchor> blazeface_anchors() {
  std::vector<Anchor> anchors;
  anchors.reserve(kAnchorCount);
  for (const auto& [cells, per_cell] : {std::pair<int, int>{16, 2}, std::pair<int, int>{8, 6}}) {
    for (int row = 0; row < cells; ++row) {
      for (int col = 0; col < cells; ++col) {
        for (int a = 0; a < per_cell; ++a) anchors.push_back({(col + 0.5) / cells, (row + 0.5) / cells});
      }
    }
  }
  return anchors;
}

Result<TilePlan> plan_tiles(uint32_t width, uint32_t height, const TileOptions& o) {
  if (width == 0 || height == 0 || width > kMaxSide || height > kMaxSide) {
    return InvalidArgument("faces: image sides must be 1..65536 pixels");
  }
  if (!(std::isfinite(o.min_face) && o.min_face > 0 && std::isfinite(o.min_detectable) && o.min_detectable > 0 &&
        std::isfinite(o.overlap_factor) && o.overlap_factor >= 0 && o.max_tiles >= 1)) {
    return InvalidArgument("faces: tile options must be positive and finite");
  }
  const double w = width, h = height, longest = std::max(w, h);
  double finest = kModelSize * o.min_face / o.min_detectable;
  std::vector<Level> levels = plan_levels(longest, finest, o);
  // Too many tiles (huge image or tiny min_face): coarsen the finest level.
  while (count_tiles(levels, w, h) > o.max_tiles) {
    finest *= 1.25;
    levels = plan_levels(longest, finest, o);
  }
  TilePlan plan;
  plan.tiles.push_back({(w - longest) / 2, (h - longest) / 2, longest, 0});
  for (size_t k = 1; k < levels.size(); ++k) {
    const std::vector<double> xs = axis_origins(w, levels[k].side, levels[k].overlap);
    const std::vector<double> ys = axis_origins(h, levels[k].side, levels[k].overlap);
    for (double y : ys) {
      for (double x : xs) plan.tiles.push_back({x, y, levels[k].side, static_cast<int>(k)});
    }
  }
  plan.effective_min_face = o.min_detectable * levels.back().side / kModelSize;
  return plan;
}

std::vector<Detection> weighted_suppression(std::vector<Detection> candidates, double iou) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  std::vector<Detection> kept;
  std::vector<bool> used(candidates.size(), false);
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (used[i]) continue;
    const Detection& best = candidates[i];
    double sum = 0, x = 0, y = 0, x1 = 0, y1 = 0;
    for (size_t j = i; j < candidates.size(); ++j) {
      if (used[j] || (j != i && box_iou(best.box, candidates[j].box) < iou)) continue;
      used[j] = true;
      const Detection& c = candidates[j];
      sum += c.score;
      x += c.score * c.box.x;
      y += c.score * c.box.y;
      x1 += c.score * (c.box.x + c.box.width);
      y1 += c.score * (c.box.y + c.box.height);
    }
    if (sum <= 0) {  // all-zero scores: nothing to weight by
      kept.push_back(best);
      continue;
    }
    kept.push_back({{x / sum, y / sum, (x1 - x) / sum, (y1 - y) / sum}, best.score});
  }
  return kept;
}

Result<std::vector<Detection>> decode_tile(const RawOutputs& out, const Tile& tile, const DecodeOptions& options) {
  for (const Status& s : {check_head(out.fine_scores, out.fine_scores_size, kFineAnchors, "fine scores"),
                          check_head(out.fine_boxes, out.fine_boxes_size, kFineAnchors * kValuesPerAnchor, "fine boxes"),
                          check_head(out.coarse_scores, out.coarse_scores_size, kCoarseAnchors, "coarse scores"),
                          check_head(out.coarse_boxes, out.coarse_boxes_size, kCoarseAnchors * kValuesPerAnchor, "coarse boxes")}) {
    if (!s.ok()) return s;
  }
  if (!(std::isfinite(tile.x) && std::isfinite(tile.y) && std::isfinite(tile.side) && tile.side > 0)) {
    return InvalidArgument("faces: the tile needs a finite origin and a positive side");
  }
  if (!in_unit_range(options.score_threshold) || !in_unit_range(options.suppression_iou)) {
    return InvalidArgument("faces: score threshold and suppression IoU must be in [0, 1]");
  }
  static const std::vector<Anchor> anchors = blazeface_anchors();
  std::vector<Detection> candidates;
  for (size_t i = 0; i < kAnchorCount; ++i) {
    const bool fine = i < kFineAnchors;
    const size_t k = fine ? i : i - kFineAnchors;
    const float logit = fine ? out.fine_scores[k] : out.coarse_scores[k];
    if (!std::isfinite(logit)) continue;
    // MediaPipe clips logits to +-100 before the sigmoid.
    const double score = 1.0 / (1.0 + std::exp(-std::clamp(static_cast<double>(logit), -100.0, 100.0)));
    if (score < options.score_threshold) continue;
    const float* v = (fine ? out.fine_boxes : out.coarse_boxes) + k * kValuesPerAnchor;
    if (!(std::isfinite(v[0]) && std::isfinite(v[1]) && std::isfinite(v[2]) && std::isfinite(v[3]))) continue;
    const double cx = anchors[i].cx + v[0] / kModelSize, cy = anchors[i].cy + v[1] / kModelSize;
    const double bw = v[2] / static_cast<double>(kModelSize), bh = v[3] / static_cast<double>(kModelSize);
    if (!(bw > 0 && bh > 0)) continue;
    candidates.push_back({{tile.x + (cx - bw / 2) * tile.side, tile.y + (cy - bh / 2) * tile.side, bw * tile.side, bh * tile.side},
                          score});
  }
  return weighted_suppression(std::move(candidates), options.suppression_iou);
}

Result<std::vector<Detection>> merge_detections(std::vector<Detection> detections, uint32_t width, uint32_t height,
                                                const MergeOptions& options) {
  if (width == 0 || height == 0 || width > kMaxSide || height > kMaxSide) {
    return InvalidArgument("faces: image sides must be 1..65536 pixels");
  }
  if (!in_unit_range(options.iou) || !in_unit_range(options.containment)) {
    return InvalidArgument("faces: merge IoU and containment must be in [0, 1]");
  }
  std::stable_sort(detections.begin(), detections.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  struct Cluster {
    Detection d;
    double weight;  // sum of blended scores
  };
  std::vector<Cluster> kept;
  for (const Detection& d : detections) {
    if (!(std::isfinite(d.score) && std::isfinite(d.box.x) && std::isfinite(d.box.y) && area(d.box) > 0 &&
          std::isfinite(area(d.box)))) {
      continue;
    }
    Cluster* match = nullptr;
    bool blend = false;
    for (Cluster& c : kept) {
      const double smaller = std::min(area(c.d.box), area(d.box)), larger = std::max(area(c.d.box), area(d.box));
      const bool contained = intersection(c.d.box, d.box) >= options.containment * smaller;
      // A much smaller box inside a larger one is a partial view even when
      // their IoU passes: blending would shrink the whole face.
      if (contained && smaller < kPartialAreaRatio * larger) {
        match = &c;
        break;
      }
      if (box_iou(c.d.box, d.box) >= options.iou) {
        match = &c;
        blend = true;
        break;
      }
      if (contained) {
        match = &c;
        break;
      }
    }
    if (match == nullptr) {
      kept.push_back({d, d.score});
    } else if (blend) {
      const double wa = match->weight, wb = d.score, sum = wa + wb;
      if (sum > 0) {
        Box& b = match->d.box;
        const double x1 = ((b.x + b.width) * wa + (d.box.x + d.box.width) * wb) / sum;
        const double y1 = ((b.y + b.height) * wa + (d.box.y + d.box.height) * wb) / sum;
        b.x = (b.x * wa + d.box.x * wb) / sum;
        b.y = (b.y * wa + d.box.y * wb) / sum;
        b.width = x1 - b.x;
        b.height = y1 - b.y;
        match->weight = sum;
      }
    } else if (area(d.box) > area(match->d.box)) {
      // A tile saw only part of this face: the larger view is the whole face.
      match->d.box = d.box;
      match->weight = d.score;
    }
  }
  std::vector<Detection> merged;
  for (const Cluster& c : kept) {
    const double x0 = std::max(0.0, c.d.box.x), y0 = std::max(0.0, c.d.box.y);
    const double x1 = std::min<double>(width, c.d.box.x + c.d.box.width);
    const double y1 = std::min<double>(height, c.d.box.y + c.d.box.height);
    if (x1 > x0 && y1 > y0) merged.push_back({{x0, y0, x1 - x0, y1 - y0}, c.d.score});
  }
  return merged;
}

}  // namespace filigrane::faces
