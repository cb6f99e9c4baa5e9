// Tests of the text reader's numeric steps (detector input, DB boxes,
// recogniser crops, CTC) and of the personal-data matchers.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/text/ocr.h"
#include "core/text/pii.h"

using namespace filigrane;
using namespace filigrane::text;

namespace {

std::vector<std::pair<std::string, std::string>> kinds_and_values(const std::string& text) {
  Result<std::vector<PiiMatch>> r = find_pii(text);
  REQUIRE(r.ok());
  std::vector<std::pair<std::string, std::string>> out;
  for (const PiiMatch& m : r.value()) out.emplace_back(pii_kind_name(m.kind), m.value);
  return out;
}

bool finds(const std::string& text, const std::string& kind, const std::string& value) {
  for (const auto& [k, v] : kinds_and_values(text)) {
    if (k == kind && v == value) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("text: Luhn and IBAN checksums") {
  CHECK(luhn_valid("4111111111111111"));
  CHECK(luhn_valid("378282246310005"));
  CHECK(luhn_valid("5555555555554444"));
  CHECK_FALSE(luhn_valid("4111111111111112"));
  CHECK_FALSE(luhn_valid("4"));
  CHECK_FALSE(luhn_valid("41a1"));
  CHECK(iban_valid("DE89370400440532013000"));
  CHECK(iban_valid("GB82WEST12345698765432"));
  CHECK(iban_valid("FR1420041010050500013M02606"));
  CHECK(iban_valid("NL91ABNA0417164300"));
  CHECK_FALSE(iban_valid("DE89370400440532013001"));
  CHECK_FALSE(iban_valid("DE8937040044053201300"));   // one short for DE
  CHECK_FALSE(iban_valid("ZZ89370400440532013000"));  // no such country
  CHECK_FALSE(iban_valid(""));
}

TEST_CASE("text: e-mail addresses") {
  CHECK(finds("Email:jane.doe+news@mail.example.org", "email", "jane.doe+news@mail.example.org"));
  CHECK(finds("contact j_smith@example.co.uk.", "email", "j_smith@example.co.uk"));
  // Text glued after the address by space stripping starts at a capital.
  CHECK(finds("anna@example.comPhone:", "email", "anna@example.com"));
  CHECK(kinds_and_values("not an address: a@b, @example.com, x@localhost").empty());
}

TEST_CASE("text: payment cards need Luhn and an issuer prefix") {
  CHECK(finds("Card:4111111111111111", "card", "4111111111111111"));
  CHECK(finds("Visa 4111 1111 1111 1111 exp", "card", "4111 1111 1111 1111"));
  CHECK(finds("Amex 3782-822463-10005", "card", "3782-822463-10005"));
  // Expiry glued on after space stripping: the 16-digit prefix is tried.
  CHECK(finds("4111111111111111 12/27", "card", "4111111111111111"));
  CHECK(finds("411111111111111112/27", "card", "4111111111111111"));
  CHECK(kinds_and_values("Order 4111111111111112").empty());  // fails Luhn
  CHECK(kinds_and_values("id 9111111111111119").empty());     // no issuer starts with 9
}

TEST_CASE("text: IBANs by country length and mod 97") {
  CHECK(finds("IBAN:DE89370400440532013000", "iban", "DE89370400440532013000"));
  CHECK(finds("IBANDE89370400440532013000", "iban", "DE89370400440532013000"));
  CHECK(finds("GB82 WEST 1234 5698 7654 32", "iban", "GB82 WEST 1234 5698 7654 32"));
  CHECK(finds("FR1420041010050500013M02606BIC", "iban", "FR1420041010050500013M02606"));
  CHECK(kinds_and_values("DE89370400440532013001").size() == 0);
  // Lower case after the country code (as OCR sometimes reads capitals) still checksums.
  CHECK(finds("Bankaccount NL91ABNa0417164300", "iban", "NL91ABNa0417164300"));
  CHECK(kinds_and_values("nl91ABNA0417164300").empty());  // the country code must be capitals
}

TEST_CASE("text: phone numbers, international and national") {
  CHECK(finds("Tel:+33612345678", "phone", "+33612345678"));
  CHECK(finds("call +44 20 7946 0958 now", "phone", "+44 20 7946 0958"));
  CHECK(finds("+1(415)555-0132", "phone", "+1(415)555-0132"));
  CHECK(finds("Mobile:06.12.34.56.78", "phone", "06.12.34.56.78"));
  CHECK(finds("0612345678", "phone", "0612345678"));
  CHECK(finds("(415)555-2671", "phone", "(415)555-2671"));
  CHECK(finds("415-555-2671", "phone", "415-555-2671"));
  CHECK(finds("0044 20 7946 0958", "phone", "0044 20 7946 0958"));
  CHECK(finds("Phone:4155552671", "phone", "4155552671"));  // bare digits, but labelled
  // Known country codes with a national number of the wrong length are misreadings, labelled or not.
  CHECK(kinds_and_values("Phone:+44207946").empty());       // +44 20 7946 .... cut short
  CHECK(kinds_and_values("Tel +141555583283").empty());     // NANP numbers have 10 digits after +1
  CHECK(kinds_and_values("004420794609581").empty());
  CHECK(finds("Tel: +49 30 12345678", "phone", "+49 30 12345678"));
  CHECK(finds("+1 415 555 0132", "phone", "+1 415 555 0132"));
  CHECK(finds("+33 6 12 34 56 78", "phone", "+33 6 12 34 56 78"));
  CHECK(finds("+998 90 123 45 67", "phone", "+998 90 123 45 67"));  // a code not in the table: any length 8-15
  CHECK(kinds_and_values("4155552671").empty());             // bare and unlabelled
  CHECK(kinds_and_values("Total 1234 items, 2024").empty());
  CHECK(kinds_and_values("on 12.05.1990 at").empty());  // a date, not a phone
  CHECK(kinds_and_values("Order #01733-6569").empty());   // an id after '#'
  CHECK(kinds_and_values("Ref 012345678").empty());       // 9 digits: too short for a national number
  CHECK(kinds_and_values("TrackingXX0123456789").empty()); // glued to a word that is no phone label
  CHECK(finds("Phone0612345678", "phone", "0612345678"));  // glued to a phone label
  CHECK(finds("jean@example.de0612345678", "phone", "0612345678"));  // after an e-mail
  CHECK(finds("jean@example.de0612345678", "email", "jean@example.de"));
}

TEST_CASE("text: IPv4 and labelled dates of birth") {
  CHECK(finds("host 192.168.1.20 up", "ipv4", "192.168.1.20"));
  CHECK(kinds_and_values("version 1.2.3.4.5").empty());
  CHECK(kinds_and_values("999.1.1.1").empty());
  CHECK(finds("DOB:12/05/1990", "date_of_birth", "12/05/1990"));
  CHECK(finds("Dateofbirth:1990-05-12", "date_of_birth", "1990-05-12"));
  CHECK(kinds_and_values("Invoice date 12/05/1990").empty());
}

TEST_CASE("text: spans count code points and matches do not overlap") {
  Result<std::vector<PiiMatch>> r = find_pii("電話:+33612345678 é a@b.fr");
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 2);
  CHECK(r.value()[0].kind == PiiKind::kPhone);
  CHECK(r.value()[0].begin == 3);
  CHECK(r.value()[0].end == 15);
  CHECK(r.value()[1].kind == PiiKind::kEmail);
  CHECK(r.value()[1].begin == 18);
  // The card digits are not also read as a phone.
  r = find_pii("Tel:4111111111111111");
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 1);
  CHECK(r.value()[0].kind == PiiKind::kCard);
  // Only the asked kinds.
  r = find_pii("a@b.fr 4111111111111111", pii_bit(PiiKind::kCard));
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 1);
  CHECK(find_pii("x", 0).status().code() == StatusCode::kInvalidArgument);
  CHECK(find_pii("x", 1u << 10).status().code() == StatusCode::kInvalidArgument);
  CHECK(find_pii(std::string(kMaxPiiText + 1, 'a')).status().code() == StatusCode::kTooLarge);
  // Invalid UTF-8 is read, not refused.
  CHECK(find_pii(std::string("\xff\xfe a@b.fr")).ok());
}

TEST_CASE("text: detector input is BGR, normalised, sides multiples of 32") {
  Image img = Image::create(100, 50, {}, 0xFF0000FFu).value();  // bytes R=0xFF,G=0,B=0,A=0xFF
  img.pixel(0, 0)[0] = 255, img.pixel(0, 0)[1] = 0, img.pixel(0, 0)[2] = 0, img.pixel(0, 0)[3] = 255;
  for (size_t i = 0; i < img.byte_size(); i += 4) {
    img.data()[i] = 255, img.data()[i + 1] = 0, img.data()[i + 2] = 0, img.data()[i + 3] = 255;
  }
  Result<DetectorInput> in = detector_input(img, 960);
  REQUIRE(in.ok());
  CHECK(in.value().width == 96);
  CHECK(in.value().height == 64);
  CHECK(in.value().data.size() == 3u * 96 * 64);
  const size_t plane = 96 * 64;
  CHECK(in.value().data[0] == doctest::Approx((0 - 0.485) / 0.229).epsilon(0.01));          // blue
  CHECK(in.value().data[2 * plane] == doctest::Approx((1 - 0.406) / 0.225).epsilon(0.01));  // red
  CHECK(in.value().scale_x == doctest::Approx(100.0 / 96));
  // The long side is limited, never enlarged.
  Image big = Image::create(2000, 1000).value();
  in = detector_input(big, 960);
  REQUIRE(in.ok());
  CHECK(in.value().width == 960);
  CHECK(in.value().height == 480);
  CHECK(detector_input(Image(), 960).status().code() == StatusCode::kInvalidArgument);
  CHECK(detector_input(big, 16).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("text: DB boxes from a probability map") {
  const uint32_t w = 64, h = 32;
  std::vector<float> map(w * h, 0.0f);
  auto fill = [&](uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, float p) {
    for (uint32_t y = y0; y < y1; ++y)
      for (uint32_t x = x0; x < x1; ++x) map[y * w + x] = p;
  };
  fill(30, 4, 60, 8, 0.9f);   // line 1, right
  fill(2, 5, 20, 9, 0.95f);   // line 1, left
  fill(2, 20, 40, 26, 0.8f);  // line 2
  fill(50, 20, 52, 22, 0.9f); // too small
  fill(2, 28, 40, 31, 0.4f);  // above threshold but weak: box score 0.4 < 0.6
  Result<std::vector<TextBox>> r = db_boxes(map.data(), map.size(), w, h, 2.0, 2.0, 128, 64);
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 3);
  const TextBox& first = r.value()[0];
  CHECK(first.x < r.value()[1].x);  // reading order within the line
  CHECK(first.score == doctest::Approx(0.95f));
  // Unclip: 18x4 grows by 18*4*1.5/44 = 2.45 map px on each side; scale 2.
  CHECK(first.x == doctest::Approx(0.0f));  // (2 - 2.45) * 2 clipped to 0
  CHECK(first.y == doctest::Approx((5 - 72 * 1.5 / 44) * 2).epsilon(0.001));
  CHECK(first.height == doctest::Approx((4 + 2 * 72 * 1.5 / 44) * 2).epsilon(0.001));
  CHECK(r.value()[2].y > first.y);

  CHECK(db_boxes(map.data(), map.size() - 1, w, h, 1, 1, 64, 32).status().code() == StatusCode::kInvalidArgument);
  CHECK(db_boxes(map.data(), map.size(), w, h, 0, 1, 64, 32).status().code() == StatusCode::kInvalidArgument);
  DbOptions bad;
  bad.threshold = 2;
  CHECK(db_boxes(map.data(), map.size(), w, h, 1, 1, 64, 32, bad).status().code() == StatusCode::kInvalidArgument);
  std::vector<float> empty(16, 0.0f);
  r = db_boxes(empty.data(), empty.size(), 4, 4, 1, 1, 4, 4);
  REQUIRE(r.ok());
  CHECK(r.value().empty());
}

TEST_CASE("text: recogniser crop keeps the aspect and pads") {
  Image img = Image::create(200, 100, {}, 0xFFFFFFFFu).value();
  Result<RecognizerInput> in = recognizer_input(img, {10, 10, 96, 24, 0}, 48, 320, 1600);
  REQUIRE(in.ok());
  CHECK(in.value().content_width == 192);
  CHECK(in.value().width == 320);
  CHECK(in.value().data.size() == 3u * 48 * 320);
  CHECK(in.value().data[0] == doctest::Approx(1.0f));    // white -> +1
  CHECK(in.value().data[319] == doctest::Approx(0.0f));  // padding
  in = recognizer_input(img, {0, 0, 200, 10, 0}, 48, 320, 600);
  REQUIRE(in.ok());
  CHECK(in.value().content_width == 600);  // capped
  CHECK(recognizer_input(img, {300, 300, 10, 10, 0}, 48, 320, 600).status().code() == StatusCode::kInvalidArgument);
  CHECK(recognizer_input(img, {0, 0, 10, 10, 0}, 4, 320, 600).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("text: CTC greedy decoding merges repeats and drops blanks") {
  // 6 steps x 4 classes: a a blank a b b -> a a b
  const std::vector<float> p = {
      0.1f, 0.8f, 0.05f, 0.05f,  // a
      0.1f, 0.7f, 0.1f, 0.1f,    // a (repeat)
      0.9f, 0.0f, 0.05f, 0.05f,  // blank
      0.2f, 0.6f, 0.1f, 0.1f,    // a
      0.1f, 0.1f, 0.7f, 0.1f,    // b
      0.1f, 0.1f, 0.5f, 0.3f,    // b (repeat)
  };
  Result<CtcResult> r = ctc_greedy(p.data(), p.size(), 6, 4);
  REQUIRE(r.ok());
  CHECK(r.value().classes == std::vector<uint32_t>{1, 1, 2});
  CHECK(r.value().score == doctest::Approx((0.8f + 0.6f + 0.7f) / 3));
  CHECK(ctc_greedy(p.data(), p.size(), 5, 4).status().code() == StatusCode::kInvalidArgument);
  CHECK(ctc_greedy(p.data(), p.size(), 6, 4, 4).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("text: random input never breaks the matchers or the box finder") {
  uint32_t s = 12345;
  auto next = [&s]() { return s = s * 1664525u + 1013904223u; };
  const std::string alphabet = "0123456789 +-.()/@#:abcXYZDEFR\xc3\xa9\xff";
  for (int round = 0; round < 200; ++round) {
    std::string text(next() % 300, ' ');
    for (char& c : text) c = alphabet[(next() >> 8) % alphabet.size()];
    Result<std::vector<PiiMatch>> r = find_pii(text);
    REQUIRE(r.ok());
    size_t last_end = 0;
    for (const PiiMatch& m : r.value()) {
      CHECK(m.begin >= last_end);  // sorted, not overlapping
      CHECK(m.end > m.begin);
      CHECK(text.find(m.value) != std::string::npos);
      last_end = m.end;
    }
    const uint32_t w = 1 + next() % 40, h = 1 + next() % 40;
    std::vector<float> map(w * h);
    for (float& p : map) p = (next() >> 8) / 16777216.0f;
    Result<std::vector<TextBox>> boxes = db_boxes(map.data(), map.size(), w, h, 1.5, 0.5, 60, 20);
    REQUIRE(boxes.ok());
    for (const TextBox& b : boxes.value()) {
      CHECK(b.x >= 0);
      CHECK(b.y >= 0);
      CHECK(b.x + b.width <= 60.001f);
      CHECK(b.y + b.height <= 20.001f);
    }
  }
}
