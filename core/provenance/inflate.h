// Bounded DEFLATE (RFC 1951) decoder with zlib (RFC 1950) and gzip (RFC 1952)
// wrappers, for compressed PNG text and similar small payloads. Output never
// grows beyond `max_output` bytes, so a "zip bomb" costs at most that much.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/status.h"

namespace filigrane::provenance {

// Decodes a raw DEFLATE stream. Returns the decoded bytes; kTooLarge when the
// output would exceed `max_output`, kCorruptData for an invalid or truncated
// stream. `consumed`, when non-null, receives the input bytes used.
Result<std::vector<uint8_t>> inflate_raw(const uint8_t* data, size_t size, size_t max_output,
                                         size_t* consumed = nullptr);

// Decodes a zlib stream only as far as needed: returns the first bytes of the
// output (at most `max_output`, possibly fewer near the limit) and succeeds
// when the limit stops decoding. Errors as inflate_raw() otherwise.
Result<std::vector<uint8_t>> inflate_zlib_prefix(const uint8_t* data, size_t size, size_t max_output);

// zlib stream: 2-byte header (checked), DEFLATE data, Adler-32 (checked when
// present; a missing trailer is tolerated). Errors as inflate_raw().
Result<std::vector<uint8_t>> inflate_zlib(const uint8_t* data, size_t size, size_t max_output);

// gzip member: header with optional fields, DEFLATE data; the CRC trailer is
// not checked. Errors as inflate_raw().
Result<std::vector<uint8_t>> inflate_gzip(const uint8_t* data, size_t size, size_t max_output);

}  // namespace filigrane::provenance
