// The fast PNG writer (core/png_writer.cpp): lossless round trips through the
// core's own decoder, RGB for opaque images and RGBA otherwise, and nothing in
// the file but IHDR, IDAT and IEND.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/codec.h"
#include "core/png_writer.h"

using namespace filigrane;

namespace {

Image noisy_image(uint32_t w, uint32_t h, bool alpha) {
  Image img = Image::create(w, h).value();
  uint32_t state = 12345;
  for (uint32_t y = 0; y < h; ++y) {
    for (uint32_t x = 0; x < w; ++x) {
      state = state * 1664525u + 1013904223u;
      uint8_t* p = img.pixel(x, y);
      // Smooth areas, edges and noise, so every filter gets chosen somewhere.
      p[0] = static_cast<uint8_t>(x < w / 3 ? x * 2 : (state >> 24));
      p[1] = static_cast<uint8_t>(y * 3 + x);
      p[2] = static_cast<uint8_t>((x / 7 + y / 5) % 2 ? 200 : 30);
      p[3] = alpha ? static_cast<uint8_t>((x + y) & 255) : 255;
    }
  }
  return img;
}

std::vector<std::string> chunk_types(const std::vector<uint8_t>& png) {
  std::vector<std::string> types;
  for (size_t at = 8; at + 12 <= png.size();) {
    const uint32_t length = (uint32_t(png[at]) << 24) | (uint32_t(png[at + 1]) << 16) | (uint32_t(png[at + 2]) << 8) | png[at + 3];
    types.emplace_back(reinterpret_cast<const char*>(&png[at + 4]), 4);
    at += 12 + size_t{length};
  }
  return types;
}

}  // namespace

TEST_CASE("PNG output round-trips exactly, RGB when opaque and RGBA otherwise") {
  for (bool alpha : {false, true}) {
    for (auto [w, h] : {std::pair<uint32_t, uint32_t>{1, 1}, {3, 2}, {257, 131}}) {
      const Image img = noisy_image(w, h, alpha);
      auto png = encode_png(img);
      REQUIRE(png.ok());
      CHECK(png.value()[25] == (alpha ? 6 : 2));  // IHDR colour type
      auto back = decode_image(png.value().data(), png.value().size());
      REQUIRE(back.ok());
      REQUIRE(back.value().image.width() == w);
      REQUIRE(back.value().image.height() == h);
      CHECK(std::memcmp(back.value().image.data(), img.data(), img.byte_size()) == 0);
    }
  }
}

TEST_CASE("PNG output holds IHDR, IDAT and IEND only, never metadata") {
  const Image img = noisy_image(2000, 700, false);  // more than one 1 MiB IDAT
  auto png = encode_png(img);
  REQUIRE(png.ok());
  const auto types = chunk_types(png.value());
  REQUIRE(types.size() >= 3);
  CHECK(types.front() == "IHDR");
  CHECK(types.back() == "IEND");
  for (size_t i = 1; i + 1 < types.size(); ++i) CHECK(types[i] == "IDAT");
}

TEST_CASE("every deflate level gives the same pixels; bad input is refused") {
  const Image img = noisy_image(64, 48, true);
  for (int level : {0, 1, 6, 12}) {
    auto png = write_png_rgba(img.data(), img.width(), img.height(), img.stride(), true, level);
    REQUIRE(png.ok());
    auto back = decode_image(png.value().data(), png.value().size());
    REQUIRE(back.ok());
    CHECK(std::memcmp(back.value().image.data(), img.data(), img.byte_size()) == 0);
  }
  CHECK_FALSE(write_png_rgba(nullptr, 4, 4, 16, true).ok());
  CHECK_FALSE(write_png_rgba(img.data(), 64, 48, 10, true).ok());  // stride shorter than a row
  CHECK_FALSE(encode_png(Image{}).ok());
}

TEST_CASE("encode_png_releasing gives encode_png's bytes and frees the image, in place or not") {
  for (bool alpha : {false, true}) {
    // 1 and 2 pixels wide: the in-place filtered row (3w + 1 bytes) comes
    // closest to the next RGBA row (4w) there.
    for (auto [w, h] : {std::pair<uint32_t, uint32_t>{1, 1}, {1, 9}, {2, 5}, {3, 2}, {257, 131}, {1024, 3}}) {
      const Image img = noisy_image(w, h, alpha);
      auto expected = encode_png(img);
      REQUIRE(expected.ok());
      Image consumed = img;
      auto png = encode_png_releasing(consumed);
      REQUIRE(png.ok());
      CHECK(consumed.empty());
      CHECK(png.value() == expected.value());
    }
  }
  Image empty;
  CHECK(encode_png_releasing(empty).status().code() == StatusCode::kInvalidArgument);
}
