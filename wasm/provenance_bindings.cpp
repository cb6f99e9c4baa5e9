// Embind binding for the provenance reader (core/provenance). The report
// crosses as JSON text (its schema is documented in core/provenance/provenance.h).
#include <emscripten/bind.h>

#include "core/provenance/provenance.h"
#include "wasm/binding_support.h"

using emscripten::val;

namespace filigrane::wasm {

val read_provenance_js(val file_bytes) {
  const std::vector<uint8_t> data = bytes_from_js(file_bytes);
  Result<ProvenanceReport> r = read_provenance(data.data(), data.size());
  val out = result_object(r.status());
  if (r.ok()) out.set("json", provenance_to_json(r.value()));
  return out;
}

}  // namespace filigrane::wasm

EMSCRIPTEN_BINDINGS(filigrane_provenance) {
  emscripten::function("readProvenance", &filigrane::wasm::read_provenance_js);
}
