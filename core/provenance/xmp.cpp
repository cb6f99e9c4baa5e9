#include "core/provenance/utf8.h"
#include "core/provenance/xmp.h"

#include <cstdlib>

namespace filigrane::provenance {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == ':';
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }


std::string decode_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += '&';
      continue;
    }
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    if (name == "amp") out += '&';
    else if (name == "lt") out += '<';
    else if (name == "gt") out += '>';
    else if (name == "quot") out += '"';
    else if (name == "apos") out += '\'';
    else if (name.size() > 1 && name[0] == '#') {
      const std::string digits(name.substr(name[1] == 'x' || name[1] == 'X' ? 2 : 1));
      char* end = nullptr;
      const unsigned long cp = std::strtoul(digits.c_str(), &end, name[1] == 'x' || name[1] == 'X' ? 16 : 10);
      if (digits.empty() || *end != '\0') {
        out.append(s.substr(i, semi - i + 1));
      } else {
        append_utf8(out, cp > 0x10ffff ? 0xfffdu : static_cast<uint32_t>(cp));  // no truncation of huge values
      }
    } else {
      out.append(s.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Value of attribute `name` (exact qualified name) inside the tag text `tag`.
std::string_view attribute_in_tag(std::string_view tag, std::string_view name) {
  size_t pos = 0;
  while ((pos = tag.find(name, pos)) != std::string_view::npos) {
    const bool starts = pos > 0 && is_space(tag[pos - 1]);
    size_t p = pos + name.size();
    pos = p;
    if (!starts) continue;
    while (p < tag.size() && is_space(tag[p])) ++p;
    if (p >= tag.size() || tag[p] != '=') continue;
    ++p;
    while (p < tag.size() && is_space(tag[p])) ++p;
    if (p >= tag.size() || (tag[p] != '"' && tag[p] != '\'')) continue;
    const char quote = tag[p];
    const size_t end = tag.find(quote, p + 1);
    if (end == std::string_view::npos) return {};
    return tag.substr(p + 1, end - p - 1);
  }
  return {};
}

}  // namespace

std::string find_xmp_property(std::string_view xmp, std::string_view local_name) {
  if (local_name.empty()) return "";  // an empty name matches everywhere and the scan would never advance
  size_t pos = 0;
  while ((pos = xmp.find(local_name, pos)) != std::string_view::npos) {
    const size_t name_end = pos + local_name.size();
    const size_t match = pos;
    pos = name_end;
    if (match == 0 || xmp[match - 1] != ':') continue;
    if (name_end < xmp.size() && is_name_char(xmp[name_end])) continue;  // longer name
    size_t start = match - 1;
    while (start > 0 && is_name_char(xmp[start - 1])) --start;  // start of "prefix:"
    if (start == 0) continue;
    const char before = xmp[start - 1];
    size_t p = name_end;
    while (p < xmp.size() && is_space(xmp[p])) ++p;
    if (is_space(before) && p < xmp.size() && xmp[p] == '=') {
      // Attribute form: prefix:Name="value"
      ++p;
      while (p < xmp.size() && is_space(xmp[p])) ++p;
      if (p >= xmp.size() || (xmp[p] != '"' && xmp[p] != '\'')) continue;
      const size_t end = xmp.find(xmp[p], p + 1);
      if (end == std::string_view::npos) return "";
      return trim(decode_entities(xmp.substr(p + 1, end - p - 1)));
    }
    if (before != '<') continue;  // closing tags ("</") and text mentions
    const size_t tag_end = xmp.find('>', name_end);
    if (tag_end == std::string_view::npos) return "";
    const std::string_view tag = xmp.substr(name_end, tag_end - name_end);
    const std::string_view resource = attribute_in_tag(tag, "rdf:resource");
    if (!resource.empty()) return trim(decode_entities(resource));
    if (!tag.empty() && tag.back() == '/') {  // empty element
      pos = tag_end + 1;
      continue;
    }
    const std::string_view qualified = xmp.substr(start, name_end - start);
    std::string closing = "</";
    closing.append(qualified);
    const size_t close = xmp.find(closing, tag_end + 1);
    if (close == std::string_view::npos) return "";
    std::string_view body = xmp.substr(tag_end + 1, close - tag_end - 1);
    // Containers (rdf:Alt/Seq/Bag): the first rdf:li's text.
    const size_t li = body.find("<rdf:li");
    if (li != std::string_view::npos) {
      const size_t li_open_end = body.find('>', li);
      const size_t li_close = body.find("</rdf:li>", li);
      if (li_open_end == std::string_view::npos || li_close == std::string_view::npos ||
          li_close < li_open_end) {
        return "";
      }
      body = body.substr(li_open_end + 1, li_close - li_open_end - 1);
    }
    if (body.find('<') != std::string_view::npos) {  // structured value: skip it whole
      pos = close + closing.size();
      continue;
    }
    return trim(decode_entities(body));
  }
  return "";
}

void read_xmp_packet(std::string_view xmp, XmpReport& out) {
  out.present = true;
  auto fill = [&](std::string& field, std::string_view name) {
    if (field.empty()) field = find_xmp_property(xmp, name);
  };
  fill(out.creator_tool, "CreatorTool");
  fill(out.digital_source_type, "DigitalSourceType");
  fill(out.provenance, "provenance");
  fill(out.credit, "Credit");
}

}  // namespace filigrane::provenance
