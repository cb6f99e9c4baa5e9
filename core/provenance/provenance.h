// Provenance reader: what a file declares about its origin, read from the raw
// bytes without decoding pixels and without trusting any length or offset.
//
// Containers: JPEG (APP1 EXIF/XMP/extended XMP, APP11 JUMBF, APP13 IPTC),
// PNG (tEXt, zTXt, iTXt, eXIf, caBX), WebP (EXIF, XMP, C2PA chunks), GIF
// (XMP application extension, comments), TIFF (IFD0: EXIF, XMP, IPTC, C2PA
// tags), BMP (nothing to read; said in `note`) and
// ISO-BMFF images (AVIF, HEIF/HEIC: Exif and XMP items, C2PA uuid box).
// Extracted: the C2PA manifest store (active manifest's claim generator, title,
// actions with digital source types, ingredients, signer, signing time; the
// signature itself is NOT validated here), XMP/IPTC digital source type, EXIF
// camera fields, and text written by image generators.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace filigrane {

// Resource limits; every one is checked before the work or allocation it bounds.
struct ProvenanceOptions {
  size_t max_input_bytes = size_t{1} << 30;        // larger inputs: kTooLarge
  size_t max_xmp_bytes = size_t{4} << 20;          // per packet; larger: skipped, partial
  size_t max_inflate_bytes = size_t{8} << 20;      // per compressed text chunk
  size_t max_total_inflate_bytes = size_t{32} << 20;
  size_t max_jumbf_bytes = size_t{64} << 20;       // assembled manifest store
  size_t max_text_chunks = 512;                    // PNG text chunks kept
  size_t max_text_bytes = size_t{1} << 20;         // per kept text value
  int max_jumbf_depth = 12;
  size_t max_jumbf_boxes = 20000;
  int max_cbor_depth = 32;
  size_t max_cbor_items = 200000;
  int max_exif_ifds = 16;                          // IFDs visited per EXIF block
  size_t excerpt_chars = 160;                      // JSON excerpts of generator text
  // Looks for "stealth pnginfo" (AUTOMATIC1111 text hidden in pixel LSBs) in
  // PNGs with at most this many pixels; 0 disables (it decodes the image).
  uint64_t stealth_max_pixels = 4'000'000;
};

struct C2paAction {
  std::string action;               // e.g. "c2pa.created"
  std::string digital_source_type;  // action's digitalSourceType, else parameters' com.adobe.digitalSourceType
  std::string software_agent;       // text, or "name version" from a v2 generator-info map
};

struct C2paThumbnail {
  std::string format;  // media type ("image/jpeg"), from the embedded-file box or the label
  size_t bytes = 0;    // size of the thumbnail's data; 0 when absent
};

struct C2paIngredient {
  std::string title;
  std::string relationship;            // parentOf, componentOf, inputTo
  std::string manifest;                // label of the ingredient's own manifest in this store; "" when none
  C2paThumbnail thumbnail;             // the ingredient thumbnail assertion it points to
  std::vector<std::string> validation_codes;  // status codes its importer recorded (validationStatus / validationResults)
};

// The c2pa.hash.data assertion: the hard binding of the claim to the file's bytes.
struct C2paDataHash {
  bool present = false;
  std::string alg;                     // "sha256", ...; empty means the claim's default
  std::string hash;                    // raw digest bytes
  std::vector<std::pair<uint64_t, uint64_t>> exclusions;  // {start, length} in file bytes
};

struct C2paGeneratorInfo {
  std::string name;
  std::string version;
};

struct C2paManifest {
  std::string label;                           // e.g. "urn:uuid:..."
  int claim_version = 0;                       // 1 (c2pa.claim) or 2 (c2pa.claim.v2); 0 unknown
  std::string claim_generator;                 // v1 claim_generator; for v2 built from generator info
  std::vector<C2paGeneratorInfo> claim_generator_info;
  std::string title;                           // dc:title
  std::string format;                          // dc:format
  std::vector<std::string> assertion_labels;   // labels in the manifest's assertion store
  std::vector<C2paAction> actions;
  std::vector<C2paIngredient> ingredients;
  std::string signature_algorithm;             // "ps256", "es256", ... ; empty when absent/unknown
  std::string signer_common_name;              // subject CN of the first x5chain certificate
  std::string signer_organization;             // subject O (what C2PA tools call "issuer")
  std::string signer_serial_number;            // decimal
  std::string signing_time;                    // RFC 3339 from the RFC 3161 timestamp; empty if none
  std::string camera_make, camera_model;       // EXIF:Make / EXIF:Model of a signed stds.exif assertion
  C2paThumbnail thumbnail;                     // c2pa.thumbnail.claim.* assertion
  C2paDataHash data_hash;                      // c2pa.hash.data assertion
};

struct C2paReport {
  bool present = false;          // embedded store found, or a remote manifest is referenced
  bool embedded = false;         // a C2PA manifest store is embedded in the file
  std::string remote_url;        // XMP dcterms:provenance http(s) URL
  size_t manifest_count = 0;
  bool has_active = false;       // active manifest (last in store) parsed
  C2paManifest active;
  std::vector<C2paManifest> manifests;  // every manifest in store order (the active one last), at most 256
  // Where the manifest store sits in the file ({start, length}; JPEG APP11
  // segments or the PNG caBX chunk, headers included); length 0 when unknown.
  uint64_t store_start = 0, store_length = 0;
  std::vector<std::string> parse_errors;
};

struct ExifReport {
  bool present = false;
  std::string make, model, software, datetime, datetime_original;
  std::string body_serial_number, lens_model;
  std::string user_comment;  // decoded text (ASCII/UTF-16), capped at max_text_bytes
  bool gps_present = false;  // GPS latitude or longitude tag found
  int orientation = 0;       // 0 when absent
};

struct XmpReport {
  bool present = false;
  bool truncated = false;            // a packet exceeded max_xmp_bytes and was skipped
  std::string creator_tool;          // xmp:CreatorTool
  std::string digital_source_type;   // Iptc4xmpExt:DigitalSourceType
  std::string provenance;            // dcterms:provenance (C2PA manifest reference)
  std::string credit;                // photoshop:Credit
};

struct IptcReport {
  bool iim_present = false;          // IPTC-IIM record (JPEG APP13 or PNG raw profile)
  std::string digital_source_type;   // from XMP (IIM has no such field)
  std::string credit;                // IIM 2:110, else XMP photoshop:Credit
};

struct GeneratorText {
  std::string key;     // chunk keyword or "exif:UserComment"
  std::string value;   // decoded text, capped at max_text_bytes
  std::string where;   // "png:tEXt", "png:zTXt", "png:iTXt", "exif", "png:stealth"
};

struct GeneratorReport {
  std::string tool;        // "AUTOMATIC1111", "ComfyUI", "NovelAI", "InvokeAI", "Fooocus", or empty
  std::string source;      // where the decisive text was found (see GeneratorText::where)
  bool parameters_present = false;  // "parameters" text (A1111/Fooocus style)
  bool prompt_present = false;      // ComfyUI "prompt" graph
  bool workflow_present = false;    // ComfyUI "workflow"
  std::string prompt;               // positive prompt when it can be told apart, else empty
  std::vector<GeneratorText> texts; // every text entry read (PNG text chunks, UserComment)
};

struct ProvenanceReport {
  std::string format;  // "jpeg", "png", "webp", "avif", "heic", "heif", "gif", "tiff", "bmp"
  // Said when the format itself cannot hold provenance (BMP): not a problem.
  std::string note;
  C2paReport c2pa;
  ExifReport exif;
  XmpReport xmp;
  IptcReport iptc;
  GeneratorReport generator;
  bool partial = false;               // something was malformed, truncated or skipped by a limit
  // One line per problem that made the result partial, plus findings that do
  // not (an XMP reference to an embedded manifest that is missing). At most 64.
  std::vector<std::string> warnings;
};

// Reads provenance from a whole file held in memory. The caller keeps
// ownership of `data`; the report owns copies of everything it holds.
// Fails with kInvalidArgument (null/empty), kTooLarge (size > max_input_bytes)
// or kUnsupportedFormat (not JPEG/PNG/WebP/ISO-BMFF/GIF/TIFF/BMP). Malformed content inside
// a recognised container never fails the call: what could be read is returned
// with `partial` set and a warning per problem.
Result<ProvenanceReport> read_provenance(const uint8_t* data, size_t size,
                                         const ProvenanceOptions& options = {});

// Serialises a report as compact JSON with a fixed key order; absent strings
// are null. Generator texts appear as excerpts of at most `excerpt_chars`
// code points (plus "..."); invalid UTF-8 becomes U+FFFD. Never fails. Keys:
//   format, partial, note (null unless the format holds no metadata: BMP),
//   c2pa {present, embedded, remote_url, manifest_count, digital_source_type,
//         active: null | {label, claim_version, claim_generator,
//           claim_generator_info[{name, version}], title, format, assertions[],
//           actions[{action, digital_source_type, software_agent}],
//           digital_source_types[], ingredients[{title, relationship}],
//           signature_algorithm, signer, signer_organization,
//           signer_serial_number, signing_time},
//         parse_errors[]},
//   xmp {present, truncated, creator_tool, digital_source_type, provenance, credit},
//   iptc {iim_present, digital_source_type, credit},
//   exif {present, make, model, software, datetime, datetime_original,
//         gps_present, serial, lens_model, orientation},
//   generator {tool, source, parameters_present, prompt_present,
//              workflow_present, prompt_excerpt, texts[{key, where, length, excerpt}]},
//   warnings[]
std::string provenance_to_json(const ProvenanceReport& report, size_t excerpt_chars = 160);

}  // namespace filigrane
