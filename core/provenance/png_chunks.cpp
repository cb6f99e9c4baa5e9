// PNG: walks chunks to IEND, collecting text, eXIf, caBX (C2PA) and XMP.
#include <algorithm>

#include "core/provenance/containers.h"
#include "core/provenance/inflate.h"

namespace filigrane::provenance {
namespace {

// The stealth-text check needs the first 120 rows at most; this much
// compressed data covers them for any realistic image.
constexpr size_t kMaxIdatPrefix = size_t{4} << 20;

std::string latin1_to_utf8(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size);
  for (size_t i = 0; i < bytes.size; ++i) {
    const uint8_t c = bytes.data[i];
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xc0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3f));
    }
  }
  return out;
}

// Inflates a zlib stream within the per-chunk and total budgets.
bool inflate_text(ByteView compressed, const ProvenanceOptions& options, MetadataBlocks& out,
                  std::vector<uint8_t>& result) {
  const size_t budget_left = options.max_total_inflate_bytes > out.inflated_bytes
                                 ? options.max_total_inflate_bytes - out.inflated_bytes
                                 : 0;
  const size_t limit = std::min(options.max_inflate_bytes, budget_left);
  auto inflated = inflate_zlib(compressed.data, compressed.size, limit);
  if (!inflated.ok()) {
    out.warnings.push_back("png: compressed text: " + inflated.status().message());
    return false;
  }
  result = std::move(inflated).value();
  out.inflated_bytes += result.size();
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// ImageMagick "Raw profile type NAME": "\nNAME\n   LENGTH\nHEX...". Appends
// the decoded profile to the right list.
void raw_profile(const std::string& keyword, const std::string& text, MetadataBlocks& out,
                 const ProvenanceOptions& options) {
  const std::string type = keyword.substr(17);  // after "Raw profile type "
  size_t p = 0;
  while (p < text.size() && text[p] == '\n') ++p;
  const size_t name_end = text.find('\n', p);
  if (name_end == std::string::npos) return;
  p = name_end + 1;
  while (p < text.size() && text[p] == ' ') ++p;
  // 64-bit on every target (size_t is 32-bit in WebAssembly); capped well below overflow.
  uint64_t declared = 0;
  while (p < text.size() && text[p] >= '0' && text[p] <= '9' && declared < (uint64_t{1} << 40)) {
    declared = declared * 10 + static_cast<uint64_t>(text[p++] - '0');
  }
  std::vector<uint8_t> bytes;
  bytes.reserve(static_cast<size_t>(std::min<uint64_t>(declared, text.size() / 2)));
  int high = -1;
  for (; p < text.size() && bytes.size() < declared; ++p) {
    const int v = hex_value(text[p]);
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      bytes.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  ByteView view(bytes.data(), bytes.size());
  if (type == "exif" || type == "APP1") {
    if (view.starts_with(std::string_view("Exif\0\0", 6))) out.exif.push_back(std::move(bytes));
    else if (view.starts_with("II") || view.starts_with("MM")) out.exif.push_back(std::move(bytes));
  } else if (type == "xmp") {
    add_xmp(view, options, out);
  } else if (type == "iptc" || type == "8bim") {
    if (view.starts_with("8BIM")) collect_photoshop_iptc(view, out);
    else if (!bytes.empty() && bytes[0] == 0x1c) out.iptc_iim.push_back(std::move(bytes));
  }
}

}  // namespace

void walk_png(ByteView file, const ProvenanceOptions& options, MetadataBlocks& out) {
  size_t pos = 8;
  bool seen_iend = false;
  while (pos < file.size) {
    uint32_t length;
    if (!file.u32_at(pos, true, length) || !file.contains(pos + 4, 4)) {
      out.warnings.emplace_back("png: truncated chunk header");
      return;
    }
    if (length > 0x7fffffffu || !file.contains(pos + 8, size_t{length} + 4)) {
      // A missing CRC on the final chunk is tolerated; a length past the end is not.
      if (length <= 0x7fffffffu && file.contains(pos + 8, length)) {
        out.warnings.emplace_back("png: last chunk lacks its CRC");
      } else {
        out.warnings.emplace_back("png: chunk length past end of file");
        return;
      }
    }
    const std::string type = file.sub(pos + 4, 4).to_string();
    ByteView data = file.sub(pos + 8, length);
    pos += size_t{12} + length;

    if (type == "IHDR" && data.size >= 13) {
      const uint8_t depth = data.data[8], color = data.data[9], interlace = data.data[12];
      out.png_may_hide_stealth_text = depth == 8 && (color == 2 || color == 6) && interlace == 0;
      data.u32_at(0, true, out.png_width);
      data.u32_at(4, true, out.png_height);
      out.png_channels = color == 6 ? 4 : 3;
    } else if (type == "IDAT") {
      const size_t room = kMaxIdatPrefix - std::min(kMaxIdatPrefix, out.png_idat_prefix.size());
      const size_t take = std::min(room, data.size);
      out.png_idat_prefix.insert(out.png_idat_prefix.end(), data.data, data.data + take);
    } else if (type == "IEND") {
      seen_iend = true;
      break;
    } else if (type == "eXIf") {
      out.exif.emplace_back(data.data, data.data + data.size);
    } else if (type == "caBX") {
      if (data.size > options.max_jumbf_bytes) {
        out.warnings.emplace_back("jumbf: manifest store larger than the limit; skipped");
      } else {
        out.jumbf.emplace_back(data.data, data.data + data.size);
        set_last_jumbf_span(out, static_cast<uint64_t>(data.data - file.data) - 8, uint64_t{length} + 12);
      }
    } else if (type == "tEXt" || type == "zTXt" || type == "iTXt") {
      size_t nul = 0;
      while (nul < data.size && data.data[nul] != 0) ++nul;
      if (nul == data.size || nul == 0 || nul > 79) {
        out.warnings.push_back("png: malformed " + type + " keyword");
        continue;
      }
      const std::string keyword = latin1_to_utf8(data.sub(0, nul));
      std::string text;
      if (type == "tEXt") {
        text = latin1_to_utf8(data.tail(nul + 1));
      } else if (type == "zTXt") {
        uint8_t method;
        if (!data.u8_at(nul + 1, method) || method != 0) {
          out.warnings.emplace_back("png: zTXt with unknown compression");
          continue;
        }
        std::vector<uint8_t> inflated;
        if (!inflate_text(data.tail(nul + 2), options, out, inflated)) continue;
        text = latin1_to_utf8(ByteView(inflated.data(), inflated.size()));
      } else {  // iTXt: flag, method, language\0, translated keyword\0, text
        uint8_t flag, method;
        if (!data.u8_at(nul + 1, flag) || !data.u8_at(nul + 2, method)) {
          out.warnings.emplace_back("png: truncated iTXt");
          continue;
        }
        size_t p = nul + 3;
        for (int field = 0; field < 2; ++field) {
          while (p < data.size && data.data[p] != 0) ++p;
          ++p;
        }
        if (p > data.size) {
          out.warnings.emplace_back("png: truncated iTXt");
          continue;
        }
        ByteView body = data.tail(p);
        if (flag == 1) {
          if (method != 0) {
            out.warnings.emplace_back("png: iTXt with unknown compression");
            continue;
          }
          std::vector<uint8_t> inflated;
          if (!inflate_text(body, options, out, inflated)) continue;
          text.assign(inflated.begin(), inflated.end());
        } else {
          text = body.to_string();
        }
      }
      if (keyword == "XML:com.adobe.xmp") {
        add_xmp(ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()), options, out);
      } else if (keyword.rfind("Raw profile type ", 0) == 0) {
        raw_profile(keyword, text, out, options);
      } else if (out.texts.size() < options.max_text_chunks) {
        if (text.size() > options.max_text_bytes) {
          text.resize(options.max_text_bytes);
          out.warnings.push_back("png: text '" + keyword + "' cut to the size limit");
        }
        out.texts.push_back({keyword, std::move(text), "png:" + type});
      } else {
        out.warnings.emplace_back("png: more text chunks than the limit; rest ignored");
      }
    }
  }
  if (!seen_iend) out.warnings.emplace_back("png: no IEND chunk");
}

}  // namespace filigrane::provenance
