// JPEG: walks marker segments up to the first scan (metadata precedes it).
#include <map>

#include "core/jpeg_markers.h"
#include "core/provenance/c2pa.h"
#include "core/provenance/containers.h"

namespace filigrane::provenance {
namespace {

constexpr std::string_view kExifId("Exif\0\0", 6);
constexpr std::string_view kXmpId("http://ns.adobe.com/xap/1.0/\0", 29);
constexpr std::string_view kExtendedXmpId("http://ns.adobe.com/xmp/extension/\0", 35);
constexpr std::string_view kPhotoshopId("Photoshop 3.0\0", 14);

// Extended XMP (XMP spec part 3): chunks of one packet keyed by GUID, placed
// at declared offsets inside a declared full length.
struct ExtendedXmp {
  uint32_t full_length = 0;
  std::string data;
  size_t received = 0;
};

// APP11 JUMBF: segments of one box share an instance number (En) and carry
// sequence numbers; each repeats the box header, which the reassembly drops.
struct JumbfAssembly {
  std::vector<uint8_t> bytes;
  uint32_t next_sequence = 1;
  bool broken = false;
  uint64_t first_segment = 0, end = 0;  // file span of its APP11 segments (markers included)
};

}  // namespace

void add_xmp(ByteView packet, const ProvenanceOptions& options, MetadataBlocks& out) {
  if (packet.size > options.max_xmp_bytes) {
    out.warnings.push_back("xmp: packet of " + std::to_string(packet.size) +
                           " bytes exceeds the limit; skipped");
    ++out.xmp_skipped;
    return;
  }
  out.xmp.push_back(packet.to_string());
}

void collect_photoshop_iptc(ByteView irb, MetadataBlocks& out) {
  size_t pos = 0;
  int resources = 0;
  while (irb.contains(pos, 12) && irb.equals_at(pos, "8BIM") && ++resources < 10000) {
    uint16_t id = 0;
    uint8_t name_length = 0;
    irb.u16_at(pos + 4, true, id);
    irb.u8_at(pos + 6, name_length);
    size_t p = pos + 6 + ((size_t{name_length} + 2) & ~size_t{1});  // Pascal string padded to even
    uint32_t size;
    if (!irb.u32_at(p, true, size) || !irb.contains(p + 4, size)) {
      out.warnings.emplace_back("iptc: image resource length past end");
      return;
    }
    if (id == 0x0404) {
      ByteView iim = irb.sub(p + 4, size);
      out.iptc_iim.emplace_back(iim.data, iim.data + iim.size);
    }
    pos = p + 4 + ((size_t{size} + 1) & ~size_t{1});
  }
}

void walk_jpeg(ByteView file, const ProvenanceOptions& options, MetadataBlocks& out) {
  std::map<std::string, ExtendedXmp> extended;
  std::map<uint16_t, JumbfAssembly> jumbf;
  JpegMarkerWalker walker(file.data, file.size, /*skip_stray_bytes=*/true);  // cameras write stray bytes; libjpeg reads on
  for (;;) {
    JpegSegment segment;
    const JpegStep step = walker.next(segment);
    if (step == JpegStep::kStartOfScan || step == JpegStep::kEndOfImage) break;  // no metadata after this point
    if (step == JpegStep::kStandalone) continue;
    if (const char* problem = jpeg_step_problem(step)) {
      out.warnings.push_back(std::string("jpeg: ") + problem + "; metadata after it not read");
      break;
    }
    const uint8_t marker = segment.marker;
    ByteView seg(segment.payload, segment.size);
    if (marker == 0xe1) {
      if (seg.starts_with(kExifId)) {
        out.exif.emplace_back(seg.data + 6, seg.data + seg.size);
      } else if (seg.starts_with(kXmpId)) {
        add_xmp(seg.tail(kXmpId.size()), options, out);
      } else if (seg.starts_with(kExtendedXmpId)) {
        ByteView body = seg.tail(kExtendedXmpId.size());
        uint32_t full_length, offset;
        if (!body.u32_at(32, true, full_length) || !body.u32_at(36, true, offset)) {
          out.warnings.emplace_back("xmp: truncated extended XMP header");
          continue;
        }
        const std::string guid(reinterpret_cast<const char*>(body.data), 32);
        if (extended.count(guid) == 0 && extended.size() >= 4) {
          out.warnings.emplace_back("xmp: too many extended XMP packets; skipped");
          continue;
        }
        ExtendedXmp& ext = extended[guid];
        if (full_length > options.max_xmp_bytes) {
          if (ext.full_length == 0) {
            out.warnings.push_back("xmp: extended packet of " + std::to_string(full_length) +
                                   " bytes exceeds the limit; skipped");
            ++out.xmp_skipped;
          }
          ext.full_length = full_length;
          continue;
        }
        if (ext.full_length == 0) {
          ext.full_length = full_length;
          ext.data.assign(full_length, ' ');
        }
        ByteView chunk = body.tail(40);
        if (ext.full_length != full_length || offset > full_length || chunk.size > full_length - offset) {
          out.warnings.emplace_back("xmp: extended XMP chunk outside its packet");
          continue;
        }
        ext.data.replace(offset, chunk.size, reinterpret_cast<const char*>(chunk.data), chunk.size);
        ext.received += chunk.size;
      }
    } else if (marker == 0xeb) {
      // "JP" CI, En (box instance), Z (sequence), then the box
      uint32_t sequence;
      uint16_t instance;
      if (!seg.equals_at(0, "JP") || !seg.u16_at(2, true, instance) || !seg.u32_at(4, true, sequence)) {
        continue;
      }
      ByteView box = seg.tail(8);
      JumbfAssembly& a = jumbf[instance];
      if (a.broken) continue;
      if (sequence != a.next_sequence) {
        out.warnings.emplace_back("jumbf: APP11 segment out of sequence");
        a.broken = true;
        continue;
      }
      ++a.next_sequence;
      const uint64_t segment_start = static_cast<uint64_t>(segment.payload - file.data) - 4;  // FF EB + length
      if (sequence == 1) a.first_segment = segment_start;
      a.end = segment_start + 4 + segment.size;
      size_t header = 8;
      uint32_t lbox;
      if (box.u32_at(0, true, lbox) && lbox == 1) header = 16;
      if (box.size < header) {
        out.warnings.emplace_back("jumbf: APP11 segment shorter than its box header");
        a.broken = true;
        continue;
      }
      if (a.bytes.size() + box.size > options.max_jumbf_bytes) {
        out.warnings.emplace_back("jumbf: manifest store larger than the limit; skipped");
        a.broken = true;
        a.bytes.clear();
        continue;
      }
      if (sequence == 1) a.bytes.insert(a.bytes.end(), box.data, box.data + box.size);
      else a.bytes.insert(a.bytes.end(), box.data + header, box.data + box.size);
    } else if (marker == 0xed && seg.starts_with(kPhotoshopId)) {
      collect_photoshop_iptc(seg.tail(kPhotoshopId.size()), out);
    }
  }
  for (auto& [guid, ext] : extended) {
    if (ext.data.empty()) continue;
    if (ext.received < ext.full_length) out.warnings.emplace_back("xmp: extended XMP incomplete");
    out.xmp.push_back(std::move(ext.data));
  }
  for (auto& [instance, a] : jumbf) {
    if (a.bytes.empty()) continue;
    if (a.broken) out.warnings.emplace_back("jumbf: APP11 reassembly incomplete; reading what arrived");
    if (looks_like_c2pa_store(ByteView(a.bytes.data(), a.bytes.size()))) {
      out.jumbf.push_back(std::move(a.bytes));
      set_last_jumbf_span(out, a.first_segment, a.end - a.first_segment);
    }
  }
}

}  // namespace filigrane::provenance
