// One bounds-checked walk over the marker segments of a JPEG header, from SOI
// up to the first start of scan. The header scan (codec.cpp), the scaled
// decoder (jpeg_scaled.cpp) and the provenance reader
// (provenance/jpeg_segments.cpp) all read untrusted headers through it, so
// length and offset checks live in one place.
#pragma once

#include <cstddef>
#include <cstdint>

namespace filigrane {

enum class JpegStep {
  kSegment,         // a marker with a length field: marker, payload and size are set
  kStandalone,      // a marker without one: TEM (0x01), SOI (0xD8), RSTn (0xD0-0xD7)
  kStartOfScan,     // SOS: payload is the scan header (null when its length is broken);
                    // entropy-coded data starts at position()
  kEndOfImage,      // EOI
  kNotAMarker,      // a byte other than 0xFF where a marker must start (strict walks only)
  kTruncated,       // the data ends before a marker, inside one or inside its length field
  kLengthTooShort,  // a length field below 2
  kPastEnd,         // a segment's length runs past the end of the data
};

struct JpegSegment {
  uint8_t marker = 0;
  const uint8_t* payload = nullptr;  // after the length field; null for standalone markers
  size_t size = 0;                   // payload bytes (length field - 2)
};

class JpegMarkerWalker {
 public:
  // data, size: the whole file; the walk starts after its 2-byte SOI, which
  // the caller has checked. Nothing is copied: data must outlive the walker.
  // skip_stray_bytes: step over bytes other than 0xFF between segments, as
  // stb_image does; otherwise such a byte ends the walk with kNotAMarker.
  JpegMarkerWalker(const uint8_t* data, size_t size, bool skip_stray_bytes)
      : data_(data), size_(size), pos_(size >= 2 ? 2 : size), skip_stray_bytes_(skip_stray_bytes) {}

  // Reads the next marker into `out` (fill bytes 0xFF before it are skipped).
  // kStartOfScan, kEndOfImage and every error end the walk: later calls
  // return the same step again. Never reads outside [data, data + size).
  JpegStep next(JpegSegment& out);

  // Offset just past the last marker or segment read.
  size_t position() const { return pos_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_;
  bool skip_stray_bytes_;
  bool done_ = false;
  JpegStep last_ = JpegStep::kTruncated;
  JpegSegment last_segment_;
};

// Words for a step that ends a walk early, e.g. "JPEG segment runs past the
// end of the file"; null for kSegment, kStandalone, kStartOfScan, kEndOfImage.
const char* jpeg_step_problem(JpegStep step);

}  // namespace filigrane
