// Tests of the screen watermark (core/screenmark): payload codec, keyed
// pattern, overlay, compositor and decoder on a synthetic page.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "core/codec.h"
#include "core/image.h"
#include "core/resize.h"
#include "core/screenmark/fft.h"
#include "core/screenmark/keyed_pattern.h"
#include "core/screenmark/payload_codec.h"
#include "core/screenmark/screenmark.h"
#include "core/screenmark/sha256.h"

using namespace filigrane;
using namespace filigrane::screenmark;

namespace {

std::string hex(const Sha256Digest& d) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : d) s += digits[b >> 4], s += digits[b & 15];
  return s;
}

// A synthetic web page: light background, lines of dark "glyphs", a flat
// coloured panel, a dark-theme panel with light text and a photo-like area.
Image synthetic_page(uint32_t width, uint32_t height, uint32_t seed) {
  Image page = Image::create(width, height, {}, 0xffffffffu).value();
  std::mt19937 rng(seed);
  auto fill = [&](uint32_t x0, uint32_t y0, uint32_t w, uint32_t h, uint8_t r, uint8_t g, uint8_t b) {
    for (uint32_t y = y0; y < std::min(height, y0 + h); ++y)
      for (uint32_t x = x0; x < std::min(width, x0 + w); ++x) {
        uint8_t* p = page.pixel(x, y);
        p[0] = r, p[1] = g, p[2] = b;
      }
  };
  auto text = [&](uint32_t x0, uint32_t y0, uint32_t w, uint32_t h, uint8_t ink) {
    for (uint32_t line = y0; line + 14 < y0 + h; line += 22) {
      uint32_t x = x0;
      while (x + 12 < x0 + w) {
        uint32_t glyph = 4 + rng() % 7;
        if (rng() % 6 == 0) {  // word gap
          x += 8;
          continue;
        }
        fill(x, line + (rng() % 3), glyph - 2, 10 + rng() % 4, ink, ink, ink);
        x += glyph;
      }
    }
  };
  text(20, 20, width / 2 - 40, height / 2 - 20, 30);
  fill(width / 2, 20, width / 2 - 20, height / 3, 70, 130, 200);           // flat panel
  fill(20, height / 2 + 10, width / 2 - 30, height / 2 - 30, 24, 26, 30);  // dark theme
  text(30, height / 2 + 20, width / 2 - 60, height / 2 - 50, 220);
  for (uint32_t y = height / 3 + 40; y < height - 20; ++y)  // photo-like gradient + noise
    for (uint32_t x = width / 2; x < width - 20; ++x) {
      uint8_t* p = page.pixel(x, y);
      double v = 128 + 60 * std::sin(x * 0.05) * std::cos(y * 0.03) + double(rng() % 21) - 10;
      p[0] = uint8_t(std::clamp(v, 0.0, 255.0));
      p[1] = uint8_t(std::clamp(v * 0.8 + 20, 0.0, 255.0));
      p[2] = uint8_t(std::clamp(255 - v, 0.0, 255.0));
    }
  return page;
}

double psnr(const Image& a, const Image& b) {
  double se = 0;
  for (size_t i = 0; i < a.byte_size(); i += 4)
    for (int c = 0; c < 3; ++c) {
      double d = double(a.data()[i + c]) - b.data()[i + c];
      se += d * d;
    }
  return se == 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 * 3.0 * (a.byte_size() / 4) / se);
}

const uint64_t kPayload = make_payload(0xC0FFEE01u, 29'123'456u);

}  // namespace

TEST_CASE("screenmark: SHA-256 matches the FIPS 180-4 examples") {
  CHECK(hex(sha256(nullptr, 0)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const char* abc = "abc";
  CHECK(hex(sha256(reinterpret_cast<const uint8_t*>(abc), 3)) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(hex(sha256(reinterpret_cast<const uint8_t*>(two_blocks.data()), two_blocks.size())) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("screenmark: FFT round trip and a single tone") {
  std::vector<Complex> data(16 * 8);
  for (size_t i = 0; i < data.size(); ++i) data[i] = Complex(float(std::cos(2 * 3.14159265358979323846 * 3 * (i % 16) / 16.0)), 0);
  auto original = data;
  REQUIRE(fft_2d(data, 16, 8, false));
  // A cosine of frequency 3 along x: energy only at bins (3,0) and (13,0).
  CHECK(std::abs(data[3]) == doctest::Approx(64.0).epsilon(1e-4));
  CHECK(std::abs(data[13]) == doctest::Approx(64.0).epsilon(1e-4));
  CHECK(std::abs(data[5]) < 1e-3);
  REQUIRE(fft_2d(data, 16, 8, true));
  for (size_t i = 0; i < data.size(); ++i) CHECK(data[i].real() / 128.0f == doctest::Approx(original[i].real()).epsilon(1e-4));
  CHECK_FALSE(fft_2d(data, 12, 8, false));  // not a power of two
}

TEST_CASE("screenmark: payload codec corrects bit errors and rejects a wrong key") {
  KeyMaterial key = derive_key_material("secret");
  auto coded = encode_payload(kPayload, key);
  std::array<float, kCodedBits> soft{};
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 0.6f);
  int flipped = 0;
  for (int i = 0; i < kCodedBits; ++i) {
    soft[i] = (coded[i] ? -1.0f : 1.0f) + noise(rng);
    if ((soft[i] < 0) != (coded[i] == 1)) ++flipped;
  }
  for (int i = 0; i < kCodedBits; i += 17) soft[i] = -soft[i], ++flipped;  // extra hard errors
  CHECK(flipped >= 20);
  PayloadDecode decoded = decode_payload(soft, key);
  CHECK(decoded.tag_ok);
  CHECK(decoded.payload == kPayload);
  CHECK(decoded.reencoded == coded);

  PayloadDecode other = decode_payload(soft, derive_key_material("secret2"));
  CHECK_FALSE(other.tag_ok);
  std::array<float, kCodedBits> zero{};
  CHECK_FALSE(decode_payload(zero, key).tag_ok);
  CHECK(payload_from_bytes(payload_to_bytes(kPayload)) == kPayload);
}

TEST_CASE("screenmark: keyed layouts are deterministic and differ between keys") {
  TileLayout a = make_tile_layout(derive_key_material("key A"));
  TileLayout a2 = make_tile_layout(derive_key_material("key A"));
  TileLayout b = make_tile_layout(derive_key_material("key B"));
  CHECK(a.sign == a2.sign);
  CHECK(a.coded_index == a2.coded_index);
  int same = 0, sync = 0;
  for (int c = 0; c < kCellCount; ++c) {
    same += a.sign[c] == b.sign[c];
    sync += a.coded_index[c] < 0;
  }
  CHECK(sync == kSyncCells);
  CHECK(same > 400);  // ~512 expected for independent signs
  CHECK(same < 624);
}

TEST_CASE("screenmark: overlay is premultiplied, periodic and validated") {
  auto tile = render_tile("k", kPayload, kDefaultStrength, 1.0);
  REQUIRE(tile.ok());
  CHECK(tile.value().width == 192);
  CHECK(tile_side_for_dpr(2.0) == 384);
  CHECK(tile_side_for_dpr(1.25) == 240);
  CHECK(tile_side_for_dpr(100.0) == 0);
  int white = 0, black = 0, not_premultiplied = 0, odd_alpha = 0;
  const auto& px = tile.value().rgba;
  for (size_t i = 0; i < px.size(); i += 4) {
    not_premultiplied += px[i] > px[i + 3] || px[i + 1] > px[i + 3] || px[i + 2] > px[i + 3];
    odd_alpha += !(px[i + 3] == 3 || px[i + 3] == 4);
    white += px[i] == px[i + 3];
    black += px[i] == 0;
  }
  CHECK(not_premultiplied == 0);
  CHECK(odd_alpha == 0);
  CHECK(white > 10000);
  CHECK(black > 10000);

  auto overlay = render_overlay("k", kPayload, kDefaultStrength, 500, 450, 1.0);
  REQUIRE(overlay.ok());
  const auto& o = overlay.value();
  for (uint32_t y : {0u, 100u, 191u})
    for (uint32_t x : {0u, 57u, 191u})
      for (int c = 0; c < 4; ++c) {
        CHECK(o.rgba[(size_t(y) * 500 + x) * 4 + c] == px[(size_t(y) * 192 + x) * 4 + c]);
        CHECK(o.rgba[(size_t(y + 192) * 500 + x + 192) * 4 + c] == px[(size_t(y) * 192 + x) * 4 + c]);
      }
  auto straight = premultiplied_to_straight(tile.value());
  REQUIRE(straight.ok());
  const uint8_t* s0 = straight.value().data();
  CHECK((s0[0] == 0 || s0[0] == 255));

  CHECK(render_tile("", kPayload, kDefaultStrength).status().code() == StatusCode::kInvalidArgument);
  CHECK(render_tile("k", kPayload, 0.0).status().code() == StatusCode::kInvalidArgument);
  CHECK(render_tile("k", kPayload, 0.5).status().code() == StatusCode::kInvalidArgument);
  CHECK(render_tile("k", kPayload, kDefaultStrength, 0.0).status().code() == StatusCode::kInvalidArgument);
  CHECK(render_overlay("k", kPayload, kDefaultStrength, 0, 10).status().code() == StatusCode::kInvalidArgument);
  CHECK(render_overlay("k", kPayload, kDefaultStrength, 1u << 17, 10).status().code() == StatusCode::kTooLarge);
}

TEST_CASE("screenmark: compositor matches premultiplied source-over with div255 rounding") {
  Image capture = Image::create(2, 1, {}, 0x204080ffu).value();  // opaque (0x20,0x40,0x80)
  capture.pixel(1, 0)[3] = 128;                                   // second pixel translucent
  PremultipliedImage overlay{1, 1, {4, 4, 4, 4}};
  REQUIRE(composite_overlay(capture, overlay, 0, 0, true).ok());
  // out = 4 + round(c * 251 / 255)
  CHECK(int(capture.pixel(0, 0)[0]) == 4 + int(std::lround(0x20 * 251 / 255.0)));
  CHECK(int(capture.pixel(0, 0)[2]) == 4 + int(std::lround(0x80 * 251 / 255.0)));
  CHECK(capture.pixel(0, 0)[3] == 255);
  CHECK(capture.pixel(1, 0)[3] == 4 + int(std::lround(128 * 251 / 255.0)));
  Image white = Image::create(3, 3, {}, 0xffffffffu).value();
  PremultipliedImage black{1, 1, {0, 0, 0, 4}};
  REQUIRE(composite_overlay(white, black, 1, 1, false).ok());
  CHECK(white.pixel(1, 1)[0] == 251);
  CHECK(white.pixel(0, 0)[0] == 255);  // outside the non-repeating overlay
  PremultipliedImage bad{2, 2, {1, 2, 3}};
  CHECK_FALSE(composite_overlay(white, bad).ok());
}

TEST_CASE("screenmark: default strength keeps PSNR >= 40 dB even on pure white") {
  Image white = Image::create(384, 384, {}, 0xffffffffu).value();
  Image marked = apply_screenmark(white, "k", kPayload).value();
  CHECK(psnr(white, marked) >= 40.0);
}

TEST_CASE("screenmark: round trip on a synthetic page (lossless, x0.5, JPEG 60, crop)") {
  const Image page = synthetic_page(720, 560, 11);
  const std::string key = "viewer-secret";
  Image marked = apply_screenmark(page, key, kPayload).value();
  CHECK(psnr(page, marked) >= 40.0);

  auto check_found = [&](const Image& capture, const char* what) {
    INFO(what);
    auto rep = decode_screenmark(capture, key);
    REQUIRE(rep.ok());
    CHECK(rep.value().found);
    CHECK(rep.value().payload == kPayload);
    CHECK(rep.value().confidence > 0.2);
    return rep.value();
  };
  ScreenDecodeReport lossless = check_found(marked, "lossless");
  CHECK(lossless.scale == doctest::Approx(1.0).epsilon(0.01));
  CHECK(lossless.map.columns * lossless.map.cell_width >= 720);
  CHECK(lossless.map.scores.size() == size_t(lossless.map.columns) * lossless.map.rows);
  float best_region = 0;
  for (float v : lossless.map.scores) best_region = std::max(best_region, v);
  CHECK(best_region > 3.0f);

  Image half = resize(marked, 360, 280, ResizeFilter::kBicubic).value();
  ScreenDecodeReport scaled = check_found(half, "x0.5");
  CHECK(scaled.scale == doctest::Approx(0.5).epsilon(0.02));

  auto jpeg_bytes = encode_jpeg(marked, 60).value();
  Image jpeg = decode_image(jpeg_bytes.data(), jpeg_bytes.size()).value().image;
  check_found(jpeg, "JPEG 60");
  check_found(crop(marked, 131, 77, 420, 400).value(), "crop 420x400");

  // The wrong key must not find anything; neither must the unmarked page.
  auto wrong = decode_screenmark(marked, "another-key");
  REQUIRE(wrong.ok());
  CHECK_FALSE(wrong.value().found);
  CHECK(wrong.value().map.scores.empty());
  auto unmarked = decode_screenmark(page, key);
  REQUIRE(unmarked.ok());
  CHECK_FALSE(unmarked.value().found);
}

TEST_CASE("screenmark: an 800 x 600 capture enlarged 1.5x and 2x (short side under 1024) is found by the scale sweep") {
  const Image page = synthetic_page(800, 600, 5);
  const std::string key = "enlarged-capture";
  const Image marked = apply_screenmark(page, key, kPayload).value();
  for (double s : {1.5, 2.0}) {
    INFO("scale " << s);
    const Image big = resize(marked, uint32_t(800 * s), uint32_t(600 * s), ResizeFilter::kLanczos3).value();
    auto rep = decode_screenmark(big, key);
    REQUIRE(rep.ok());
    CHECK(rep.value().found);
    CHECK(rep.value().payload == kPayload);
    CHECK(rep.value().scale == doctest::Approx(s).epsilon(0.02));
    CHECK(rep.value().attempts <= 32);
  }
  auto wrong = decode_screenmark(resize(marked, 1200, 900, ResizeFilter::kLanczos3).value(), "another-key");
  REQUIRE(wrong.ok());
  CHECK_FALSE(wrong.value().found);
}

TEST_CASE("screenmark: garbage, tiny and invalid captures") {
  std::mt19937 rng(3);
  Image noise = Image::create(300, 200).value();
  for (size_t i = 0; i < noise.byte_size(); ++i) noise.data()[i] = uint8_t(rng());
  auto rep = decode_screenmark(noise, "k");
  REQUIRE(rep.ok());
  CHECK_FALSE(rep.value().found);

  for (uint32_t side : {1u, 3u, 23u}) {
    Image tiny = Image::create(side, side, {}, 0x808080ffu).value();
    auto r = decode_screenmark(tiny, "k");
    REQUIRE(r.ok());
    CHECK_FALSE(r.value().found);
  }
  Image stripe = Image::create(4000, 30, {}, 0xffffffffu).value();
  auto striped = decode_screenmark(stripe, "k");
  REQUIRE(striped.ok());
  CHECK_FALSE(striped.value().found);

  // Fuzz: random sizes, random or constant content, random keys.
  for (int trial = 0; trial < 8; ++trial) {
    uint32_t w = 1 + rng() % 200, h = 1 + rng() % 200;
    Image junk = Image::create(w, h).value();
    const bool constant = trial % 3 == 0;
    for (size_t i = 0; i < junk.byte_size(); ++i) junk.data()[i] = constant ? uint8_t(trial * 40) : uint8_t(rng());
    auto r = decode_screenmark(junk, "fuzz-" + std::to_string(trial));
    REQUIRE(r.ok());
    CHECK_FALSE(r.value().found);
    CHECK(r.value().attempts <= kMaxDecodeAttempts);
  }

  CHECK(decode_screenmark(Image(), "k").status().code() == StatusCode::kInvalidArgument);
  CHECK(decode_screenmark(noise, "").status().code() == StatusCode::kInvalidArgument);
  ScreenDecodeOptions small;
  small.max_pixels = 1000;
  CHECK(decode_screenmark(noise, "k", small).status().code() == StatusCode::kTooLarge);
  CHECK(apply_screenmark(Image(), "k", 1).status().code() == StatusCode::kInvalidArgument);
}
