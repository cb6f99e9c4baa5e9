// EXIF (TIFF structure) reading: IFD0 camera fields, the Exif and GPS
// sub-IFDs. Offsets are checked against the block, every IFD is visited at
// most once (loops end), and the number of IFDs visited is bounded.
#pragma once

#include <string>
#include <vector>

#include "core/provenance/bytes.h"
#include "core/provenance/provenance.h"

namespace filigrane::provenance {

// Reads a TIFF-structured EXIF block (starting at "II*\0" or "MM\0*"; a
// leading "Exif\0\0" is skipped) into `out`, keeping fields already set.
// Returns false, with a line in `warnings`, when the block is malformed;
// fields read before the problem are kept.
bool read_exif(ByteView tiff, const ProvenanceOptions& options, ExifReport& out,
               std::vector<std::string>& warnings);

}  // namespace filigrane::provenance
