#include "core/provenance/provenance.h"

#include <cstring>

#include "core/codec.h"
#include "core/provenance/c2pa.h"
#include "core/provenance/containers.h"
#include "core/provenance/exif.h"
#include "core/provenance/generator.h"
#include "core/provenance/json_writer.h"
#include "core/provenance/xmp.h"

namespace filigrane {
namespace {

using provenance::ByteView;
using provenance::MetadataBlocks;

constexpr size_t kMaxWarnings = 64;

enum class Container { kUnknown, kJpeg, kPng, kWebp, kIsobmff, kGif, kTiff, kBmp };

Container sniff(ByteView file, std::string& format) {
  static const uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  if (file.size >= 3 && file.data[0] == 0xff && file.data[1] == 0xd8 && file.data[2] == 0xff) {
    format = "jpeg";
    return Container::kJpeg;
  }
  if (file.size >= 8 && std::memcmp(file.data, kPngSignature, 8) == 0) {
    format = "png";
    return Container::kPng;
  }
  if (file.size >= 12 && file.equals_at(0, "RIFF") && file.equals_at(8, "WEBP")) {
    format = "webp";
    return Container::kWebp;
  }
  if (file.size >= 6 && (file.equals_at(0, "GIF87a") || file.equals_at(0, "GIF89a"))) {
    format = "gif";
    return Container::kGif;
  }
  if (file.size >= 8 && (file.equals_at(0, std::string_view("II*\0", 4)) || file.equals_at(0, std::string_view("MM\0*", 4)) ||
                         file.equals_at(0, std::string_view("II+\0", 4)) || file.equals_at(0, std::string_view("MM\0+", 4)))) {
    format = "tiff";
    return Container::kTiff;
  }
  if (file.size >= 2 && file.equals_at(0, "BM")) {
    format = "bmp";
    return Container::kBmp;
  }
  if (file.size >= 12 && file.equals_at(4, "ftyp")) {
    const std::string brand = file.sub(8, 4).to_string();
    if (brand == "avif" || brand == "avis") format = "avif";
    else if (brand == "heic" || brand == "heix" || brand == "heim" || brand == "heis") format = "heic";
    else format = "heif";
    return Container::kIsobmff;
  }
  return Container::kUnknown;
}

// IPTC-IIM: records of 0x1C, record number, dataset number, length (a 15-bit
// count, or with the top bit set the width of a longer length field).
void read_iptc_iim(ByteView iim, IptcReport& out, std::vector<std::string>& warnings) {
  out.iim_present = true;
  size_t pos = 0;
  while (pos + 5 <= iim.size && iim.data[pos] == 0x1c) {
    const uint8_t record = iim.data[pos + 1], dataset = iim.data[pos + 2];
    uint16_t length16 = 0;
    iim.u16_at(pos + 3, true, length16);
    pos += 5;
    uint64_t length = length16;
    if (length16 & 0x8000) {
      const size_t width = length16 & 0x7fff;
      if (width == 0 || width > 4 || !iim.uint_at(pos, width, true, length)) {
        warnings.emplace_back("iptc: bad extended length");
        return;
      }
      pos += width;
    }
    if (length > iim.size - pos) {
      warnings.emplace_back("iptc: dataset length past end");
      return;
    }
    if (record == 2 && dataset == 110 && out.credit.empty()) {
      out.credit = iim.sub(pos, static_cast<size_t>(length)).to_string();
    }
    pos += static_cast<size_t>(length);
  }
}

// A warning says why the result is partial, unless `marks_partial` is false
// (a finding about the file, such as a dangling manifest reference).
void add_warning(ProvenanceReport& report, const std::string& message, bool marks_partial = true) {
  if (marks_partial) report.partial = true;
  if (!report.warnings.empty() && report.warnings.back() == message) return;
  if (report.warnings.size() < kMaxWarnings) report.warnings.push_back(message);
}

void look_for_stealth_text(ByteView file, const ProvenanceOptions& options, ProvenanceReport& report) {
  auto header = read_image_header(file.data, file.size);
  if (!header.ok()) return;
  const uint64_t pixels = uint64_t{header.value().stored_width} * header.value().stored_height;
  if (pixels == 0 || pixels > options.stealth_max_pixels) return;
  DecodeOptions decode_options;
  decode_options.apply_orientation = false;
  auto decoded = decode_image(file.data, file.size, decode_options);
  if (!decoded.ok()) return;
  std::string text;
  if (provenance::read_stealth_text(decoded.value().image, options.max_text_bytes, text)) {
    report.generator.texts.push_back({"parameters", std::move(text), "png:stealth"});
  }
}

// Cuts `text` to at most `max_chars` code points, marking the cut with "...".
std::string excerpt(const std::string& text, size_t max_chars) {
  size_t chars = 0, i = 0;
  while (i < text.size() && chars < max_chars) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    i += c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    ++chars;
  }
  if (i >= text.size()) return text;
  return text.substr(0, i) + "...";
}

}  // namespace

Result<ProvenanceReport> read_provenance(const uint8_t* data, size_t size, const ProvenanceOptions& options) {
  if (data == nullptr || size == 0) return InvalidArgument("provenance: empty input");
  if (size > options.max_input_bytes) return TooLarge("provenance: input larger than max_input_bytes");
  ByteView file(data, size);
  ProvenanceReport report;
  const Container container = sniff(file, report.format);
  MetadataBlocks blocks;
  switch (container) {
    case Container::kJpeg: provenance::walk_jpeg(file, options, blocks); break;
    case Container::kPng: provenance::walk_png(file, options, blocks); break;
    case Container::kWebp: provenance::walk_webp(file, options, blocks); break;
    case Container::kIsobmff: provenance::walk_isobmff(file, options, blocks); break;
    case Container::kGif: provenance::walk_gif(file, options, blocks); break;
    case Container::kTiff: provenance::walk_tiff(file, options, blocks); break;
    case Container::kBmp:
      report.note = "The BMP format has no place for provenance metadata, so there is nothing to read";
      break;
    case Container::kUnknown:
      return UnsupportedFormat("This file is not an image Filigrane can read (JPEG, PNG, WebP, TIFF, BMP or GIF)");
  }
  for (const auto& w : blocks.warnings) add_warning(report, w);

  // C2PA: the first block that parses as a manifest store wins.
  for (size_t b = 0; b < blocks.jumbf.size(); ++b) {
    const auto& jumbf = blocks.jumbf[b];
    C2paReport attempt;
    const bool clean = provenance::read_c2pa_store(ByteView(jumbf.data(), jumbf.size()), options, attempt);
    if (b < blocks.jumbf_spans.size()) {
      attempt.store_start = blocks.jumbf_spans[b].first;
      attempt.store_length = blocks.jumbf_spans[b].second;
    }
    if (!attempt.embedded && report.c2pa.embedded) continue;
    report.c2pa = std::move(attempt);
    if (!clean) add_warning(report, "c2pa: manifest store partly unreadable (see c2pa.parse_errors)");
    if (report.c2pa.embedded) break;
  }

  std::vector<std::string> warnings;
  for (const auto& tiff : blocks.exif) {
    provenance::read_exif(ByteView(tiff.data(), tiff.size()), options, report.exif, warnings);
  }
  for (const auto& packet : blocks.xmp) provenance::read_xmp_packet(packet, report.xmp);
  report.xmp.truncated = blocks.xmp_skipped > 0;
  if (blocks.xmp_skipped > 0) report.xmp.present = true;
  for (const auto& iim : blocks.iptc_iim) read_iptc_iim(ByteView(iim.data(), iim.size()), report.iptc, warnings);
  for (const auto& w : warnings) add_warning(report, w);
  report.iptc.digital_source_type = report.xmp.digital_source_type;
  if (report.iptc.credit.empty()) report.iptc.credit = report.xmp.credit;

  // A manifest may live elsewhere, referenced from XMP (dcterms:provenance).
  const std::string& reference = report.xmp.provenance;
  if (reference.rfind("http://", 0) == 0 || reference.rfind("https://", 0) == 0) {
    report.c2pa.remote_url = reference;
  } else if (reference.rfind("self#jumbf=", 0) == 0 && !report.c2pa.embedded) {
    add_warning(report, "c2pa: XMP references an embedded manifest that is not in the file", false);
  }
  report.c2pa.present = report.c2pa.embedded || !report.c2pa.remote_url.empty();

  for (auto& text : blocks.texts) {
    report.generator.texts.push_back({std::move(text.keyword), std::move(text.text), std::move(text.where)});
  }
  provenance::classify_generator(report.exif, report.generator);
  if (report.generator.tool.empty() && container == Container::kPng && blocks.png_may_hide_stealth_text &&
      options.stealth_max_pixels > 0 &&
      provenance::png_starts_with_stealth_signature(blocks.png_idat_prefix, blocks.png_width,
                                                    blocks.png_height, blocks.png_channels)) {
    look_for_stealth_text(file, options, report);
    provenance::classify_generator(report.exif, report.generator);
    if (!report.generator.tool.empty()) report.generator.source = "png:stealth";
  }
  return report;
}

namespace {

// One c2pa.actions entry, as both the summary and the manifest tree print it.
template <typename Action>
void write_action(provenance::JsonWriter& j, const Action& a) {
  j.begin_object().field("action", a.action).optional_field("digital_source_type", a.digital_source_type)
      .optional_field("software_agent", a.software_agent).end_object();
}

void write_thumbnail(provenance::JsonWriter& j, const C2paThumbnail& t) {
  j.key("thumbnail");
  if (t.bytes == 0) {
    j.null();
    return;
  }
  j.begin_object().optional_field("format", t.format).field("bytes", static_cast<int64_t>(t.bytes)).end_object();
}

std::string hex_of(const std::string& raw) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// One manifest of the history (issue 18's c2pa.manifests[] fields; validation is added by the JS library).
void write_manifest_node(provenance::JsonWriter& j, const C2paManifest& m) {
  j.begin_object();
  j.field("label", m.label);
  j.optional_field("title", m.title);
  j.optional_field("format", m.format);
  j.optional_field("claim_generator", m.claim_generator);
  j.optional_field("signer", m.signer_organization.empty() ? m.signer_common_name : m.signer_organization);
  j.optional_field("signer_common_name", m.signer_common_name);
  j.optional_field("signed_at", m.signing_time);
  j.optional_field("camera_make", m.camera_make);
  j.optional_field("camera_model", m.camera_model);
  j.key("actions").begin_array();
  std::string source_type;
  for (const auto& a : m.actions) {
    write_action(j, a);
    if (source_type.empty()) source_type = a.digital_source_type;
  }
  j.end_array();
  j.optional_field("digital_source_type", source_type);
  write_thumbnail(j, m.thumbnail);
  j.key("ingredients").begin_array();
  for (const auto& i : m.ingredients) {
    j.begin_object();
    j.optional_field("title", i.title);
    j.optional_field("relationship", i.relationship);
    j.optional_field("manifest", i.manifest);
    write_thumbnail(j, i.thumbnail);
    j.key("recorded_codes").begin_array();
    for (const auto& c : i.validation_codes) j.string(c);
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.key("data_hash");
  if (!m.data_hash.present) {
    j.null();
  } else {
    j.begin_object().optional_field("alg", m.data_hash.alg).field("hash", hex_of(m.data_hash.hash));
    j.key("exclusions").begin_array();
    for (const auto& [start, length] : m.data_hash.exclusions) {
      j.begin_object().field("start", static_cast<int64_t>(start)).field("length", static_cast<int64_t>(length)).end_object();
    }
    j.end_array().end_object();
  }
  j.end_object();
}

}  // namespace

std::string provenance_to_json(const ProvenanceReport& r, size_t excerpt_chars) {
  provenance::JsonWriter j;
  j.begin_object();
  j.field("format", r.format);
  j.field("partial", r.partial);
  j.optional_field("note", r.note);

  j.key("c2pa").begin_object();
  j.field("present", r.c2pa.present);
  j.field("embedded", r.c2pa.embedded);
  j.optional_field("remote_url", r.c2pa.remote_url);
  j.field("manifest_count", static_cast<int64_t>(r.c2pa.manifest_count));
  std::vector<std::string> source_types;
  if (r.c2pa.has_active) {
    for (const auto& a : r.c2pa.active.actions) {
      if (a.digital_source_type.empty()) continue;
      bool seen = false;
      for (const auto& s : source_types) seen = seen || s == a.digital_source_type;
      if (!seen) source_types.push_back(a.digital_source_type);
    }
  }
  j.optional_field("digital_source_type", source_types.empty() ? std::string() : source_types.front());
  j.key("active");
  if (!r.c2pa.has_active) {
    j.null();
  } else {
    const C2paManifest& m = r.c2pa.active;
    j.begin_object();
    j.field("label", m.label);
    j.field("claim_version", static_cast<int64_t>(m.claim_version));
    j.optional_field("claim_generator", m.claim_generator);
    j.key("claim_generator_info").begin_array();
    for (const auto& gi : m.claim_generator_info) {
      j.begin_object().field("name", gi.name).optional_field("version", gi.version).end_object();
    }
    j.end_array();
    j.optional_field("title", m.title);
    j.optional_field("format", m.format);
    j.key("assertions").begin_array();
    for (const auto& label : m.assertion_labels) j.string(label);
    j.end_array();
    j.key("actions").begin_array();
    for (const auto& a : m.actions) write_action(j, a);
    j.end_array();
    j.key("digital_source_types").begin_array();
    for (const auto& s : source_types) j.string(s);
    j.end_array();
    j.key("ingredients").begin_array();
    for (const auto& i : m.ingredients) {
      j.begin_object().optional_field("title", i.title).optional_field("relationship", i.relationship).end_object();
    }
    j.end_array();
    j.optional_field("signature_algorithm", m.signature_algorithm);
    j.optional_field("signer", m.signer_common_name);
    j.optional_field("signer_organization", m.signer_organization);
    j.optional_field("signer_serial_number", m.signer_serial_number);
    j.optional_field("signing_time", m.signing_time);
    j.end_object();
  }
  j.key("store_location");
  if (r.c2pa.store_length == 0) {
    j.null();
  } else {
    j.begin_object().field("start", static_cast<int64_t>(r.c2pa.store_start))
        .field("length", static_cast<int64_t>(r.c2pa.store_length)).end_object();
  }
  j.key("manifests").begin_array();
  for (const auto& m : r.c2pa.manifests) write_manifest_node(j, m);
  j.end_array();
  j.key("parse_errors").begin_array();
  for (const auto& e : r.c2pa.parse_errors) j.string(e);
  j.end_array();
  j.end_object();

  j.key("xmp").begin_object();
  j.field("present", r.xmp.present);
  j.field("truncated", r.xmp.truncated);
  j.optional_field("creator_tool", r.xmp.creator_tool);
  j.optional_field("digital_source_type", r.xmp.digital_source_type);
  j.optional_field("provenance", r.xmp.provenance);
  j.optional_field("credit", r.xmp.credit);
  j.end_object();

  j.key("iptc").begin_object();
  j.field("iim_present", r.iptc.iim_present);
  j.optional_field("digital_source_type", r.iptc.digital_source_type);
  j.optional_field("credit", r.iptc.credit);
  j.end_object();

  j.key("exif").begin_object();
  j.field("present", r.exif.present);
  j.optional_field("make", r.exif.make);
  j.optional_field("model", r.exif.model);
  j.optional_field("software", r.exif.software);
  j.optional_field("datetime", r.exif.datetime);
  j.optional_field("datetime_original", r.exif.datetime_original);
  j.field("gps_present", r.exif.gps_present);
  j.optional_field("serial", r.exif.body_serial_number);
  j.optional_field("lens_model", r.exif.lens_model);
  j.field("orientation", static_cast<int64_t>(r.exif.orientation));
  j.end_object();

  j.key("generator").begin_object();
  j.optional_field("tool", r.generator.tool);
  j.optional_field("source", r.generator.source);
  j.field("parameters_present", r.generator.parameters_present);
  j.field("prompt_present", r.generator.prompt_present);
  j.field("workflow_present", r.generator.workflow_present);
  j.optional_field("prompt_excerpt", excerpt(r.generator.prompt, excerpt_chars));
  j.key("texts").begin_array();
  for (const auto& t : r.generator.texts) {
    j.begin_object();
    j.field("key", t.key);
    j.field("where", t.where);
    j.field("length", static_cast<int64_t>(t.value.size()));
    j.field("excerpt", excerpt(t.value, excerpt_chars));
    j.end_object();
  }
  j.end_array();
  j.end_object();

  j.key("warnings").begin_array();
  for (const auto& w : r.warnings) j.string(w);
  j.end_array();
  j.end_object();
  return j.str();
}

}  // namespace filigrane
