#include <doctest/doctest.h>

#include <cstdlib>

#include "core/codec.h"
#include "tests/native/test_support.h"

using namespace filigrane;
using filigrane::test::corpus_files;
using filigrane::test::corpus_path;
using filigrane::test::load;

namespace {
Result<DecodedImage> decode_fixture(const std::string& name, const DecodeOptions& opts = {}) {
  auto bytes = load(corpus_path(name));
  return decode_image(bytes.data(), bytes.size(), opts);
}
}  // namespace

TEST_CASE("decodes each supported format with its size and format") {
  struct Case { const char* file; ImageFormat format; uint32_t w, h; };
  const Case cases[] = {
      {"photo.jpg", ImageFormat::kJpeg, 320, 240}, {"gradient.png", ImageFormat::kPng, 64, 48},
      {"alpha.png", ImageFormat::kPng, 40, 30},    {"grey.png", ImageFormat::kPng, 33, 17},
      {"tiny.bmp", ImageFormat::kBmp, 24, 16},     {"anim.gif", ImageFormat::kGif, 20, 10},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    auto r = decode_fixture(c.file);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    CHECK(r.value().header.format == c.format);
    CHECK(r.value().image.width() == c.w);
    CHECK(r.value().image.height() == c.h);
    CHECK(r.value().image.byte_size() == size_t(c.w) * c.h * 4);
  }
}

TEST_CASE("pixel values survive decoding") {
  auto grad = decode_fixture("gradient.png");
  REQUIRE(grad.ok());
  const Image& g = grad.value().image;
  CHECK(g.pixel(0, 0)[0] > 240);    // top row red
  CHECK(g.pixel(0, 0)[2] < 15);
  CHECK(g.pixel(0, 47)[2] > 240);   // bottom row blue
  auto alpha = decode_fixture("alpha.png");
  REQUIRE(alpha.ok());
  CHECK(alpha.value().image.pixel(0, 0)[3] == 0);          // transparent corner
  CHECK(alpha.value().image.pixel(20, 15)[3] == 128);      // half-transparent disc
  CHECK_FALSE(alpha.value().image.is_opaque());
  auto gif = decode_fixture("anim.gif");
  REQUIRE(gif.ok());
  const uint8_t* p = gif.value().image.pixel(5, 5);        // first frame is red
  CHECK(p[0] == 255);
  CHECK(p[2] == 0);
}

TEST_CASE("EXIF orientation is read and applied") {
  auto r = decode_fixture("oriented6.jpg");
  REQUIRE(r.ok());
  const auto& h = r.value().header;
  CHECK(h.orientation == 6);
  CHECK(h.has_exif);
  CHECK(h.stored_width == 64);
  CHECK(h.stored_height == 32);
  CHECK(r.value().image.width() == 32);
  CHECK(r.value().image.height() == 64);
  // Stored top row is black, bottom white; rotated 90 degrees clockwise the
  // top row becomes the right column.
  CHECK(r.value().image.pixel(31, 32)[0] < 20);
  CHECK(r.value().image.pixel(0, 32)[0] > 235);

  DecodeOptions keep;
  keep.apply_orientation = false;
  auto raw = decode_fixture("oriented6.jpg", keep);
  REQUIRE(raw.ok());
  CHECK(raw.value().image.width() == 64);
}

TEST_CASE("all eight orientations map corners correctly") {
  auto made = Image::create(3, 2);
  REQUIRE(made.ok());
  Image img = made.value();
  for (uint32_t y = 0; y < 2; ++y)
    for (uint32_t x = 0; x < 3; ++x) img.pixel(x, y)[0] = uint8_t(10 * y + x);  // id per pixel
  // Which stored pixel each orientation shows at the displayed top-left.
  const uint8_t top_left[9] = {0, 0, 2, 12, 10, 0, 10, 12, 2};
  for (int o = 1; o <= 8; ++o) {
    CAPTURE(o);
    auto r = apply_exif_orientation(img, o);
    REQUIRE(r.ok());
    CHECK(r.value().width() == (o >= 5 ? 2u : 3u));
    CHECK(r.value().pixel(0, 0)[0] == top_left[o]);
  }
  CHECK(apply_exif_orientation(img, 0).status().code() == StatusCode::kInvalidArgument);
  CHECK(apply_exif_orientation(img, 9).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("PNG encoding is lossless and JPEG encoding is close") {
  auto r = decode_fixture("photo.jpg");
  REQUIRE(r.ok());
  const Image& img = r.value().image;
  auto png = encode_png(img);
  REQUIRE(png.ok());
  auto back = decode_image(png.value().data(), png.value().size());
  REQUIRE(back.ok());
  CHECK(std::equal(img.data(), img.data() + img.byte_size(), back.value().image.data()));

  auto jpg = encode_jpeg(img, 90);
  REQUIRE(jpg.ok());
  auto lossy = decode_image(jpg.value().data(), jpg.value().size());
  REQUIRE(lossy.ok());
  double err = 0;
  for (size_t i = 0; i < img.byte_size(); ++i) err += std::abs(int(img.data()[i]) - int(lossy.value().image.data()[i]));
  CHECK(err / img.byte_size() < 3.0);

  auto alpha = decode_fixture("alpha.png");
  REQUIRE(alpha.ok());
  auto apng = encode_png(alpha.value().image);
  REQUIRE(apng.ok());
  auto aback = decode_image(apng.value().data(), apng.value().size());
  REQUIRE(aback.ok());
  CHECK(aback.value().image.pixel(20, 15)[3] == 128);

  CHECK(encode_jpeg(img, 0).status().code() == StatusCode::kInvalidArgument);
  CHECK(encode_jpeg(img, 101).status().code() == StatusCode::kInvalidArgument);
  CHECK(encode_png(Image()).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("limits are enforced before decoding") {
  DecodeOptions small;
  small.limits.max_pixels = 320 * 240 - 1;
  auto r = decode_fixture("photo.jpg", small);
  CHECK(r.status().code() == StatusCode::kTooLarge);
  small.limits.max_pixels = 320 * 240;
  CHECK(decode_fixture("photo.jpg", small).ok());
}

TEST_CASE("dimension checks guard overflow and zero sizes") {
  ImageLimits limits;
  CHECK(check_dimensions(0, 5, limits).code() == StatusCode::kInvalidArgument);
  CHECK(check_dimensions(100000, 100000, limits).code() == StatusCode::kTooLarge);
  CHECK(check_dimensions(UINT32_MAX, UINT32_MAX, limits).code() == StatusCode::kTooLarge);
  CHECK(check_dimensions(10000, 10000, limits).ok());   // exactly 100 MP
  CHECK(check_dimensions(10000, 10001, limits).code() == StatusCode::kTooLarge);
  CHECK(Image::create(0, 0).status().code() == StatusCode::kInvalidArgument);
  uint8_t px[4] = {1, 2, 3, 4};
  CHECK(Image::from_rgba(1, 1, px, 3).status().code() == StatusCode::kInvalidArgument);
  CHECK(Image::from_rgba(1, 1, nullptr, 4).status().code() == StatusCode::kInvalidArgument);
  auto one = Image::from_rgba(1, 1, px, 4);
  REQUIRE(one.ok());
  CHECK(one.value().pixel(0, 0)[3] == 4);
  auto filled = Image::create(2, 2, {}, 0x11223344u);
  REQUIRE(filled.ok());
  CHECK(filled.value().pixel(1, 1)[0] == 0x11);
  CHECK(filled.value().pixel(1, 1)[3] == 0x44);
}

TEST_CASE("every malformed fixture gives a clean error") {
  const auto names = corpus_files("malformed");
  for (const std::string& name : names) {
    CAPTURE(name);
    auto bytes = load(corpus_path("malformed/" + name));
    auto r = decode_image(bytes.data(), bytes.size());
    CHECK_FALSE(r.ok());
    CHECK(!r.status().message().empty());
    if (name.rfind("huge-", 0) == 0) CHECK(r.status().code() == StatusCode::kTooLarge);
    if (name.rfind("truncated", 0) == 0) CHECK(r.status().code() == StatusCode::kCorruptData);
  }
  CHECK(names.size() >= 15);
}

TEST_CASE("fuzzer findings replay: decoded or refused, never a crash") {
  const auto names = corpus_files("malformed/fuzz");
  for (const std::string& name : names) {
    CAPTURE(name);
    auto bytes = load(corpus_path("malformed/fuzz/" + name));
    auto r = decode_image(bytes.data(), bytes.size());
    if (!r.ok()) CHECK(!r.status().message().empty());
  }
  CHECK(names.size() >= 1);
}

TEST_CASE("a top-down BMP (negative height) decodes upright at its real size") {
  // 2x2 24-bit BMP, height -2: rows stored top first.
  std::vector<uint8_t> bmp = {'B', 'M', 70, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 2, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF,
                              1, 0, 24, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0x13, 0x0B, 0, 0, 0x13, 0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const uint8_t rows[16] = {0, 0, 255, 0, 0, 255, 0, 0,  // top row red (BGR), padded to 8 bytes
                            255, 0, 0, 255, 0, 0, 0, 0};  // bottom row blue
  bmp.insert(bmp.end(), rows, rows + 16);
  auto r = decode_image(bmp.data(), bmp.size());
  REQUIRE(r.ok());
  CHECK(r.value().image.width() == 2);
  CHECK(r.value().image.height() == 2);
  CHECK(r.value().image.pixel(0, 0)[0] == 255);  // red on top
  CHECK(r.value().image.pixel(0, 1)[2] == 255);  // blue below
}

TEST_CASE("sniffing needs the real signature") {
  const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0};
  CHECK(sniff_format(jpeg, 4) == ImageFormat::kJpeg);
  CHECK(sniff_format(jpeg, 2) == ImageFormat::kUnknown);
  CHECK(sniff_format(nullptr, 10) == ImageFormat::kUnknown);
  CHECK(decode_image(nullptr, 0).status().code() == StatusCode::kInvalidArgument);
}
