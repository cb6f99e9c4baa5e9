#include "core/jpeg_markers.h"

namespace filigrane {

JpegStep JpegMarkerWalker::next(JpegSegment& out) {
  if (done_) {
    out = last_segment_;
    return last_;
  }
  auto finish = [&](JpegStep step) {
    done_ = true;
    last_ = step;
    last_segment_ = out;
    return step;
  };
  out = JpegSegment{};
  if (skip_stray_bytes_) {
    while (pos_ < size_ && data_[pos_] != 0xFF) ++pos_;
  }
  if (pos_ >= size_) return finish(JpegStep::kTruncated);
  if (data_[pos_] != 0xFF) return finish(JpegStep::kNotAMarker);
  while (pos_ < size_ && data_[pos_] == 0xFF) ++pos_;  // the marker's 0xFF and fill bytes
  if (pos_ >= size_) return finish(JpegStep::kTruncated);
  const uint8_t marker = data_[pos_++];
  out.marker = marker;
  if (marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) return JpegStep::kStandalone;
  if (marker == 0xD9) return finish(JpegStep::kEndOfImage);
  JpegStep problem = JpegStep::kSegment;
  size_t length = 0;
  if (size_ - pos_ < 2) {
    problem = JpegStep::kTruncated;
  } else {
    length = (size_t{data_[pos_]} << 8) | data_[pos_ + 1];
    if (length < 2) problem = JpegStep::kLengthTooShort;
    else if (length - 2 > size_ - pos_ - 2) problem = JpegStep::kPastEnd;
  }
  // A scan ends the header even when its own length is broken; the caller
  // sees that as a null payload.
  if (marker == 0xDA) {
    if (problem == JpegStep::kSegment) {
      out.payload = data_ + pos_ + 2;
      out.size = length - 2;
      pos_ += length;
    }
    return finish(JpegStep::kStartOfScan);
  }
  if (problem != JpegStep::kSegment) return finish(problem);
  out.payload = data_ + pos_ + 2;
  out.size = length - 2;
  pos_ += length;
  return JpegStep::kSegment;
}

const char* jpeg_step_problem(JpegStep step) {
  switch (step) {
    case JpegStep::kNotAMarker: return "JPEG segment does not start with a marker";
    case JpegStep::kTruncated: return "JPEG ends inside its header";
    case JpegStep::kLengthTooShort: return "JPEG segment length is below 2";
    case JpegStep::kPastEnd: return "JPEG segment runs past the end of the file";
    default: return nullptr;
  }
}

}  // namespace filigrane
