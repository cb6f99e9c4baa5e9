// Container walkers: each finds the metadata blocks of one file format and
// copies them into MetadataBlocks, without interpreting them. Every length is
// checked against the bytes left; problems become warnings, never failures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/provenance/bytes.h"
#include "core/provenance/provenance.h"

namespace filigrane::provenance {

struct TextChunk {
  std::string keyword;
  std::string text;   // UTF-8 (tEXt/zTXt Latin-1 converted)
  std::string where;  // "png:tEXt", "png:zTXt", "png:iTXt", "gif:comment"
};

struct MetadataBlocks {
  std::vector<std::vector<uint8_t>> exif;      // TIFF blocks ("Exif\0\0" prefix allowed)
  std::vector<std::string> xmp;                // XMP packets
  std::vector<std::vector<uint8_t>> jumbf;     // C2PA manifest store candidates
  // {start, length} in the file of jumbf[i] with its container headers, where
  // the walker knows it (JPEG, PNG); shorter than jumbf or length 0 otherwise.
  std::vector<std::pair<uint64_t, uint64_t>> jumbf_spans;
  std::vector<std::vector<uint8_t>> iptc_iim;  // IPTC-IIM records (no IRB wrapper)
  std::vector<TextChunk> texts;
  std::vector<std::string> warnings;
  size_t inflated_bytes = 0;                   // total inflate output so far
  size_t xmp_skipped = 0;                      // packets refused by max_xmp_bytes
  bool png_may_hide_stealth_text = false;      // 8-bit RGB/RGBA, not interlaced
  uint32_t png_width = 0, png_height = 0;
  int png_channels = 0;                        // 3 or 4 when png_may_hide_stealth_text
  std::vector<uint8_t> png_idat_prefix;        // first IDAT bytes (capped), for the stealth check
};

// Each walker appends what it finds to `out`; the input must start with the
// format's signature (the dispatcher checks it).
void walk_jpeg(ByteView file, const ProvenanceOptions& options, MetadataBlocks& out);
void walk_png(ByteView file, const ProvenanceOptions& options, MetadataBlocks& out);
void walk_webp(ByteView file, const ProvenanceOptions& options, MetadataBlocks& out);
void walk_isobmff(ByteView file, const ProvenanceOptions& options, MetadataBlocks& out);
void walk_gif(ByteView file, const ProvenanceOptions& options, MetadataBlocks& out);
void walk_tiff(ByteView file, const ProvenanceOptions& options, MetadataBlocks& out);

// Splits a Photoshop image-resource block (APP13 after "Photoshop 3.0\0", or
// raw "8BIM" resources) and appends IPTC-IIM resources (id 0x0404) to `out`.
void collect_photoshop_iptc(ByteView irb, MetadataBlocks& out);

// Records where the last jumbf block sits in the file.
inline void set_last_jumbf_span(MetadataBlocks& out, uint64_t start, uint64_t length) {
  if (out.jumbf.empty()) return;
  out.jumbf_spans.resize(out.jumbf.size());
  out.jumbf_spans.back() = {start, length};
}

// Adds an XMP packet, or a warning when it exceeds options.max_xmp_bytes.
void add_xmp(ByteView packet, const ProvenanceOptions& options, MetadataBlocks& out);

}  // namespace filigrane::provenance
