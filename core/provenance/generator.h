// Recognises text written by image generators (AUTOMATIC1111-style
// "parameters", ComfyUI "prompt"/"workflow", NovelAI, InvokeAI, Fooocus), and
// reads AUTOMATIC1111's "stealth pnginfo" hidden in pixel least-significant bits.
#pragma once

#include <vector>

#include "core/image.h"
#include "core/provenance/provenance.h"

namespace filigrane::provenance {

// Fills out.tool/source/flags/prompt from out.texts and the EXIF UserComment.
void classify_generator(const ExifReport& exif, GeneratorReport& out);

// Reads stealth pnginfo (signature "stealth_pnginfo"/"stealth_pngcomp" in
// alpha LSBs, "stealth_rgbinfo"/"stealth_rgbcomp" in RGB LSBs, column-major).
// Returns true and sets `text` when found; compressed payloads are gunzipped
// within `max_text_bytes`.
bool read_stealth_text(const Image& image, size_t max_text_bytes, std::string& text);

// Cheap pre-check before decoding a whole PNG: inflates and unfilters only the
// first rows (8-bit, non-interlaced, `channels` 3 or 4) from the start of the
// zlib IDAT stream and tells whether a stealth signature starts there.
bool png_starts_with_stealth_signature(const std::vector<uint8_t>& idat_prefix, uint32_t width,
                                       uint32_t height, int channels);

}  // namespace filigrane::provenance
