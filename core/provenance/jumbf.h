// JUMBF (ISO/IEC 19566-5) box tree. A superbox ("jumb") starts with a
// description box ("jumd": type UUID, toggles, optional label); content boxes
// keep a view of their payload. Depth and box count are bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/provenance/bytes.h"
#include "core/status.h"

namespace filigrane::provenance {

struct JumbfLimits {
  int max_depth = 12;
  size_t max_boxes = 20000;
};

struct JumbfBox {
  char type[5] = {0, 0, 0, 0, 0};  // box type as 4 characters ("jumb", "cbor", ...)
  bool is_superbox = false;
  uint8_t uuid[16] = {};           // superbox description type
  std::string label;               // superbox description label ("" when absent)
  ByteView payload;                // content box payload (views the caller's buffer)
  std::vector<JumbfBox> children;  // superbox content boxes (description excluded)

  // First 4 bytes of the description UUID as text (e.g. "c2ma"), the C2PA convention.
  std::string uuid_tag() const { return std::string(reinterpret_cast<const char*>(uuid), 4); }
};

// Parses the boxes in `data` (a sequence; usually one "jumb" superbox).
// Malformed or truncated boxes end parsing: what was read is returned and
// `warnings` gets a line. The result views `data`, which must outlive it.
// Fails (kCorruptData) only when not even one box could be read.
Result<std::vector<JumbfBox>> parse_jumbf(ByteView data, const JumbfLimits& limits,
                                          std::vector<std::string>& warnings);

}  // namespace filigrane::provenance
