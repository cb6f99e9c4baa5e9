// Issue 15: WebP, TIFF, RLE BMP and JPEG quirks against the reference decoders
// (build/formats-corpus, made by tools/make_formats_corpus.py: `make
// formats-corpus`), limits before allocation, and words for what is refused.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/codec.h"
#include "core/provenance/provenance.h"
#include "tests/native/test_support.h"

using namespace filigrane;
using filigrane::test::corpus_path;
using filigrane::test::exists;
using filigrane::test::load;

namespace {

const std::string kCorpus = std::string(FILIGRANE_TESTS_DIR) + "/../build/formats-corpus/";

struct CorpusEntry {
  std::string file, format, compare, expect_error;
  uint32_t width = 0, height = 0;
};

std::vector<CorpusEntry> read_manifest() {
  std::vector<CorpusEntry> entries;
  std::ifstream in(kCorpus + "manifest.tsv");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    CorpusEntry e;
    std::string w, h;
    std::getline(fields, e.file, '\t');
    std::getline(fields, e.format, '\t');
    std::getline(fields, e.compare, '\t');
    std::getline(fields, w, '\t');
    std::getline(fields, h, '\t');
    std::getline(fields, e.expect_error, '\t');
    e.width = static_cast<uint32_t>(std::stoul(w));
    e.height = static_cast<uint32_t>(std::stoul(h));
    entries.push_back(e);
  }
  return entries;
}

void put_u16(std::vector<uint8_t>& b, uint16_t v) { b.push_back(v & 255); b.push_back(v >> 8); }
void put_u32(std::vector<uint8_t>& b, uint32_t v) { for (int i = 0; i < 4; ++i) b.push_back((v >> (8 * i)) & 255); }

// A little-endian TIFF: one IFD of (tag, type, count, value) entries.
std::vector<uint8_t> tiff_with(const std::vector<std::array<uint32_t, 4>>& entries, size_t pad = 0) {
  std::vector<uint8_t> b = {'I', 'I', 42, 0};
  put_u32(b, 8);
  put_u16(b, static_cast<uint16_t>(entries.size()));
  for (const auto& e : entries) {
    put_u16(b, static_cast<uint16_t>(e[0]));
    put_u16(b, static_cast<uint16_t>(e[1]));
    put_u32(b, e[2]);
    if (e[1] == 3 && e[2] == 1) { put_u16(b, static_cast<uint16_t>(e[3])); put_u16(b, 0); }
    else put_u32(b, e[3]);
  }
  put_u32(b, 0);
  b.resize(b.size() + pad, 0x55);
  return b;
}

}  // namespace

TEST_CASE("formats corpus: every file decodes like its reference decoder, or is refused in words") {
  if (!exists(kCorpus + "manifest.tsv")) {
    MESSAGE("build/formats-corpus is missing (make formats-corpus); skipped");
    return;
  }
  const auto entries = read_manifest();
  REQUIRE(entries.size() > 80);
  int compared = 0;
  for (const auto& e : entries) {
    CAPTURE(e.file);
    const auto bytes = load(kCorpus + e.file);
    auto r = decode_image(bytes.data(), bytes.size());
    if (e.expect_error != "-") {
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == StatusCode::kUnsupportedFormat);
      CHECK_MESSAGE(r.status().message().find(e.expect_error) != std::string::npos, r.status().message());
      continue;
    }
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    CHECK(image_format_name(r.value().header.format) == e.format);
    const Image& img = r.value().image;
    REQUIRE(img.width() == e.width);
    REQUIRE(img.height() == e.height);
    const auto ref = load(kCorpus + e.file + ".rgba");
    REQUIRE(ref.size() == img.byte_size());
    uint64_t sum = 0;
    int worst = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
      const int d = std::abs(int(ref[i]) - int(img.data()[i]));
      sum += d;
      worst = std::max(worst, d);
    }
    const double mad = double(sum) / ref.size();
    if (e.compare == "exact") CHECK_MESSAGE(worst == 0, "max difference " << worst);
    if (e.compare == "16bit") CHECK_MESSAGE(worst <= 1, "max difference " << worst);
    if (e.compare == "lossy") CHECK_MESSAGE(mad <= 2.0, "mean absolute difference " << mad);
    ++compared;
    // Provenance reads every format the decoders read.
    auto p = read_provenance(bytes.data(), bytes.size());
    CHECK_MESSAGE(p.ok(), p.status().message());
  }
  MESSAGE("formats corpus: " << compared << " files matched their reference decoders");
}

TEST_CASE("TIFF limits apply before allocation") {
  // 100000 x 100000 claimed by a 200-byte file: too large, from the header alone.
  auto huge = tiff_with({{256, 4, 1, 100000}, {257, 4, 1, 100000}, {258, 3, 1, 8}, {259, 3, 1, 1},
                         {262, 3, 1, 1}, {273, 4, 1, 8}, {277, 3, 1, 1}, {278, 4, 1, 100000}, {279, 4, 1, 100}});
  auto r = read_image_header(huge.data(), huge.size());
  CHECK(r.status().code() == StatusCode::kTooLarge);
  // A 4000 x 4000 image whose one strip claims 4 GB, in a file of a few hundred bytes.
  auto strip = tiff_with({{256, 4, 1, 4000}, {257, 4, 1, 4000}, {258, 3, 1, 8}, {259, 3, 1, 1}, {262, 3, 1, 1},
                          {273, 4, 1, 200}, {277, 3, 1, 1}, {278, 4, 1, 4000}, {279, 4, 1, 0xFFFFFFF0u}}, 256);
  auto d = decode_image(strip.data(), strip.size());
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().code() == StatusCode::kCorruptData);
  // Tiles far larger than the image.
  auto tiles = tiff_with({{256, 4, 1, 16}, {257, 4, 1, 16}, {258, 3, 1, 8}, {259, 3, 1, 1}, {262, 3, 1, 1},
                          {277, 3, 1, 1}, {322, 4, 1, 65536}, {323, 4, 1, 65536}, {324, 4, 1, 200}, {325, 4, 1, 16}}, 64);
  d = decode_image(tiles.data(), tiles.size());
  CHECK_FALSE(d.ok());
  // An IFD chain that loops: only IFD0 is read, so it decodes.
  auto loop = tiff_with({{256, 4, 1, 2}, {257, 4, 1, 2}, {258, 3, 1, 8}, {259, 3, 1, 1}, {262, 3, 1, 1},
                         {273, 4, 1, 8 + 2 + 9 * 12 + 4}, {277, 3, 1, 1}, {278, 4, 1, 2}, {279, 4, 1, 4}}, 4);
  const size_t next_ifd_at = 8 + 2 + 9 * 12;
  loop[next_ifd_at] = 8;  // next IFD = IFD0 again
  d = decode_image(loop.data(), loop.size());
  REQUIRE_MESSAGE(d.ok(), d.status().message());
  CHECK(d.value().image.width() == 2);
}

TEST_CASE("TIFF with an unsupported compression is refused in words") {
  auto jpeg = tiff_with({{256, 4, 1, 8}, {257, 4, 1, 8}, {258, 3, 1, 8}, {259, 3, 1, 34925}, {262, 3, 1, 1},
                         {273, 4, 1, 200}, {277, 3, 1, 1}, {278, 4, 1, 8}, {279, 4, 1, 10}}, 256);
  auto r = read_image_header(jpeg.data(), jpeg.size());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kUnsupportedFormat);
  CHECK(r.status().message().find("LZMA compression") != std::string::npos);
}

TEST_CASE("WebP limits: a canvas over 65536 px is refused from its header") {
  // VP8X with a 70000 x 10 canvas.
  std::vector<uint8_t> b = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X', 10, 0, 0, 0,
                            0x02, 0, 0, 0};
  const uint32_t w = 70000 - 1, h = 10 - 1;
  for (int i = 0; i < 3; ++i) b.push_back((w >> (8 * i)) & 255);
  for (int i = 0; i < 3; ++i) b.push_back((h >> (8 * i)) & 255);
  b.insert(b.end(), {'A', 'N', 'I', 'M', 6, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  const uint32_t riff = static_cast<uint32_t>(b.size() - 8);
  std::memcpy(&b[4], &riff, 4);
  auto r = read_image_header(b.data(), b.size());
  CHECK(r.status().code() == StatusCode::kTooLarge);
}

TEST_CASE("RLE4 BMP decodes, with skipped pixels in colour 0") {
  // 4 x 2, palette {black, red, green, blue}; bottom row: run of 4 alternating
  // red/green; top row: delta right 2, then a run of blue,blue.
  std::vector<uint8_t> px = {4, 0x12, 0, 0, 0, 2, 2, 0, 2, 0x33, 0, 1};
  std::vector<uint8_t> b = {'B', 'M'};
  const uint32_t offset = 14 + 40 + 16;
  put_u32(b, offset + static_cast<uint32_t>(px.size()));
  put_u32(b, 0);
  put_u32(b, offset);
  put_u32(b, 40);
  put_u32(b, 4);
  put_u32(b, 2);
  put_u16(b, 1);
  put_u16(b, 4);
  put_u32(b, 2);  // BI_RLE4
  put_u32(b, static_cast<uint32_t>(px.size()));
  put_u32(b, 0); put_u32(b, 0); put_u32(b, 4); put_u32(b, 0);
  for (uint32_t c : {0x000000u, 0xFF0000u, 0x00FF00u, 0x0000FFu}) put_u32(b, c);  // stored B,G,R,0: as 0x00RRGGBB little-endian
  b.insert(b.end(), px.begin(), px.end());
  auto r = decode_image(b.data(), b.size());
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  const Image& img = r.value().image;
  REQUIRE(img.width() == 4);
  auto rgb = [&](uint32_t x, uint32_t y) { const uint8_t* p = img.pixel(x, y); return (p[0] << 16) | (p[1] << 8) | p[2]; };
  CHECK(rgb(0, 1) == 0xFF0000);  // bottom row (stored first): red, green, red, green
  CHECK(rgb(1, 1) == 0x00FF00);
  CHECK(rgb(0, 0) == 0x000000);  // top row: skipped by the delta
  CHECK(rgb(2, 0) == 0x0000FF);
  CHECK(rgb(3, 0) == 0x0000FF);
}

TEST_CASE("JPEG variants stb does not read are refused in words") {
  auto bytes = load(corpus_path("photo.jpg"));
  // 12-bit: the precision byte of the frame header.
  for (size_t i = 2; i + 4 < bytes.size(); ++i) {
    if (bytes[i] == 0xFF && bytes[i + 1] == 0xC0) {
      bytes[i + 4] = 12;
      break;
    }
  }
  auto r = read_image_header(bytes.data(), bytes.size());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kUnsupportedFormat);
  CHECK(r.status().message().find("12 or 16 bits") != std::string::npos);
}

TEST_CASE("AVIF and HEIC are recognised and left to the browser's decoder") {
  const uint8_t avif[] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f', 0, 0, 0, 0, 'm', 'i', 'f', '1'};
  const uint8_t heic[] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1'};
  CHECK(sniff_format(avif, sizeof avif) == ImageFormat::kAvif);
  CHECK(sniff_format(heic, sizeof heic) == ImageFormat::kHeic);
  // Generic major brand, AVIF among the compatible brands.
  const uint8_t mif1_avif[] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'm', 'i', 'f', '1', 0, 0, 0, 0, 'a', 'v', 'i', 'f'};
  CHECK(sniff_format(mif1_avif, sizeof mif1_avif) == ImageFormat::kAvif);
  auto r = read_image_header(avif, sizeof avif);
  CHECK(r.status().code() == StatusCode::kUnsupportedFormat);
  CHECK(r.status().message().find("needs a browser that decodes AVIF") != std::string::npos);
}

TEST_CASE("provenance: BMP has nothing to read and says so, without an error") {
  auto bytes = load(corpus_path("tiny.bmp"));
  auto r = read_provenance(bytes.data(), bytes.size());
  REQUIRE(r.ok());
  CHECK(r.value().format == "bmp");
  CHECK_FALSE(r.value().partial);
  CHECK(r.value().note.find("nothing to read") != std::string::npos);
  CHECK(provenance_to_json(r.value()).find("\"note\":") != std::string::npos);
}
