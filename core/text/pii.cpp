#include "core/text/pii.h"

#include <algorithm>
#include <cstring>

namespace filigrane::text {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// IBAN lengths of the SEPA countries and a few others (ISO 13616 registry).
struct IbanCountry {
  char code[3];
  uint8_t length;
};
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24}, {"AE", 23}, {"AT", 20}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22}, {"BR", 29},
    {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"DO", 28}, {"EE", 20},
    {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23},
    {"GL", 18}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IS", 26}, {"IT", 27},
    {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21},
    {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15},
    {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24},
    {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VG", 24},
    {"XK", 20},
};

int iban_length(char a, char b) {
  for (const IbanCountry& c : kIbanCountries) {
    if (c.code[0] == a && c.code[1] == b) return c.length;
  }
  return 0;
}

// Byte ranges already claimed by a match.
class Claims {
 public:
  explicit Claims(size_t n) : taken_(n, false) {}
  bool free(size_t b, size_t e) const {
    for (size_t i = b; i < e; ++i) {
      if (taken_[i]) return false;
    }
    return true;
  }
  void take(size_t b, size_t e) { std::fill(taken_.begin() + b, taken_.begin() + e, true); }

 private:
  std::vector<bool> taken_;
};

struct ByteMatch {
  PiiKind kind;
  size_t begin, end;  // bytes
};

// The run of digits and number separators starting at `start`: ends before a
// separator not followed by more of the number. `separators` lists the
// characters allowed between digit groups. Returns the end and counts digits.
size_t number_run(std::string_view s, size_t start, const char* separators, int& digits) {
  digits = 0;
  size_t i = start, end = start;
  while (i < s.size()) {
    if (is_digit(s[i])) {
      ++digits;
      end = ++i;
    } else if (std::strchr(separators, s[i]) != nullptr) {
      ++i;  // kept only if a digit (or an opening bracket group) follows
    } else {
      break;
    }
  }
  return end;
}

std::string digits_of(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (is_digit(c)) d += c;
  }
  return d;
}

void find_ibans(std::string_view s, Claims& claims, std::vector<ByteMatch>& out) {
  for (size_t i = 0; i + 4 <= s.size(); ++i) {
    if (!is_upper(s[i]) || !is_upper(s[i + 1]) || !is_digit(s[i + 2]) || !is_digit(s[i + 3])) continue;
    const int length = iban_length(s[i], s[i + 1]);
    if (length == 0) continue;
    std::string compact;
    size_t j = i;
    while (j < s.size() && static_cast<int>(compact.size()) < length) {
      // ISO 13616 IBANs are case-insensitive after the country code (and OCR
      // reads some capitals as lower case): checksum them upper-cased.
      if (is_digit(s[j]) || is_upper(s[j]) || (is_lower(s[j]) && j >= i + 4)) {
        compact += is_lower(s[j]) ? static_cast<char>(s[j] - 'a' + 'A') : s[j];
      } else if (s[j] != ' ') {
        break;
      }
      ++j;
    }
    if (static_cast<int>(compact.size()) != length || !iban_valid(compact)) continue;
    // A longer run of the same alphabet means this is part of something else.
    if (j < s.size() && is_digit(s[j])) continue;
    if (!claims.free(i, j)) continue;
    claims.take(i, j);
    out.push_back({PiiKind::kIban, i, j});
    i = j - 1;
  }
}

bool card_prefix(const std::string& d) {
  // Issuer ranges in use: 2 (Mastercard 2221-2720), 3 (Amex, Diners, JCB),
  // 4 (Visa), 5 (Mastercard, Maestro), 6 (Discover, UnionPay, Maestro).
  return d[0] >= '2' && d[0] <= '6';
}

void find_cards(std::string_view s, Claims& claims, std::vector<ByteMatch>& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!is_digit(s[i]) || (i > 0 && is_digit(s[i - 1]))) continue;
    int digits = 0;
    const size_t end = number_run(s, i, " -", digits);
    if (digits >= 13) {
      const std::string d = digits_of(s.substr(i, end - i));
      // Without spaces a following number (an expiry date) may be glued on:
      // then the usual lengths, 16 (15 for Amex), are tried as a prefix.
      const bool amex = d[0] == '3' && (d[1] == '4' || d[1] == '7');
      size_t length = 0;
      if (digits <= 19 && luhn_valid(d)) {
        length = d.size();
      } else if (d.size() > 16 && luhn_valid(d.substr(0, amex ? 15 : 16))) {
        length = amex ? 15 : 16;
      }
      if (length > 0 && card_prefix(d)) {
        size_t e = i;
        for (size_t seen = 0; seen < length; ++e) {
          if (is_digit(s[e])) ++seen;
        }
        if (claims.free(i, e)) {
          claims.take(i, e);
          out.push_back({PiiKind::kCard, i, e});
          i = e - 1;
          continue;
        }
      }
    }
    i = end - 1;
  }
}

bool email_local(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }
bool email_domain(char c) { return is_alnum(c) || c == '.' || c == '-'; }

void find_emails(std::string_view s, Claims& claims, std::vector<ByteMatch>& out) {
  for (size_t at = 0; at < s.size(); ++at) {
    if (s[at] != '@') continue;
    size_t b = at;
    while (b > 0 && at - b < 64 && email_local(s[b - 1])) --b;
    while (b < at && (s[b] == '.' || s[b] == '-')) ++b;
    if (b == at) continue;
    size_t e = at + 1;
    while (e < s.size() && e - at <= 253 && email_domain(s[e])) ++e;
    while (e > at + 1 && (s[e - 1] == '.' || s[e - 1] == '-')) --e;
    const std::string_view domain = s.substr(at + 1, e - at - 1);
    const size_t last_dot = domain.rfind('.');
    if (last_dot == std::string_view::npos || last_dot == 0) continue;
    // Top-level domain: letters; text glued after it ("comPhone") starts at a capital.
    size_t tld_begin = at + 1 + last_dot + 1;
    size_t tld_end = tld_begin;
    while (tld_end < e && is_alpha(s[tld_end])) {
      if (tld_end > tld_begin && is_lower(s[tld_end - 1]) && is_upper(s[tld_end])) break;
      ++tld_end;
    }
    if (tld_end - tld_begin < 2) continue;
    e = tld_end;
    if (domain.find("..") != std::string_view::npos && domain.find("..") < last_dot) continue;
    if (!claims.free(b, e)) continue;
    claims.take(b, e);
    out.push_back({PiiKind::kEmail, b, e});
  }
}

// dd.mm.yyyy, dd/mm/yy, yyyy-mm-dd... (separators . / -); returns the end or `start`.
size_t date_at(std::string_view s, size_t start) {
  int groups[3] = {0, 0, 0};
  size_t i = start;
  char sep = 0;
  for (int g = 0; g < 3; ++g) {
    const size_t gb = i;
    while (i < s.size() && is_digit(s[i]) && i - gb < 4) ++i;
    groups[g] = static_cast<int>(i - gb);
    if (groups[g] == 0) return start;
    if (g < 2) {
      if (i >= s.size() || (s[i] != '.' && s[i] != '/' && s[i] != '-')) return start;
      if (sep != 0 && s[i] != sep) return start;
      sep = s[i++];
    }
  }
  if (i < s.size() && is_digit(s[i])) return start;
  const bool day_first = groups[0] <= 2 && groups[1] <= 2 && (groups[2] == 2 || groups[2] == 4);
  const bool year_first = groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2;
  return (day_first || year_first) ? i : start;
}

bool label_before(std::string_view s, size_t pos, size_t window, const char* const* labels) {
  const size_t from = pos > window ? pos - window : 0;
  std::string low;
  for (size_t i = from; i < pos; ++i) low += lower(s[i]);
  for (const char* const* l = labels; *l != nullptr; ++l) {
    if (low.find(*l) != std::string::npos) return true;
  }
  return false;
}

void find_birth_dates(std::string_view s, Claims& claims, std::vector<ByteMatch>& out) {
  static const char* const kLabels[] = {"dob", "birth", "born", "néle", "née", "nele", "geboren", "geb.", "nacimiento", nullptr};
  for (size_t i = 0; i < s.size(); ++i) {
    if (!is_digit(s[i]) || (i > 0 && is_digit(s[i - 1]))) continue;
    const size_t e = date_at(s, i);
    if (e == i) continue;
    if (label_before(s, i, 16, kLabels) && claims.free(i, e)) {
      claims.take(i, e);
      out.push_back({PiiKind::kDateOfBirth, i, e});
    }
    i = e - 1;
  }
}

void find_ipv4(std::string_view s, Claims& claims, std::vector<ByteMatch>& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!is_digit(s[i]) || (i > 0 && (is_digit(s[i - 1]) || s[i - 1] == '.'))) continue;
    size_t j = i;
    int parts = 0;
    bool ok = true;
    while (parts < 4) {
      const size_t pb = j;
      int value = 0;
      while (j < s.size() && is_digit(s[j]) && j - pb < 3) value = value * 10 + (s[j++] - '0');
      if (j == pb || value > 255 || (j - pb > 1 && s[pb] == '0') || (j < s.size() && is_digit(s[j]))) {
        ok = false;
        break;
      }
      if (++parts < 4) {
        if (j >= s.size() || s[j] != '.') {
          ok = false;
          break;
        }
        ++j;
      }
    }
    if (!ok) continue;
    if (j + 1 < s.size() && s[j] == '.' && is_digit(s[j + 1])) continue;
    if (claims.free(i, j)) {
      claims.take(i, j);
      out.push_back({PiiKind::kIpv4, i, j});
      i = j - 1;
    }
  }
}

// National number lengths (digits after the country code) of common
// country codes (ITU-T E.164 national plans): an international number of
// another length is a truncated or joined reading ("+44207946" is "+44 20
// 7946 ..." cut short), not a number to call.
struct CountryLength {
  const char* code;
  size_t min, max;
};
constexpr CountryLength kCountryLengths[] = {
    {"1", 10, 10},  {"7", 10, 10},  {"30", 10, 10}, {"31", 9, 9},   {"32", 8, 9},   {"33", 9, 9},  {"34", 9, 9},
    {"36", 8, 9},   {"39", 6, 11},  {"41", 9, 9},   {"44", 9, 10},  {"45", 8, 8},   {"46", 7, 10}, {"47", 8, 8},
    {"48", 9, 9},   {"49", 6, 13},  {"61", 9, 9},   {"81", 9, 10},  {"82", 8, 10},  {"86", 10, 11}, {"91", 10, 10},
    {"351", 9, 9},  {"352", 6, 11}, {"353", 7, 9},  {"358", 5, 12},
};

// False when `d` (the digits after '+' or "00") starts with a known country
// code and the rest has a length that country never uses.
bool plausible_international(std::string_view d) {
  for (const auto& c : kCountryLengths) {
    const std::string_view code(c.code);
    if (d.substr(0, code.size()) != code) continue;
    const size_t national = d.size() - code.size();
    return national >= c.min && national <= c.max;
  }
  return true;
}

void find_phones(std::string_view s, Claims& claims, std::vector<ByteMatch>& out) {
  static const char* const kLabels[] = {"tel", "tél", "phone", "mobile", "mobil", "cell", "fax", "handy", "móvil", "movil", "portable", "call", nullptr};
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool plus = c == '+' && i + 1 < s.size() && (is_digit(s[i + 1]) || s[i + 1] == '(');
    const bool bracket = c == '(' && i + 1 < s.size() && is_digit(s[i + 1]);
    if (!plus && !bracket && !is_digit(c)) continue;
    // Numbers after '#' or inside other numbers are ids and references, not phones.
    if (i > 0 && (is_digit(s[i - 1]) || s[i - 1] == '+' || s[i - 1] == '(' || s[i - 1] == '.' || s[i - 1] == '/' ||
                  s[i - 1] == '#')) {
      continue;
    }
    int digits = 0;
    size_t end = number_run(s, i + (plus || bracket ? 1 : 0), " -.()/", digits);
    if (digits == 0) continue;
    // A closing bracket right after the last digit belongs to the number only if one opened.
    const std::string_view run = s.substr(i, end - i);
    const std::string d = digits_of(run);
    bool phone = false;
    const bool international = plus || (d.size() >= 2 && d[0] == '0' && d[1] == '0' && !bracket);
    if (international) {
      phone = d.size() >= 8 + (plus ? 0 : 2) && d.size() <= 15 + (plus ? 0 : 2);
    } else if (date_at(s, i) != i) {
      phone = false;  // a date, not a number to call
    } else if (d[0] == '0') {
      phone = d.size() >= 10 && d.size() <= 12;  // trunk prefix 0: FR 10, UK 10-11, DE 10-12 digits
    } else if (d.size() == 10 && d[0] >= '2' && d[3] >= '2') {
      // North American: (ddd)ddd-dddd, ddd-ddd-dddd, ddd.ddd.dddd; bare digits only with a label.
      phone = run.find_first_of("-.()") != std::string_view::npos;
    } else if (d.size() == 11 && d[0] == '1' && d[1] >= '2' && run.find_first_of("-.()") != std::string_view::npos) {
      phone = true;
    }
    const bool labelled = label_before(s, i, 12, kLabels);
    if (!phone && d.size() >= 7 && d.size() <= 15 && labelled) phone = true;
    // A country code with a number of the wrong length is a misreading, label or not.
    if (phone && international && !plausible_international(std::string_view(d).substr(plus ? 0 : 2))) phone = false;
    // Digits glued to a word ("ABNA0417164300", "XX0123456789") are codes, unless the word is a phone label.
    // (The end of an e-mail matched just before is no such word.)
    if (phone && !plus && i > 0 && is_alpha(s[i - 1]) && claims.free(i - 1, i) && !labelled) phone = false;
    if (phone && claims.free(i, end)) {
      claims.take(i, end);
      out.push_back({PiiKind::kPhone, i, end});
    }
    i = end - 1;
  }
}

size_t code_points_before(std::string_view s, size_t byte) {
  size_t n = 0;
  for (size_t i = 0; i < byte; ++i) {
    if ((static_cast<uint8_t>(s[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace

const char* pii_kind_name(PiiKind kind) {
  switch (kind) {
    case PiiKind::kEmail: return "email";
    case PiiKind::kPhone: return "phone";
    case PiiKind::kCard: return "card";
    case PiiKind::kIban: return "iban";
    case PiiKind::kIpv4: return "ipv4";
    case PiiKind::kDateOfBirth: return "date_of_birth";
  }
  return "unknown";
}

bool luhn_valid(std::string_view digits) {
  if (digits.size() < 2) return false;
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    if (!is_digit(digits[i])) return false;
    int v = digits[i] - '0';
    if (twice) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool iban_valid(std::string_view iban) {
  if (iban.size() < 4 || !is_upper(iban[0]) || !is_upper(iban[1])) return false;
  if (iban_length(iban[0], iban[1]) != static_cast<int>(iban.size())) return false;
  if (!is_digit(iban[2]) || !is_digit(iban[3])) return false;
  // Move the first four characters to the end, letters -> 10..35, remainder mod 97.
  int remainder = 0;
  for (size_t k = 0; k < iban.size(); ++k) {
    const char c = iban[(k + 4) % iban.size()];
    if (is_digit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (is_upper(c)) {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return remainder == 1;
}

Result<std::vector<PiiMatch>> find_pii(std::string_view utf8, uint32_t kinds) {
  if (utf8.size() > kMaxPiiText) return TooLarge("find_pii: text longer than 1 MiB");
  if (kinds == 0 || (kinds & ~kAllPiiKinds) != 0) return InvalidArgument("find_pii: unknown kinds in mask");
  Claims claims(utf8.size());
  std::vector<ByteMatch> found;
  if (kinds & pii_bit(PiiKind::kIban)) find_ibans(utf8, claims, found);
  if (kinds & pii_bit(PiiKind::kCard)) find_cards(utf8, claims, found);
  if (kinds & pii_bit(PiiKind::kEmail)) find_emails(utf8, claims, found);
  if (kinds & pii_bit(PiiKind::kDateOfBirth)) find_birth_dates(utf8, claims, found);
  if (kinds & pii_bit(PiiKind::kIpv4)) find_ipv4(utf8, claims, found);
  if (kinds & pii_bit(PiiKind::kPhone)) find_phones(utf8, claims, found);
  std::sort(found.begin(), found.end(), [](const ByteMatch& a, const ByteMatch& b) { return a.begin < b.begin; });
  std::vector<PiiMatch> out;
  out.reserve(found.size());
  for (const ByteMatch& m : found) {
    out.push_back({m.kind, code_points_before(utf8, m.begin), code_points_before(utf8, m.end),
                   std::string(utf8.substr(m.begin, m.end - m.begin))});
  }
  return out;
}

}  // namespace filigrane::text
