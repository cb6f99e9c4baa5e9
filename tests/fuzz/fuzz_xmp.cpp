// libFuzzer harness for the XMP scanner alone: any text (unbalanced tags,
// broken entities, nested containers) gives property values or "", never a
// crash, and each value is no longer than the packet.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/provenance/xmp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace filigrane::provenance;
  const std::string_view packet(reinterpret_cast<const char*>(data), size);
  filigrane::XmpReport report;
  read_xmp_packet(packet, report);
  for (const std::string* v : {&report.creator_tool, &report.digital_source_type, &report.provenance, &report.credit}) {
    if (v->size() > size * 4 + 4) __builtin_trap();  // entity decoding never grows much
  }
  for (std::string_view name : {"CreatorTool", "DigitalSourceType", "li", "about", "", ":"}) {
    const std::string value = find_xmp_property(packet, name);
    if (value.size() > size * 4 + 4) __builtin_trap();
  }
  return 0;
}
