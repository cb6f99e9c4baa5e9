// The one translation unit that compiles stb_image and stb_image_write.
// Compiled from source (not Debian's libstb) so the same code runs natively
// and in WebAssembly. Only the formats Filigrane reads are enabled.
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_ONLY_GIF
#define STBI_NO_STDIO
#define STBI_NO_FAILURE_STRINGS_DISABLED
// Hard ceiling inside stb itself; the real limit is checked earlier by
// codec.cpp from ImageLimits before any pixel allocation.
#define STBI_MAX_DIMENSIONS (1 << 16)
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <cstdlib>

// PNG's deflate goes through zlib (in the core already, for TIFF) at level 2:
// a 12 MP redaction encodes in a third of the time of stb's own deflate
// (1.1 s vs 3.4 s of CPU in WebAssembly) and the file is smaller (7.9 vs
// 9.7 MB). stb frees the result with STBIW_FREE.
#include <zlib.h>
static unsigned char* filigrane_png_deflate(unsigned char* data, int length, int* out_length, int /*stb_level*/) {
  uLongf size = compressBound(static_cast<uLong>(length));
  auto* out = static_cast<unsigned char*>(malloc(size));
  if (out == nullptr) return nullptr;
  if (compress2(out, &size, data, static_cast<uLong>(length), 2) != Z_OK) {
    free(out);
    return nullptr;
  }
  *out_length = static_cast<int>(size);
  return out;
}
#define STBIW_ZLIB_COMPRESS filigrane_png_deflate

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#endif
// stb_image turns on its SSE2 JPEG paths (IDCT, colour conversion, 2x
// upsampling) only for x86 targets. In WebAssembly with -msse2 (CMakeLists.txt)
// Emscripten maps SSE2 to WebAssembly SIMD: the same paths, with what stb's
// x86 branch would define.
#if defined(__EMSCRIPTEN__) && defined(__wasm_simd128__) && defined(__SSE2__) && !defined(STBI_NO_SIMD)
#define STBI_SSE2
#include <emmintrin.h>
#define STBI_SIMD_ALIGN(type, name) type name __attribute__((aligned(16)))
static int stbi__sse2_available(void) { return 1; }
#endif
#include <stb_image.h>
#include <stb_image_write.h>
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif
