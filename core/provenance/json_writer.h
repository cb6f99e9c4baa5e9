// Minimal streaming JSON writer: compact output, keys in call order, strings
// escaped per RFC 8259 with invalid UTF-8 replaced by U+FFFD, so the output is
// always valid JSON whatever bytes a file contained.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace filigrane::provenance {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);  // inside an object, before its value
  JsonWriter& string(std::string_view value);
  JsonWriter& boolean(bool value);
  JsonWriter& number(int64_t value);
  JsonWriter& null();
  // Convenience: key + value.
  JsonWriter& field(std::string_view name, std::string_view value) { return key(name).string(value); }
  JsonWriter& field(std::string_view name, const char* value) { return key(name).string(value); }
  JsonWriter& field(std::string_view name, bool value) { return key(name).boolean(value); }
  JsonWriter& field(std::string_view name, int64_t value) { return key(name).number(value); }
  // A string field that is null when `value` is empty.
  JsonWriter& optional_field(std::string_view name, std::string_view value);

  const std::string& str() const { return out_; }

  // Escapes `value` as the body of a JSON string (no quotes), in `out`.
  static void escape(std::string_view value, std::string& out);

 private:
  void before_value();
  std::string out_;
  std::vector<bool> first_;     // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace filigrane::provenance
