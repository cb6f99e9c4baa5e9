// Matchers for personal data in recognised text: e-mail addresses, phone
// numbers (international and common national forms), payment card numbers
// (Luhn), IBANs (ISO 13616 mod-97), IPv4 addresses and labelled dates of
// birth. Pure functions over UTF-8 text; only ASCII characters take part in
// a match (callers normalise full-width forms first, e.g. with NFKC).
//
// OCR puts spaces where it likes, so the matchers are written for text with
// spaces removed, and also accept spaces inside numbers. Labels ("Tel",
// "IBAN", "DOB") may be glued to the value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace filigrane::text {

enum class PiiKind : uint32_t {
  kEmail = 0,
  kPhone = 1,
  kCard = 2,
  kIban = 3,
  kIpv4 = 4,
  kDateOfBirth = 5,
};
constexpr uint32_t kPiiKindCount = 6;
constexpr uint32_t kAllPiiKinds = (1u << kPiiKindCount) - 1;
inline constexpr uint32_t pii_bit(PiiKind kind) { return 1u << static_cast<uint32_t>(kind); }

// "email", "phone", "card", "iban", "ipv4", "date_of_birth"; "unknown" otherwise; never null.
const char* pii_kind_name(PiiKind kind);

// Longest text find_pii() accepts (bytes).
constexpr size_t kMaxPiiText = 1 << 20;

struct PiiMatch {
  PiiKind kind = PiiKind::kEmail;
  size_t begin = 0;   // span in code points (UTF-8 characters) of the input
  size_t end = 0;     // one past the last code point
  std::string value;  // the matched text as it appears in the input
};

// All matches of the kinds in `kinds` (a mask of pii_bit()), sorted by
// position, never overlapping: IBANs and cards are taken first, then e-mail,
// dates of birth, IPv4 and phone numbers in what is left. Fails with
// kTooLarge above kMaxPiiText bytes and kInvalidArgument for an empty mask or
// bits outside kAllPiiKinds. Invalid UTF-8 bytes count as one character each.
Result<std::vector<PiiMatch>> find_pii(std::string_view utf8, uint32_t kinds = kAllPiiKinds);

// True when `digits` (ASCII digits only, at least 2) passes the Luhn check.
bool luhn_valid(std::string_view digits);

// True when `iban` (compact: no spaces, upper-case) has a known country's
// length and its mod-97 remainder is 1.
bool iban_valid(std::string_view iban);

}  // namespace filigrane::text
