// BlazeFace post-processing and tiling (core/faces) on synthetic model outputs.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/faces/faces.h"

using namespace filigrane;
using namespace filigrane::faces;

namespace {

// Outputs of one inference with every logit at -20 (score ~2e-9).
struct FakeOutputs {
  std::vector<float> fine_scores = std::vector<float>(kFineAnchors, -20.0f);
  std::vector<float> fine_boxes = std::vector<float>(kFineAnchors * kValuesPerAnchor, 0.0f);
  std::vector<float> coarse_scores = std::vector<float>(kCoarseAnchors, -20.0f);
  std::vector<float> coarse_boxes = std::vector<float>(kCoarseAnchors * kValuesPerAnchor, 0.0f);

  RawOutputs raw() const {
    return {fine_scores.data(), fine_scores.size(), fine_boxes.data(), fine_boxes.size(),
            coarse_scores.data(), coarse_scores.size(), coarse_boxes.data(), coarse_boxes.size()};
  }
  // Anchor `index` (0..895, model order) gets `logit` and a box offset (dx, dy) and size (w, h) in input px.
  void set(size_t index, float logit, float dx, float dy, float w, float h) {
    const bool fine = index < kFineAnchors;
    const size_t k = fine ? index : index - kFineAnchors;
    (fine ? fine_scores : coarse_scores)[k] = logit;
    float* v = (fine ? fine_boxes : coarse_boxes).data() + k * kValuesPerAnchor;
    v[0] = dx, v[1] = dy, v[2] = w, v[3] = h;
  }
};

float logit_of(double p) { return static_cast<float>(std::log(p / (1 - p))); }

}  // namespace

TEST_CASE("faces: anchors follow the two grids in output order") {
  const std::vector<Anchor> a = blazeface_anchors();
  REQUIRE(a.size() == 896);
  CHECK(a[0].cx == doctest::Approx(0.5 / 16));
  CHECK(a[1].cx == doctest::Approx(0.5 / 16));  // 2 anchors per fine cell
  CHECK(a[2].cx == doctest::Approx(1.5 / 16));
  CHECK(a[32].cy == doctest::Approx(1.5 / 16));  // second row of the fine grid
  CHECK(a[511].cx == doctest::Approx(15.5 / 16));
  CHECK(a[512].cx == doctest::Approx(0.5 / 8));
  CHECK(a[517].cx == doctest::Approx(0.5 / 8));  // 6 anchors per coarse cell
  CHECK(a[518].cx == doctest::Approx(1.5 / 8));
  CHECK(a[895].cy == doctest::Approx(7.5 / 8));
}

TEST_CASE("faces: decode maps offsets in input pixels through the tile") {
  FakeOutputs out;
  // Fine cell (row 4, col 8): anchor centre (136, 72) input px; box 32x40 shifted by (+4, -2).
  out.set((4 * 16 + 8) * 2, logit_of(0.9), 4, -2, 32, 40);
  Result<std::vector<Detection>> r = decode_tile(out.raw(), {0, 0, 256, 0});
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 1);
  const Detection& d = r.value()[0];
  CHECK(d.score == doctest::Approx(0.9).epsilon(1e-5));
  CHECK(d.box.x == doctest::Approx(140 - 16));
  CHECK(d.box.y == doctest::Approx(70 - 20));
  CHECK(d.box.width == doctest::Approx(32));
  CHECK(d.box.height == doctest::Approx(40));

  // The same output from a 512-px tile at (100, 50): everything doubles, then shifts.
  r = decode_tile(out.raw(), {100, 50, 512, 1});
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 1);
  CHECK(r.value()[0].box.x == doctest::Approx(100 + 2 * 124));
  CHECK(r.value()[0].box.y == doctest::Approx(50 + 2 * 50));
  CHECK(r.value()[0].box.width == doctest::Approx(64));

  // Coarse head: last anchor of cell (row 7, col 7), centre (240, 240).
  FakeOutputs coarse;
  coarse.set(895, 3.0f, 0, 0, 20, 20);
  r = decode_tile(coarse.raw(), {0, 0, 256, 0});
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 1);
  CHECK(r.value()[0].box.x == doctest::Approx(230));
}

TEST_CASE("faces: threshold keeps scores at or above it; non-finite values are skipped") {
  FakeOutputs out;
  out.set(10, logit_of(0.80), 0, 0, 20, 20);
  out.set(100, logit_of(0.70), 0, 0, 20, 20);
  out.set(200, std::numeric_limits<float>::quiet_NaN(), 0, 0, 20, 20);
  out.set(300, 5.0f, std::numeric_limits<float>::infinity(), 0, 20, 20);
  out.set(400, 5.0f, 0, 0, -3, 20);  // negative size
  Result<std::vector<Detection>> r = decode_tile(out.raw(), {0, 0, 256, 0}, {0.75, 0.3});
  REQUIRE(r.ok());
  CHECK(r.value().size() == 1);
  r = decode_tile(out.raw(), {0, 0, 256, 0}, {0.5, 0.3});
  REQUIRE(r.ok());
  CHECK(r.value().size() == 2);
  CHECK(r.value()[0].score > r.value()[1].score);
}

TEST_CASE("faces: decode validates sizes, tile and options") {
  FakeOutputs out;
  RawOutputs raw = out.raw();
  raw.fine_scores_size = 511;
  CHECK(decode_tile(raw, {0, 0, 256, 0}).status().code() == StatusCode::kInvalidArgument);
  raw = out.raw();
  raw.coarse_boxes_size = kCoarseAnchors * kValuesPerAnchor + 1;
  CHECK(decode_tile(raw, {0, 0, 256, 0}).status().code() == StatusCode::kInvalidArgument);
  raw = out.raw();
  raw.fine_boxes = nullptr;
  CHECK(decode_tile(raw, {0, 0, 256, 0}).status().code() == StatusCode::kInvalidArgument);
  CHECK(decode_tile(out.raw(), {0, 0, 0, 0}).status().code() == StatusCode::kInvalidArgument);
  CHECK(decode_tile(out.raw(), {NAN, 0, 256, 0}).status().code() == StatusCode::kInvalidArgument);
  CHECK(decode_tile(out.raw(), {0, 0, 256, 0}, {1.5, 0.3}).status().code() == StatusCode::kInvalidArgument);
  CHECK(decode_tile(out.raw(), {0, 0, 256, 0}, {0.5, -0.1}).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("faces: weighted suppression sorts by score and blends a cluster") {
  // Unsorted input: the best box comes last; the first two overlap it, the third is apart.
  std::vector<Detection> in = {
      {{12, 10, 20, 20}, 0.6},
      {{8, 10, 20, 20}, 0.6},
      {{100, 100, 20, 20}, 0.7},
      {{10, 10, 20, 20}, 0.9},
  };
  const std::vector<Detection> out = weighted_suppression(in, 0.3);
  REQUIRE(out.size() == 2);
  CHECK(out[0].score == doctest::Approx(0.9));  // the cluster keeps its best score
  CHECK(out[0].box.x == doctest::Approx((10 * 0.9 + 12 * 0.6 + 8 * 0.6) / 2.1));
  CHECK(out[0].box.width == doctest::Approx(20));
  CHECK(out[1].score == doctest::Approx(0.7));
  CHECK(out[1].box.x == doctest::Approx(100));
  CHECK(weighted_suppression({}, 0.3).empty());
}

TEST_CASE("faces: merge blends overlaps, folds partial views, clips to the image") {
  std::vector<Detection> in = {
      {{100, 100, 40, 40}, 0.9},
      {{104, 100, 40, 40}, 0.8},   // same face from a neighbouring tile
      {{100, 100, 18, 38}, 0.95},  // left half of it, cut by a tile edge: inside the full box
      {{300, 10, 40, 40}, 0.85},
      {{-10, -10, 30, 30}, 0.8},   // crosses the image corner
  };
  Result<std::vector<Detection>> r = merge_detections(in, 400, 300);
  REQUIRE(r.ok());
  const std::vector<Detection>& out = r.value();
  REQUIRE(out.size() == 3);
  // The partial view had the best score; the merged face has the whole face's box.
  CHECK(out[0].score == doctest::Approx(0.95));
  CHECK(out[0].box.width > 35);
  CHECK(out[0].box.x == doctest::Approx(100).epsilon(0.05));
  CHECK(out[2].box.x == doctest::Approx(0));
  CHECK(out[2].box.width == doctest::Approx(20));
  // Separate faces stay separate.
  r = merge_detections({{{0, 0, 20, 20}, 0.9}, {{30, 0, 20, 20}, 0.9}}, 100, 100);
  REQUIRE(r.ok());
  CHECK(r.value().size() == 2);
}

TEST_CASE("faces: merge drops junk and validates its arguments") {
  std::vector<Detection> in = {
      {{NAN, 0, 10, 10}, 0.9},
      {{0, 0, 0, 10}, 0.9},
      {{500, 500, 10, 10}, 0.9},  // outside the image: empty once clipped
      {{0, 0, 10, 10}, NAN},
  };
  Result<std::vector<Detection>> r = merge_detections(in, 100, 100);
  REQUIRE(r.ok());
  CHECK(r.value().empty());
  CHECK(merge_detections({}, 0, 10).status().code() == StatusCode::kInvalidArgument);
  CHECK(merge_detections({}, 10, 10, {1.2, 0.5}).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("faces: a small image is one letterboxed tile") {
  Result<TilePlan> r = plan_tiles(200, 100);
  REQUIRE(r.ok());
  REQUIRE(r.value().tiles.size() == 1);
  const Tile& t = r.value().tiles[0];
  CHECK(t.side == doctest::Approx(200));
  CHECK(t.x == doctest::Approx(0));
  CHECK(t.y == doctest::Approx(-50));  // centred: 50 px of padding above and below
  CHECK(r.value().effective_min_face <= 24);
}

TEST_CASE("faces: tiles cover a large image with overlap at every level") {
  const uint32_t w = 1024, h = 768;
  Result<TilePlan> r = plan_tiles(w, h);
  REQUIRE(r.ok());
  const TilePlan& plan = r.value();
  CHECK(plan.tiles[0].level == 0);
  CHECK(plan.tiles[0].side == doctest::Approx(1024));
  CHECK(plan.effective_min_face <= 24.0 + 1e-9);
  int max_level = 0;
  for (const Tile& t : plan.tiles) max_level = std::max(max_level, t.level);
  CHECK(max_level >= 2);
  for (int level = 1; level <= max_level; ++level) {
    double side = 0;
    std::vector<Tile> tiles;
    for (const Tile& t : plan.tiles) {
      if (t.level != level) continue;
      tiles.push_back(t);
      side = t.side;
      CHECK(t.x >= -1e-9);
      CHECK(t.x + t.side <= w + 1e-9);
    }
    REQUIRE(!tiles.empty());
    // Every face up to the overlap fits whole inside some tile: probe a grid of such faces.
    const double face = 24.0 * (level == 1 ? 1024 : side * 2) / 256;  // smallest face the coarser level finds
    for (double fy = 0; fy + face <= h; fy += 17) {
      for (double fx = 0; fx + face <= w; fx += 17) {
        bool inside = false;
        for (const Tile& t : tiles) {
          const double top = std::max(t.y, 0.0), bottom = std::min(t.y + t.side, static_cast<double>(h));
          if (fx >= t.x && fx + face <= t.x + t.side && fy >= top && fy + face <= bottom) inside = true;
        }
        REQUIRE_MESSAGE(inside, "face at ", fx, ",", fy, " size ", face, " on level ", level);
      }
    }
  }
}

TEST_CASE("faces: plan validates its input and caps the tile count") {
  CHECK(plan_tiles(0, 10).status().code() == StatusCode::kInvalidArgument);
  CHECK(plan_tiles(10, 70000).status().code() == StatusCode::kInvalidArgument);
  TileOptions bad;
  bad.min_face = 0;
  CHECK(plan_tiles(100, 100, bad).status().code() == StatusCode::kInvalidArgument);
  bad = {};
  bad.overlap_factor = NAN;
  CHECK(plan_tiles(100, 100, bad).status().code() == StatusCode::kInvalidArgument);
  Result<TilePlan> huge = plan_tiles(65536, 65536);
  REQUIRE(huge.ok());
  CHECK(huge.value().tiles.size() <= TileOptions{}.max_tiles);
  CHECK(huge.value().effective_min_face > 24);  // coarsened to fit
  Result<TilePlan> one = plan_tiles(1, 1);
  REQUIRE(one.ok());
  CHECK(one.value().tiles.size() == 1);
}
