#include "core/provenance/der.h"

#include <vector>

namespace filigrane::provenance {
namespace {

struct DerElement {
  uint8_t tag = 0;
  ByteView content;
};

// Reads one element at `pos` and advances past it. Definite lengths only
// (DER forbids the indefinite form); lengths over 4 bytes are refused.
bool read_element(ByteView in, size_t& pos, DerElement& out) {
  uint8_t tag, first;
  if (!in.u8_at(pos, tag) || !in.u8_at(pos + 1, first)) return false;
  if ((tag & 0x1f) == 0x1f) return false;  // high tag numbers: not used by what we read
  size_t p = pos + 2;
  uint64_t length = first;
  if (first & 0x80) {
    const size_t width = first & 0x7f;
    if (width == 0 || width > 4 || !in.uint_at(p, width, true, length)) return false;
    p += width;
  }
  if (!in.contains(p, static_cast<size_t>(length))) return false;
  out.tag = tag;
  out.content = in.sub(p, static_cast<size_t>(length));
  pos = p + static_cast<size_t>(length);
  return true;
}

bool first_child(ByteView in, uint8_t expected_tag, DerElement& out) {
  size_t pos = 0;
  return read_element(in, pos, out) && out.tag == expected_tag;
}

std::string decode_string(const DerElement& e) {
  if (e.tag == 0x1e) {  // BMPString: UTF-16BE, basic plane only
    std::string out;
    for (size_t i = 0; i + 1 < e.content.size; i += 2) {
      const unsigned cp = (e.content.data[i] << 8) | e.content.data[i + 1];
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
      } else {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
      }
    }
    return out;
  }
  return e.content.to_string();
}

// Big-endian unsigned integer bytes to decimal (schoolbook division by 10).
std::string to_decimal(ByteView bytes) {
  if (bytes.size == 0 || bytes.size > 40) return "";  // X.509 serials are at most 20 octets
  std::vector<uint8_t> digits(bytes.data, bytes.data + bytes.size);
  std::string out;
  bool nonzero = true;
  while (nonzero && out.size() < 200) {
    nonzero = false;
    unsigned remainder = 0;
    for (uint8_t& d : digits) {
      const unsigned cur = (remainder << 8) | d;
      d = static_cast<uint8_t>(cur / 10);
      remainder = cur % 10;
      if (d) nonzero = true;
    }
    out.insert(out.begin(), static_cast<char>('0' + remainder));
  }
  return out;
}

}  // namespace

bool read_certificate_subject(ByteView certificate, CertificateSubject& out) {
  DerElement cert, tbs;
  if (!first_child(certificate, 0x30, cert) || !first_child(cert.content, 0x30, tbs)) return false;
  ByteView t = tbs.content;
  size_t pos = 0;
  DerElement e;
  if (!read_element(t, pos, e)) return false;
  if (e.tag == 0xa0 && !read_element(t, pos, e)) return false;  // optional [0] version
  if (e.tag != 0x02) return false;                              // serialNumber
  out.serial_number = to_decimal(e.content);
  // signature AlgorithmIdentifier, issuer, validity, then subject
  for (int i = 0; i < 4; ++i) {
    if (!read_element(t, pos, e) || e.tag != 0x30) return false;
  }
  ByteView name = e.content;
  size_t rdn_pos = 0;
  DerElement rdn;
  while (read_element(name, rdn_pos, rdn)) {
    if (rdn.tag != 0x31) continue;
    size_t atv_pos = 0;
    DerElement atv;
    while (read_element(rdn.content, atv_pos, atv)) {
      size_t p = 0;
      DerElement oid, value;
      if (atv.tag != 0x30 || !read_element(atv.content, p, oid) || oid.tag != 0x06 ||
          !read_element(atv.content, p, value)) {
        continue;
      }
      if (oid.content.size == 3 && oid.content.data[0] == 0x55 && oid.content.data[1] == 0x04) {
        if (oid.content.data[2] == 0x03 && out.common_name.empty()) out.common_name = decode_string(value);
        if (oid.content.data[2] == 0x0a && out.organization.empty()) out.organization = decode_string(value);
      }
    }
  }
  return true;
}

std::string read_timestamp_token_time(ByteView token) {
  // ContentInfo { contentType, [0] SignedData { version, digestAlgorithms,
  //   encapContentInfo { eContentType, [0] OCTET STRING (TSTInfo) } ... } }
  // C2PA writers also store a whole TimeStampResp { PKIStatusInfo, token }.
  DerElement content_info, e, signed_data, encap, explicit0, octets, tst;
  if (!first_child(token, 0x30, content_info)) return "";
  size_t pos = 0;
  if (!read_element(content_info.content, pos, e)) return "";
  if (e.tag == 0x30) {
    if (!read_element(content_info.content, pos, content_info) || content_info.tag != 0x30) return "";
    pos = 0;
    if (!read_element(content_info.content, pos, e)) return "";
  }
  if (e.tag != 0x06) return "";
  if (!read_element(content_info.content, pos, e) || e.tag != 0xa0) return "";
  if (!first_child(e.content, 0x30, signed_data)) return "";
  pos = 0;
  if (!read_element(signed_data.content, pos, e) || e.tag != 0x02) return "";
  if (!read_element(signed_data.content, pos, e) || e.tag != 0x31) return "";
  if (!read_element(signed_data.content, pos, encap) || encap.tag != 0x30) return "";
  pos = 0;
  if (!read_element(encap.content, pos, e) || e.tag != 0x06) return "";
  if (!read_element(encap.content, pos, explicit0) || explicit0.tag != 0xa0) return "";
  if (!first_child(explicit0.content, 0x04, octets)) return "";
  if (!first_child(octets.content, 0x30, tst)) return "";
  // TSTInfo { version, policy, messageImprint, serialNumber, genTime, ... }
  pos = 0;
  for (int i = 0; i < 5; ++i) {
    if (!read_element(tst.content, pos, e)) return "";
  }
  if (e.tag != 0x18 || e.content.size < 15) return "";
  const std::string t = e.content.to_string();
  for (int i = 0; i < 14; ++i) {
    if (t[i] < '0' || t[i] > '9') return "";
  }
  auto field = [&](int at) { return (t[at] - '0') * 10 + (t[at + 1] - '0'); };
  // A tampered token can hold an impossible time; report none rather than nonsense.
  if (field(4) < 1 || field(4) > 12 || field(6) < 1 || field(6) > 31 || field(8) > 23 ||
      field(10) > 59 || field(12) > 60) {
    return "";
  }
  return t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2) + "T" + t.substr(8, 2) + ":" +
         t.substr(10, 2) + ":" + t.substr(12, 2) + "+00:00";
}

}  // namespace filigrane::provenance
