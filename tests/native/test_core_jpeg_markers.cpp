// The shared JPEG header walk (core/jpeg_markers.h) on hand-made headers:
// every way a header can end, strict and stb-like handling of stray bytes,
// and that no step reads past the data it was given.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "core/jpeg_markers.h"

using namespace filigrane;

namespace {

using Bytes = std::vector<uint8_t>;

// SOI, APP1 "Exif" with 4 payload bytes, COM "hi", SOS (1 component), entropy byte, EOI.
Bytes sample_header() {
  return {0xFF, 0xD8,
          0xFF, 0xE1, 0x00, 0x06, 'E', 'x', 'i', 'f',
          0xFF, 0xFE, 0x00, 0x04, 'h', 'i',
          0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00,
          0x12,
          0xFF, 0xD9};
}

// Copies `bytes` into an allocation of exactly that size, so a read past its
// end is caught by AddressSanitizer in the sanitizer build.
struct ExactCopy {
  explicit ExactCopy(const Bytes& bytes) : data(new uint8_t[bytes.empty() ? 1 : bytes.size()]), size(bytes.size()) {
    if (size) std::memcpy(data.get(), bytes.data(), size);
  }
  std::unique_ptr<uint8_t[]> data;
  size_t size;
};

}  // namespace

TEST_CASE("jpeg markers: a well-formed header walks segment by segment to the scan") {
  const ExactCopy file(sample_header());
  JpegMarkerWalker walker(file.data.get(), file.size, false);
  JpegSegment seg;
  REQUIRE(walker.next(seg) == JpegStep::kSegment);
  CHECK(seg.marker == 0xE1);
  REQUIRE(seg.size == 4);
  CHECK(std::memcmp(seg.payload, "Exif", 4) == 0);
  REQUIRE(walker.next(seg) == JpegStep::kSegment);
  CHECK(seg.marker == 0xFE);
  CHECK(seg.size == 2);
  REQUIRE(walker.next(seg) == JpegStep::kStartOfScan);
  CHECK(seg.marker == 0xDA);
  CHECK(seg.size == 6);
  CHECK(walker.position() == 26);  // the entropy-coded byte
  // The walk is over: the same answer again, position unchanged.
  CHECK(walker.next(seg) == JpegStep::kStartOfScan);
  CHECK(seg.marker == 0xDA);
  CHECK(walker.position() == 26);
}

TEST_CASE("jpeg markers: fill bytes and standalone markers") {
  const ExactCopy file(Bytes{0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0x01, 0xFF, 0xD3, 0xFF, 0xD8, 0xFF, 0xD9});
  JpegMarkerWalker walker(file.data.get(), file.size, false);
  JpegSegment seg;
  for (uint8_t expected : {0x01, 0xD3, 0xD8}) {
    REQUIRE(walker.next(seg) == JpegStep::kStandalone);
    CHECK(seg.marker == expected);
    CHECK(seg.payload == nullptr);
    CHECK(seg.size == 0);
  }
  CHECK(walker.next(seg) == JpegStep::kEndOfImage);
  CHECK(walker.next(seg) == JpegStep::kEndOfImage);
}

TEST_CASE("jpeg markers: stray bytes end a strict walk and are skipped like stb_image otherwise") {
  const ExactCopy file(Bytes{0xFF, 0xD8, 0x00, 0x17, 0xFF, 0xFE, 0x00, 0x02, 0xFF, 0xD9});
  JpegSegment seg;
  JpegMarkerWalker strict(file.data.get(), file.size, false);
  CHECK(strict.next(seg) == JpegStep::kNotAMarker);
  CHECK(jpeg_step_problem(JpegStep::kNotAMarker) != nullptr);
  JpegMarkerWalker lenient(file.data.get(), file.size, true);
  REQUIRE(lenient.next(seg) == JpegStep::kSegment);
  CHECK(seg.marker == 0xFE);
  CHECK(seg.size == 0);
  CHECK(lenient.next(seg) == JpegStep::kEndOfImage);
}

TEST_CASE("jpeg markers: every truncation and bad length ends the walk without reading past the data") {
  const Bytes whole = sample_header();
  // Every prefix of the sample: the walk must stop with a result, never read
  // outside the exact-size copy, and report an error unless it reached SOS.
  for (size_t n = 0; n <= whole.size(); ++n) {
    const ExactCopy file(Bytes(whole.begin(), whole.begin() + static_cast<long>(n)));
    for (bool lenient : {false, true}) {
      JpegMarkerWalker walker(file.data.get(), file.size, lenient);
      JpegSegment seg;
      JpegStep step;
      int guard = 0;
      while ((step = walker.next(seg)) == JpegStep::kSegment || step == JpegStep::kStandalone) REQUIRE(++guard < 10);
      CHECK(walker.position() <= n);
      if (n >= 26) {
        CHECK(step == JpegStep::kStartOfScan);
        CHECK(seg.payload != nullptr);
      } else if (n >= 18) {  // the SOS marker is there, its length or header cut short
        CHECK(step == JpegStep::kStartOfScan);
        CHECK(seg.payload == nullptr);
      } else {
        CHECK(jpeg_step_problem(step) != nullptr);
      }
    }
  }
}

TEST_CASE("jpeg markers: lengths below 2 and past the end") {
  JpegSegment seg;
  const ExactCopy short_length(Bytes{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xAA});
  JpegMarkerWalker a(short_length.data.get(), short_length.size, false);
  CHECK(a.next(seg) == JpegStep::kLengthTooShort);
  const ExactCopy past_end(Bytes{0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 0xAA});
  JpegMarkerWalker b(past_end.data.get(), past_end.size, false);
  CHECK(b.next(seg) == JpegStep::kPastEnd);
  CHECK(b.next(seg) == JpegStep::kPastEnd);
  CHECK(seg.payload == nullptr);
  const ExactCopy only_soi(Bytes{0xFF, 0xD8});
  JpegMarkerWalker c(only_soi.data.get(), only_soi.size, true);
  CHECK(c.next(seg) == JpegStep::kTruncated);
  const ExactCopy nothing(Bytes{});
  JpegMarkerWalker d(nothing.data.get(), nothing.size, false);
  CHECK(d.next(seg) == JpegStep::kTruncated);
}
