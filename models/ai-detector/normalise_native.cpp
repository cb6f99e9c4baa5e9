// Fast native twin of normalise.mjs for training: the same core calls
// (decode with EXIF orientation, Lanczos-3 resize, stb JPEG 90, decode) that
// web/lib/ai-detector.mjs makes through the WebAssembly module, compiled
// natively because the wasm build is ~50x slower on this machine. eval.py
// checks on ai-dev that both give identical pixels.
// Jobs on stdin, one per line: src \t out [\t W,H,Q ...]  (Q 0 = lossless step)
// Output file: uint32 LE width, height, then RGB bytes, row-major.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "core/codec.h"
#include "core/image.h"
#include "core/resize.h"

using namespace filigrane;

namespace {

// Python's round(): half to even.
uint32_t round_half_even(double v) {
  double f = std::floor(v);
  double d = v - f;
  if (d > 0.5) return static_cast<uint32_t>(f + 1);
  if (d < 0.5) return static_cast<uint32_t>(f);
  return static_cast<uint32_t>(std::fmod(f, 2.0) == 0.0 ? f : f + 1);
}

bool fail(const std::string& what, const Status& s) {
  std::cerr << what << ": " << s.message() << "\n";
  return false;
}

bool jpeg_round_trip(Image& img, int quality, const std::string& src) {
  auto jpg = encode_jpeg(img, quality);
  if (!jpg.ok()) return fail(src + " encode", jpg.status());
  auto dec = decode_image(jpg.value().data(), jpg.value().size());
  if (!dec.ok()) return fail(src + " decode", dec.status());
  img = std::move(dec.value().image);
  return true;
}

bool run_job(const std::string& line) {
  std::vector<std::string> parts;
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, '\t')) parts.push_back(field);
  if (parts.size() < 2) return false;
  std::ifstream in(parts[0], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto dec = decode_image(bytes.data(), bytes.size());
  if (!dec.ok()) return fail(parts[0], dec.status());
  Image img = std::move(dec.value().image);
  for (size_t i = 2; i < parts.size(); i++) {
    unsigned w = 0, h = 0;
    int q = 0;
    if (std::sscanf(parts[i].c_str(), "%u,%u,%d", &w, &h, &q) != 3) return false;
    auto r = resize(img, w, h, ResizeFilter::kLanczos3);
    if (!r.ok()) return fail(parts[0] + " step", r.status());
    img = std::move(r.value());
    if (q > 0 && !jpeg_round_trip(img, q, parts[0])) return false;
  }
  const uint32_t w = img.width(), h = img.height();
  uint32_t nw, nh;
  if (w <= h) {
    nw = 512;
    nh = std::max<uint32_t>(1, round_half_even(static_cast<double>(h) * 512.0 / w));
  } else {
    nw = std::max<uint32_t>(1, round_half_even(static_cast<double>(w) * 512.0 / h));
    nh = 512;
  }
  if (nw != w || nh != h) {
    auto r = resize(img, nw, nh, ResizeFilter::kLanczos3);
    if (!r.ok()) return fail(parts[0] + " normalise", r.status());
    img = std::move(r.value());
  }
  if (!jpeg_round_trip(img, 90, parts[0])) return false;
  std::ofstream out(parts[1], std::ios::binary);
  uint32_t header[2] = {img.width(), img.height()};
  out.write(reinterpret_cast<const char*>(header), sizeof header);
  std::vector<uint8_t> rgb(static_cast<size_t>(img.width()) * img.height() * 3);
  const uint8_t* p = img.data();
  for (size_t i = 0, n = static_cast<size_t>(img.width()) * img.height(); i < n; i++) {
    rgb[3 * i] = p[4 * i];
    rgb[3 * i + 1] = p[4 * i + 1];
    rgb[3 * i + 2] = p[4 * i + 2];
  }
  out.write(reinterpret_cast<const char*>(rgb.data()), static_cast<std::streamsize>(rgb.size()));
  return static_cast<bool>(out);
}

}  // namespace

int main() {
  std::string line;
  int ok = 0, bad = 0;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    if (run_job(line)) ok++; else bad++;
  }
  std::cerr << "normalised " << ok << ", failed " << bad << "\n";
  return bad ? 1 : 0;
}
