// Shared helpers for the Embind bindings: typed-array copies and status objects.
// Bindings never throw into JS: every call returns an object whose `status`
// is {code, name, message}; the JS library turns non-zero codes into errors.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/codec.h"
#include "core/status.h"

namespace filigrane::wasm {

// Copies a JS Uint8Array (or any array-like of bytes) into a new vector.
inline std::vector<uint8_t> bytes_from_js(const emscripten::val& array) {
  const size_t length = array["length"].as<size_t>();
  std::vector<uint8_t> bytes(length);
  if (length > 0) {
    emscripten::val view(emscripten::typed_memory_view(length, bytes.data()));
    view.call<void>("set", array);
  }
  return bytes;
}

// A new JS Uint8Array holding a copy of `size` bytes (JS owns it; nothing to free).
inline emscripten::val bytes_to_js(const uint8_t* data, size_t size) {
  return emscripten::val::global("Uint8Array").new_(emscripten::typed_memory_view(size, data));
}
inline emscripten::val bytes_to_js(const std::vector<uint8_t>& bytes) { return bytes_to_js(bytes.data(), bytes.size()); }

inline emscripten::val status_to_js(const Status& status) {
  emscripten::val s = emscripten::val::object();
  s.set("code", static_cast<int>(status.code()));
  s.set("name", std::string(status_code_name(status.code())));
  s.set("message", status.message());
  return s;
}

// Parses 1..16 hex digits into a 64-bit payload. Returns false for anything else.
inline bool parse_payload_hex(const std::string& hex, uint64_t& out) {
  if (hex.empty() || hex.size() > 16) return false;
  uint64_t v = 0;
  for (char c : hex) {
    const int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  out = v;
  return true;
}

// 16 lower-case hex digits.
inline std::string payload_hex(uint64_t payload) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, payload >>= 4) s[i] = kDigits[payload & 15];
  return s;
}

inline emscripten::val bad_payload_status() {
  emscripten::val out = emscripten::val::object();
  out.set("status", status_to_js(InvalidArgument("payload must be 1 to 16 hexadecimal digits")));
  return out;
}

// Image files decoded by this module instance (heapStats().decodes).
inline uint64_t& decode_count() {
  static uint64_t count = 0;
  return count;
}

// Decodes an image file copied from JS, with a pixel limit (<= 0: default).
inline Result<DecodedImage> decode_js_image(const emscripten::val& file_bytes, double max_pixels) {
  ++decode_count();
  std::vector<uint8_t> data = bytes_from_js(file_bytes);
  DecodeOptions options;
  if (max_pixels >= 1) options.limits.max_pixels = static_cast<uint64_t>(max_pixels);
  return decode_image(data.data(), data.size(), options);
}

// {status} for a failure, or {status: ok} to which the caller adds fields.
inline emscripten::val result_object(const Status& status) {
  emscripten::val out = emscripten::val::object();
  out.set("status", status_to_js(status));
  return out;
}

}  // namespace filigrane::wasm
