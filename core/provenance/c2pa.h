// C2PA manifest store reading: JUMBF tree -> manifests -> the active
// manifest's claim, assertions (actions, ingredients) and COSE signature
// headers (signer certificate subject, timestamp). No validation.
#pragma once

#include <string>
#include <vector>

#include "core/provenance/bytes.h"
#include "core/provenance/provenance.h"

namespace filigrane::provenance {

// Fills `report` from a JUMBF byte sequence holding a C2PA manifest store.
// Sets report.embedded when a store superbox is found. Problems go to
// report.parse_errors (and are what made the result partial); returns false
// when anything was malformed or skipped.
bool read_c2pa_store(ByteView jumbf, const ProvenanceOptions& options, C2paReport& report);

// True when the JUMBF bytes start with a superbox whose description is the
// C2PA manifest store (type "c2pa"); cheap, used to pick among APP11 boxes.
bool looks_like_c2pa_store(ByteView jumbf);

}  // namespace filigrane::provenance
