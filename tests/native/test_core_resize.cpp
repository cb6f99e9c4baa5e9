#include <doctest/doctest.h>

#include <cmath>

#include "core/color.h"
#include "core/resize.h"

using namespace filigrane;

namespace {
Image checker(uint32_t w, uint32_t h, uint32_t cell) {
  Image img = Image::create(w, h, {}, 0x000000FFu).value();
  for (uint32_t y = 0; y < h; ++y)
    for (uint32_t x = 0; x < w; ++x) {
      const uint8_t v = ((x / cell + y / cell) % 2) ? 255 : 0;
      uint8_t* p = img.pixel(x, y);
      p[0] = p[1] = p[2] = v;
    }
  return img;
}
double mean_red(const Image& img) {
  double s = 0;
  for (uint32_t y = 0; y < img.height(); ++y)
    for (uint32_t x = 0; x < img.width(); ++x) s += img.pixel(x, y)[0];
  return s / (double(img.width()) * img.height());
}
}  // namespace

TEST_CASE("resize keeps flat colour exactly for every filter") {
  Image flat = Image::create(37, 23, {}, 0x336699FFu).value();
  for (auto f : {ResizeFilter::kBox, ResizeFilter::kBilinear, ResizeFilter::kBicubic, ResizeFilter::kLanczos3}) {
    for (auto [w, h] : {std::pair{10u, 7u}, std::pair{80u, 51u}, std::pair{1u, 1u}}) {
      auto r = resize(flat, w, h, f);
      REQUIRE(r.ok());
      CHECK(r.value().width() == w);
      CHECK(r.value().height() == h);
      const uint8_t* p = r.value().pixel(w / 2, h / 2);
      CHECK(p[0] == 0x33);
      CHECK(p[1] == 0x66);
      CHECK(p[2] == 0x99);
      CHECK(p[3] == 0xFF);
    }
  }
}

TEST_CASE("downscaling antialiases a fine checkerboard to mid grey") {
  Image img = checker(256, 256, 1);
  auto r = resize(img, 64, 64, ResizeFilter::kLanczos3);
  REQUIRE(r.ok());
  for (uint32_t y = 8; y < 56; y += 8)
    for (uint32_t x = 8; x < 56; x += 8) CHECK(std::abs(int(r.value().pixel(x, y)[0]) - 128) <= 3);
}

TEST_CASE("resize preserves mean brightness and coarse structure") {
  Image img = checker(120, 80, 20);
  for (auto f : {ResizeFilter::kBox, ResizeFilter::kBilinear, ResizeFilter::kBicubic, ResizeFilter::kLanczos3}) {
    auto up = resize(img, 240, 160, f);
    REQUIRE(up.ok());
    CHECK(std::abs(mean_red(up.value()) - mean_red(img)) < 2.0);
    CHECK(up.value().pixel(10, 10)[0] < 10);    // inside a black cell
    CHECK(up.value().pixel(50, 10)[0] > 245);   // inside a white cell
  }
}

TEST_CASE("transparent pixels do not bleed colour") {
  Image img = Image::create(8, 1, {}, 0xFF000000u).value();  // transparent red
  for (uint32_t x = 4; x < 8; ++x) {
    uint8_t* p = img.pixel(x, 0);
    p[0] = 0; p[1] = 0; p[2] = 255; p[3] = 255;  // opaque blue
  }
  auto r = resize(img, 4, 1, ResizeFilter::kBilinear);
  REQUIRE(r.ok());
  const uint8_t* edge = r.value().pixel(1, 0);
  CHECK(edge[0] == 0);  // no red from the invisible half
}

TEST_CASE("resize validates its arguments") {
  CHECK(resize(Image(), 10, 10).status().code() == StatusCode::kInvalidArgument);
  Image img = Image::create(4, 4).value();
  CHECK(resize(img, 0, 10).status().code() == StatusCode::kInvalidArgument);
  CHECK(resize(img, 70000, 10).status().code() == StatusCode::kTooLarge);
}

TEST_CASE("colour helpers") {
  float y, cb, cr, r, g, b;
  rgb_to_ycbcr(200, 100, 50, y, cb, cr);
  ycbcr_to_rgb(y, cb, cr, r, g, b);
  CHECK(r == doctest::Approx(200).epsilon(0.001));
  CHECK(g == doctest::Approx(100).epsilon(0.001));
  CHECK(b == doctest::Approx(50).epsilon(0.001));
  CHECK(to_byte(-3) == 0);
  CHECK(to_byte(254.6f) == 255);
  Image half = Image::create(1, 1, {}, 0x00000080u).value();  // black, alpha 128
  auto flat = flatten_over(half, 255, 255, 255);
  REQUIRE(flat.ok());
  CHECK(flat.value().pixel(0, 0)[0] == 127);
  CHECK(flat.value().pixel(0, 0)[3] == 255);
  auto luma = luma_plane(Image::create(2, 1, {}, 0xFFFFFFFFu).value());
  REQUIRE(luma.ok());
  CHECK(luma.value().at(1, 0) == doctest::Approx(255.0f));
}

TEST_CASE("crop copies the rectangle and refuses one that is empty or leaves the image") {
  Image img = Image::create(5, 4).value();
  for (uint32_t y = 0; y < 4; ++y)
    for (uint32_t x = 0; x < 5; ++x) img.pixel(x, y)[0] = static_cast<uint8_t>(y * 10 + x);
  Result<Image> cut = crop(img, 1, 2, 3, 2);
  REQUIRE(cut.ok());
  CHECK(cut.value().width() == 3);
  CHECK(cut.value().height() == 2);
  CHECK(cut.value().pixel(0, 0)[0] == 21);
  CHECK(cut.value().pixel(2, 1)[0] == 33);
  CHECK(crop(img, 0, 0, 5, 4).ok());
  CHECK(crop(img, 3, 0, 3, 1).status().code() == StatusCode::kInvalidArgument);
  CHECK(crop(img, 0, 4, 1, 1).status().code() == StatusCode::kInvalidArgument);
  CHECK(crop(img, 0, 0, 0, 1).status().code() == StatusCode::kInvalidArgument);
  CHECK(crop(img, 0xFFFFFFFFu, 0, 2, 1).status().code() == StatusCode::kInvalidArgument);
}
