#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "core/codec.h"
#include "core/provenance/provenance.h"
#include "core/redact/redact.h"
#include "tests/native/test_support.h"

using namespace filigrane;
using filigrane::test::corpus_path;
using filigrane::test::load;
namespace rd = filigrane::redact;

namespace {

// A deterministic textured test image (straight alpha, some translucency).
Image pattern_image(uint32_t w, uint32_t h) {
  Image img = Image::create(w, h).value();
  for (uint32_t y = 0; y < h; ++y) {
    for (uint32_t x = 0; x < w; ++x) {
      uint8_t* p = img.pixel(x, y);
      p[0] = static_cast<uint8_t>((x * 7 + y * 3) ^ (x * y));
      p[1] = static_cast<uint8_t>(((x / 3) % 2) ? 240 : 10);
      p[2] = static_cast<uint8_t>(y * 5);
      p[3] = static_cast<uint8_t>(200 + (x + y) % 56);
    }
  }
  return img;
}

bool inside(uint32_t x, uint32_t y, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1) {
  return x >= x0 && x < x1 && y >= y0 && y < y1;
}

// Counts pixels that differ, inside and outside [x0,x1) x [y0,y1).
void count_changes(const Image& a, const Image& b, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1,
                   size_t& changed_inside, size_t& changed_outside) {
  changed_inside = changed_outside = 0;
  for (uint32_t y = 0; y < a.height(); ++y) {
    for (uint32_t x = 0; x < a.width(); ++x) {
      const bool differs = std::memcmp(a.pixel(x, y), b.pixel(x, y), 4) != 0;
      if (!differs) continue;
      (inside(x, y, x0, y0, x1, y1) ? changed_inside : changed_outside)++;
    }
  }
}

rd::Options style(rd::Style s) {
  rd::Options o;
  o.style = s;
  return o;
}

}  // namespace

TEST_CASE("redact: automatic strength follows the box size") {
  rd::Options o;
  CHECK(rd::blur_sigma(32, o) == 12);            // a text line: floor
  CHECK(rd::blur_sigma(400, o) == 100);          // min side / 4
  CHECK(rd::blur_sigma(1e9, o) == rd::kMaxSigma);
  CHECK(rd::pixel_cell(32, o) == 20);            // >= 28 px / 1.5
  CHECK(rd::pixel_cell(401, o) == 101);          // ceil(min side / 4)
  CHECK(rd::pixel_cell(1e9, o) == rd::kMaxCell);
  // Three boxes whose variance matches sigma^2 within a box's rounding.
  for (double sigma : {12.0, 13.3, 40.0, 128.0}) {
    CAPTURE(sigma);
    const rd::BlurPasses p = rd::blur_passes(sigma);
    double variance = 0;
    for (uint32_t r : p.radius) variance += ((2.0 * r + 1) * (2.0 * r + 1) - 1) / 12;
    CHECK(std::abs(std::sqrt(variance) - sigma) < 0.6);
    CHECK(p.radius[2] >= p.radius[0]);
  }
  CHECK(rd::blur_passes(12).radius[0] == 11);
  CHECK(rd::blur_passes(12).radius[2] == 12);
  CHECK(rd::blur_passes(128).radius[2] == 128);
  CHECK(rd::blur_passes(8).radius[0] == 0);  // below the floor
}

TEST_CASE("redact: each style changes only the inside of the box") {
  const Image src = pattern_image(97, 61);
  const rd::Box box{10.5, 7.2, 40, 30};  // rounds outwards to [10, 51) x [7, 38)
  for (rd::Style s : {rd::Style::kBlur, rd::Style::kPixelate, rd::Style::kFill}) {
    CAPTURE(static_cast<int>(s));
    auto r = rd::redact_boxes(src, {box}, style(s));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    size_t in = 0, out = 0;
    count_changes(src, r.value(), 10, 7, 51, 38, in, out);
    CHECK(out == 0);
    CHECK(in > 41 * 31 * 9 / 10);
  }
}

TEST_CASE("redact: fill writes the exact colour") {
  const Image src = pattern_image(40, 30);
  rd::Options o = style(rd::Style::kFill);
  auto black = rd::redact_boxes(src, {{0, 0, 5, 5}}, o);
  REQUIRE(black.ok());
  const uint8_t opaque_black[4] = {0, 0, 0, 255};
  CHECK(std::memcmp(black.value().pixel(4, 4), opaque_black, 4) == 0);
  o.fill_rgba = 0x12345678;
  auto coloured = rd::redact_boxes(src, {{30, 20, 100, 100}}, o);  // clipped at the edges
  REQUIRE(coloured.ok());
  for (uint32_t y = 20; y < 30; ++y) {
    for (uint32_t x = 30; x < 40; ++x) {
      const uint8_t* p = coloured.value().pixel(x, y);
      CHECK((p[0] == 0x12 && p[1] == 0x34 && p[2] == 0x56 && p[3] == 0x78));
    }
  }
  CHECK(std::memcmp(coloured.value().pixel(29, 29), src.pixel(29, 29), 4) == 0);
}

TEST_CASE("redact: pixelate cells are uniform and hold the cell mean") {
  const Image src = pattern_image(90, 70);
  const rd::Box box{5, 3, 80, 64};  // min side 64 -> cell 20, anchored at (5, 3)
  auto r = rd::redact_boxes(src, {box}, style(rd::Style::kPixelate));
  REQUIRE(r.ok());
  const Image& out = r.value();
  for (uint32_t cy = 3; cy < 67; cy += 20) {
    for (uint32_t cx = 5; cx < 85; cx += 20) {
      const uint32_t ex = std::min(cx + 20, 85u), ey = std::min(cy + 20, 67u);
      uint64_t sum[4] = {0, 0, 0, 0};
      for (uint32_t y = cy; y < ey; ++y)
        for (uint32_t x = cx; x < ex; ++x)
          for (int c = 0; c < 4; ++c) sum[c] += src.pixel(x, y)[c];
      const uint64_t n = uint64_t(ex - cx) * (ey - cy);
      for (uint32_t y = cy; y < ey; ++y) {
        for (uint32_t x = cx; x < ex; ++x) {
          for (int c = 0; c < 4; ++c) CHECK(out.pixel(x, y)[c] == (sum[c] + n / 2) / n);
        }
      }
    }
  }
}

TEST_CASE("redact: blur of a constant image is constant, and blur flattens detail") {
  Image flat = Image::create(120, 80, {}, 0x336699C8).value();
  auto r = rd::redact_boxes(flat, {{0, 0, 120, 80}, {50, 10, 60, 200}}, style(rd::Style::kBlur));
  REQUIRE(r.ok());
  CHECK(std::memcmp(r.value().data(), flat.data(), flat.byte_size()) == 0);

  // Stripes 3 px wide (like text strokes) are flattened to near their mean.
  // The box is 60 px from the image edges, beyond the kernel's reach (sigma 12).
  Image stripes = Image::create(200, 40, {}, 0xFFFFFFFF).value();
  for (uint32_t y = 0; y < 40; ++y)
    for (uint32_t x = 0; x < 200; x += 6)
      for (uint32_t i = x; i < std::min(x + 3, 200u); ++i) std::memset(stripes.pixel(i, y), 0, 3);
  auto blurred = rd::redact_boxes(stripes, {{60, 4, 80, 32}}, style(rd::Style::kBlur));
  REQUIRE(blurred.ok());
  int lo = 255, hi = 0;
  for (uint32_t y = 4; y < 36; ++y)
    for (uint32_t x = 60; x < 140; ++x) {
      lo = std::min<int>(lo, blurred.value().pixel(x, y)[0]);
      hi = std::max<int>(hi, blurred.value().pixel(x, y)[0]);
    }
  CHECK(hi - lo <= 4);
  CHECK(std::abs((lo + hi) / 2 - 128) <= 4);
}

// The blur by its definition in redact.h: six passes of direct sums over the
// whole image (the core computes only what the box needs, by running sums).
Image reference_blur(const Image& src, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, double sigma) {
  const rd::BlurPasses p = rd::blur_passes(sigma);
  const int W = src.width(), H = src.height();
  std::vector<uint32_t> cur(src.byte_size()), next(src.byte_size());
  for (size_t i = 0; i < cur.size(); ++i) cur[i] = src.data()[i] * 256u;
  auto clampi = [](int v, int n) { return v < 0 ? 0 : v >= n ? n - 1 : v; };
  for (int pass = 0; pass < 6; ++pass) {
    const int r = static_cast<int>(p.radius[pass % 3]);
    const uint32_t w = 2 * r + 1;
    const bool horizontal = pass < 3, last = pass == 5;
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x)
        for (int c = 0; c < 4; ++c) {
          uint32_t sum = 0;
          for (int k = -r; k <= r; ++k) {
            sum += horizontal ? cur[(size_t(y) * W + clampi(x + k, W)) * 4 + c] : cur[(size_t(clampi(y + k, H)) * W + x) * 4 + c];
          }
          next[(size_t(y) * W + x) * 4 + c] = last ? (sum + 128 * w) / (256 * w) : (sum + w / 2) / w;
        }
    cur.swap(next);
  }
  Image out = src;
  for (uint32_t y = y0; y < y1; ++y)
    for (uint32_t x = x0; x < x1; ++x)
      for (int c = 0; c < 4; ++c) out.pixel(x, y)[c] = static_cast<uint8_t>(cur[(size_t(y) * W + x) * 4 + c]);
  return out;
}

TEST_CASE("redact: blur equals its definition (interior, edges, whole image)") {
  const Image src = pattern_image(83, 57);
  struct Case { rd::Box box; uint32_t x0, y0, x1, y1; double sigma; };
  const Case cases[] = {
      {{30, 20, 25, 12}, 30, 20, 55, 32, 12},     // interior, thin
      {{0, 0, 83, 57}, 0, 0, 83, 57, 57.0 / 4},   // whole image: every edge clamps
      {{70, 40, 100, 100}, 70, 40, 83, 57, 25},   // clipped corner: strength from the whole box
      {{5, 5, 1, 1}, 5, 5, 6, 6, 12},             // one pixel
  };
  for (const Case& c : cases) {
    CAPTURE(c.x0);
    CAPTURE(c.y0);
    auto r = rd::redact_boxes(src, {c.box}, style(rd::Style::kBlur));
    REQUIRE(r.ok());
    const Image expected = reference_blur(src, c.x0, c.y0, c.x1, c.y1, c.sigma);
    CHECK(std::memcmp(r.value().data(), expected.data(), expected.byte_size()) == 0);
  }
}

TEST_CASE("redact: invalid regions and options give clean errors") {
  Image img = pattern_image(20, 20);
  const Image before = img;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const rd::Box bad[] = {{-1, 0, 5, 5}, {0, -0.5, 5, 5}, {0, 0, 0, 5}, {0, 0, 5, -3},
                         {nan, 0, 5, 5}, {0, 0, inf, 5}, {1e308, 0, 1e308, 5}};
  for (const rd::Box& b : bad) {
    // A valid box first: nothing may change when a later one is refused.
    Status s = rd::redact_in_place(img, {{0, 0, 10, 10}, b}, style(rd::Style::kFill));
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(!s.message().empty());
  }
  CHECK(std::memcmp(img.data(), before.data(), img.byte_size()) == 0);

  rd::Options o;
  o.sigma = 2;  // weaker than the floor
  CHECK(rd::redact_in_place(img, {{0, 0, 5, 5}}, o).code() == StatusCode::kInvalidArgument);
  o = style(rd::Style::kPixelate);
  o.cell = 4;
  CHECK(rd::redact_in_place(img, {{0, 0, 5, 5}}, o).code() == StatusCode::kInvalidArgument);
  o.cell = 0;
  o.style = static_cast<rd::Style>(7);
  CHECK(rd::redact_in_place(img, {{0, 0, 5, 5}}, o).code() == StatusCode::kInvalidArgument);
  Image empty;
  CHECK(rd::redact_in_place(empty, {{0, 0, 5, 5}}, {}).code() == StatusCode::kInvalidArgument);

  // Boxes outside the image are allowed and change nothing.
  CHECK(rd::redact_in_place(img, {{500, 500, 5, 5}, {0, 1e12, 3, 3}}, {}).ok());
  CHECK(std::memcmp(img.data(), before.data(), img.byte_size()) == 0);
}

TEST_CASE("redact: huge region counts are refused") {
  Image img = pattern_image(16, 16);
  std::vector<rd::Box> many(rd::kMaxBoxes + 1, rd::Box{0, 0, 1, 1});
  CHECK(rd::redact_in_place(img, many, {}).code() == StatusCode::kTooLarge);
  many.resize(rd::kMaxBoxes);
  CHECK(rd::redact_in_place(img, many, style(rd::Style::kFill)).ok());
  const auto png = encode_png(img).value();
  many.push_back({0, 0, 1, 1});
  CHECK(rd::redact_and_export(png.data(), png.size(), many, {}, rd::ExportFormat::kPng).status().code() ==
        StatusCode::kTooLarge);
}

TEST_CASE("redact: mask redacts where the mask is set and blends its edge") {
  const Image src = pattern_image(64, 48);
  std::vector<uint8_t> mask(64 * 48, 0);
  for (uint32_t y = 10; y < 30; ++y)
    for (uint32_t x = 20; x < 44; ++x) mask[y * 64 + x] = 255;
  mask[30 * 64 + 20] = 128;  // a soft edge pixel
  rd::Options o = style(rd::Style::kFill);
  o.fill_rgba = 0xFF0000FF;
  auto r = rd::redact_mask(src, mask.data(), mask.size(), o);
  REQUIRE(r.ok());
  for (uint32_t y = 0; y < 48; ++y) {
    for (uint32_t x = 0; x < 64; ++x) {
      const uint8_t m = mask[y * 64 + x];
      const uint8_t* p = r.value().pixel(x, y);
      const uint8_t* s = src.pixel(x, y);
      if (m == 0) {
        CHECK(std::memcmp(p, s, 4) == 0);
      } else if (m == 255) {
        CHECK((p[0] == 255 && p[1] == 0 && p[2] == 0 && p[3] == 255));
      } else {
        CHECK(p[1] == (s[1] * 127 + 0 * 128 + 127) / 255);
      }
    }
  }
  for (rd::Style s : {rd::Style::kBlur, rd::Style::kPixelate}) {
    auto m = rd::redact_mask(src, mask.data(), mask.size(), style(s));
    REQUIRE(m.ok());
    size_t in = 0, out = 0;
    count_changes(src, m.value(), 20, 10, 44, 31, in, out);
    CHECK(out == 0);
    CHECK(in > 400);
  }
  std::vector<uint8_t> none(64 * 48, 0);
  auto same = rd::redact_mask(src, none.data(), none.size(), {});
  REQUIRE(same.ok());
  CHECK(std::memcmp(same.value().data(), src.data(), src.byte_size()) == 0);
  CHECK(rd::redact_mask(src, mask.data(), mask.size() - 1, {}).status().code() == StatusCode::kInvalidArgument);
  CHECK(rd::redact_mask(src, nullptr, mask.size(), {}).status().code() == StatusCode::kInvalidArgument);
}

namespace {

// True when a JPEG has any APPn (n >= 1) or COM segment before its scan.
bool jpeg_has_metadata_segments(const std::vector<uint8_t>& b) {
  size_t i = 2;
  while (i + 4 <= b.size() && b[i] == 0xFF) {
    const uint8_t marker = b[i + 1];
    if (marker == 0xDA) return false;  // start of scan
    if ((marker >= 0xE1 && marker <= 0xEF) || marker == 0xFE) return true;
    i += 2 + (size_t(b[i + 2]) << 8 | b[i + 3]);
  }
  return false;
}

std::vector<std::string> png_chunk_types(const std::vector<uint8_t>& b) {
  std::vector<std::string> types;
  for (size_t i = 8; i + 8 <= b.size();) {
    const size_t len = size_t(b[i]) << 24 | size_t(b[i + 1]) << 16 | size_t(b[i + 2]) << 8 | b[i + 3];
    types.emplace_back(reinterpret_cast<const char*>(&b[i + 4]), 4);
    i += 12 + len;
  }
  return types;
}

void check_clean(const std::vector<uint8_t>& bytes) {
  auto report = read_provenance(bytes.data(), bytes.size());
  REQUIRE(report.ok());
  CHECK_FALSE(report.value().exif.present);
  CHECK_FALSE(report.value().xmp.present);
  CHECK_FALSE(report.value().c2pa.present);
  CHECK_FALSE(report.value().iptc.iim_present);
  CHECK(report.value().generator.texts.empty());
}

}  // namespace

TEST_CASE("redact: export re-encodes without any metadata") {
  const std::string inputs[] = {"oriented6.jpg", "redact/meta.jpg", "redact/meta.png"};
  for (const std::string& name : inputs) {
    CAPTURE(name);
    const auto file = load(corpus_path(name));
    auto before = read_provenance(file.data(), file.size());
    REQUIRE(before.ok());
    CHECK((before.value().exif.present || before.value().xmp.present || !before.value().generator.texts.empty()));

    auto png = rd::redact_and_export(file.data(), file.size(), {{1, 1, 20, 10}}, style(rd::Style::kPixelate),
                                     rd::ExportFormat::kPng);
    REQUIRE_MESSAGE(png.ok(), png.status().message());
    check_clean(png.value().bytes);
    for (const std::string& t : png_chunk_types(png.value().bytes)) CHECK((t == "IHDR" || t == "IDAT" || t == "IEND"));

    auto jpeg = rd::redact_and_export(file.data(), file.size(), {{1, 1, 20, 10}}, {}, rd::ExportFormat::kJpeg, 85);
    REQUIRE_MESSAGE(jpeg.ok(), jpeg.status().message());
    check_clean(jpeg.value().bytes);
    CHECK_FALSE(jpeg_has_metadata_segments(jpeg.value().bytes));

    // The redaction survives the round trip: the export decodes to the redacted pixels.
    auto decoded = decode_image(file.data(), file.size());
    REQUIRE(decoded.ok());
    auto expected = rd::redact_boxes(decoded.value().image, {{1, 1, 20, 10}}, style(rd::Style::kPixelate));
    REQUIRE(expected.ok());
    auto again = decode_image(png.value().bytes.data(), png.value().bytes.size());
    REQUIRE(again.ok());
    CHECK(png.value().width == expected.value().width());
    CHECK(again.value().image.byte_size() == expected.value().byte_size());
    CHECK(std::memcmp(again.value().image.data(), expected.value().data(), expected.value().byte_size()) == 0);
  }
  // Orientation is applied before the boxes: oriented6.jpg (64x32 stored) exports 32x64.
  const auto oriented = load(corpus_path("oriented6.jpg"));
  auto r = rd::redact_and_export(oriented.data(), oriented.size(), {}, {}, rd::ExportFormat::kPng);
  REQUIRE(r.ok());
  CHECK(r.value().width == 32);
  CHECK(r.value().height == 64);
  CHECK(rd::redact_and_export(oriented.data(), oriented.size(), {}, {}, rd::ExportFormat::kJpeg, 0).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("redact: JPEG export flattens transparency over white") {
  Image img = Image::create(16, 16, {}, 0xFF000000).value();  // red, fully transparent
  auto jpeg = rd::encode_clean(img, rd::ExportFormat::kJpeg, 95);
  REQUIRE(jpeg.ok());
  auto back = decode_image(jpeg.value().data(), jpeg.value().size());
  REQUIRE(back.ok());
  const uint8_t* p = back.value().image.pixel(8, 8);
  CHECK(p[0] > 245);
  CHECK(p[1] > 245);
  CHECK(p[2] > 245);
}
