// libFuzzer harness for the EXIF (TIFF IFD) reader alone: offsets past the
// end, IFD loops, huge entry counts and odd types give a partial report with
// a warning, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/provenance/exif.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace filigrane::provenance;
  filigrane::ProvenanceOptions options;
  options.max_text_bytes = 1 << 12;
  filigrane::ExifReport report;
  std::vector<std::string> warnings;
  const bool clean = read_exif(ByteView(data, size), options, report, warnings);
  if (!clean && warnings.empty()) __builtin_trap();  // failures always say why
  if (report.user_comment.size() > 4 * options.max_text_bytes) __builtin_trap();
  if (report.orientation < 0 || report.orientation > 65535) __builtin_trap();
  return 0;
}
