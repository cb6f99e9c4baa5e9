// Core kernels: decode, encode and resize on a synthetic 1920x1080 photo-like
// image. Usage: bench_core [OUT.tsv]; prints "kernel<TAB>ms" lines.
#include <cmath>
#include <cstring>
#include <cstdio>
#include <string>
#include <vector>

#include <stb_image_write.h>

#include "core/codec.h"
#include "core/png_writer.h"
#include "core/resize.h"
#include "tests/bench/bench_support.h"

using namespace filigrane;

int main(int argc, char** argv) {
  const uint32_t w = 1920, h = 1080;
  Image img = Image::create(w, h).value();
  for (uint32_t y = 0; y < h; ++y)
    for (uint32_t x = 0; x < w; ++x) {
      uint8_t* p = img.pixel(x, y);
      p[0] = uint8_t(128 + 100 * std::sin(x * 0.013) * std::cos(y * 0.021));
      p[1] = uint8_t((x * 7 + y * 3) & 255);
      p[2] = uint8_t(128 + 90 * std::sin((x + y) * 0.005));
      p[3] = 255;
    }
  const auto jpeg = encode_jpeg(img, 85).value();
  const auto png = encode_png(img).value();
  std::string out;
  auto row = [&](const char* name, double ms) {
    char line[160];
    std::snprintf(line, sizeof line, "%s\t%s\t%.2f\n", bench::target_name(), name, ms);
    out += line;
  };
  row("decode JPEG 1920x1080", bench::median_ms(9, [&] { (void)decode_image(jpeg.data(), jpeg.size()); }));
  row("decode PNG 1920x1080", bench::median_ms(5, [&] { (void)decode_image(png.data(), png.size()); }));
  row("encode JPEG q85 1920x1080", bench::median_ms(5, [&] { (void)encode_jpeg(img, 85); }));
  // PNG output: the core's writer (libdeflate, core/png_writer.cpp) at the
  // level it uses and two slower ones, against stb_image_write (the writer
  // before issue 20); each row names the file size it produced.
  auto kib = [](size_t bytes) { return std::to_string((bytes + 512) / 1024); };
  for (int level : {kPngDeflateLevel, 3, 6}) {
    const auto bytes = write_png_rgba(img.data(), w, h, img.stride(), false, level).value();
    const std::string name = "encode PNG 1920x1080, libdeflate level " + std::to_string(level) +
                             (level == kPngDeflateLevel ? " (used)" : "") + ", " + kib(bytes.size()) + " KiB";
    row(name.c_str(), bench::median_ms(5, [&] { (void)write_png_rgba(img.data(), w, h, img.stride(), false, level); }));
  }
  {
    std::vector<uint8_t> rgb(size_t{w} * h * 3);
    for (size_t i = 0, j = 0; j < rgb.size(); i += 4, j += 3) std::memcpy(&rgb[j], img.data() + i, 3);
    std::vector<uint8_t> stb_out;
    auto append = [](void* ctx, void* data, int size) {
      auto* v = static_cast<std::vector<uint8_t>*>(ctx);
      v->insert(v->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
    };
    auto stb_png = [&] {
      stb_out.clear();
      stbi_write_png_to_func(append, &stb_out, int(w), int(h), 3, rgb.data(), int(w * 3));
    };
    stb_png();
    const std::string name = "encode PNG 1920x1080, stb_image_write (before), " + kib(stb_out.size()) + " KiB";
    row(name.c_str(), bench::median_ms(3, stb_png));
  }
  row("resize 1920x1080 -> 960x540 Lanczos3", bench::median_ms(9, [&] { (void)resize(img, 960, 540); }));
  row("resize 1920x1080 -> 3840x2160 bicubic", bench::median_ms(3, [&] { (void)resize(img, 3840, 2160, ResizeFilter::kBicubic); }));
  bench::emit(argc > 1 ? argv[1] : "", out);
  return 0;
}
