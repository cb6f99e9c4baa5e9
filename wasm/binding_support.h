// Shared helpers for the Embind bindings: typed-array copies and status objects.
// Bindings never throw into JS: every call returns an object whose `status`
// is {code, name, message}; the JS library turns non-zero codes into errors.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <vector>

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

// {status} for a failure, or {status: ok} to which the caller adds fields.
inline emscripten::val result_object(const Status& status) {
  emscripten::val out = emscripten::val::object();
  out.set("status", status_to_js(status));
  return out;
}

}  // namespace filigrane::wasm
