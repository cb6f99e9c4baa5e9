#include "core/screenmark/fft.h"

#include <cmath>
#include <algorithm>
#include <cstdint>
#include <memory>

namespace filigrane::screenmark {

FftPlan::FftPlan(size_t size) {
  if (!is_power_of_two(size) || size > 65536) return;
  size_ = size;
  twiddles_.resize(size / 2);
  const double kTwoPi = 6.283185307179586476925;
  for (size_t k = 0; k < size / 2; ++k) {
    double angle = -kTwoPi * double(k) / double(size);
    twiddles_[k] = Complex(float(std::cos(angle)), float(std::sin(angle)));
  }
  bit_reverse_.resize(size);
  int bits = 0;
  while ((size_t(1) << bits) < size) ++bits;
  for (size_t i = 0; i < size; ++i) {
    uint32_t r = 0;
    for (int b = 0; b < bits; ++b) r |= uint32_t((i >> b) & 1u) << (bits - 1 - b);
    bit_reverse_[i] = r;
  }
}

void FftPlan::transform(Complex* data, bool inverse) const {
  if (size_ == 0) return;
  const size_t n = size_;
  for (size_t i = 0; i < n; ++i) {
    size_t j = bit_reverse_[i];
    if (j > i) std::swap(data[i], data[j]);
  }
  // Iterative Cooley-Tukey; twiddle stride halves as the butterflies widen.
  for (size_t half = 1; half < n; half *= 2) {
    const size_t step = n / (2 * half);
    for (size_t start = 0; start < n; start += 2 * half) {
      for (size_t k = 0; k < half; ++k) {
        Complex w = twiddles_[k * step];
        if (inverse) w = std::conj(w);
        Complex* a = data + start + k;
        Complex* b = a + half;
        // Hand-expanded multiply: std::complex operator* checks for NaN/inf.
        float br = b->real() * w.real() - b->imag() * w.imag();
        float bi = b->real() * w.imag() + b->imag() * w.real();
        float ar = a->real(), ai = a->imag();
        *a = Complex(ar + br, ai + bi);
        *b = Complex(ar - br, ai - bi);
      }
    }
  }
}

namespace {
// Plans are cached per size (a handful of sizes are used); thread_local keeps
// concurrent native callers safe without locks.
const FftPlan& cached_plan(size_t size) {
  thread_local std::vector<std::unique_ptr<FftPlan>> plans;
  for (auto& p : plans)
    if (p->size() == size) return *p;
  plans.push_back(std::make_unique<FftPlan>(size));
  return *plans.back();
}
}  // namespace

bool fft_2d(std::vector<Complex>& data, size_t width, size_t height, bool inverse) {
  if (!is_power_of_two(width) || !is_power_of_two(height) || data.size() != width * height ||
      width > 65536 || height > 65536) {
    return false;
  }
  const FftPlan& row_plan = cached_plan(width);
  for (size_t y = 0; y < height; ++y) row_plan.transform(data.data() + y * width, inverse);
  const FftPlan& column_plan = cached_plan(height);
  // Columns are gathered in blocks of 8 (one 64-byte span per row read) into
  // contiguous buffers, transformed, and scattered back.
  constexpr size_t kBlock = 8;
  std::vector<Complex> columns(kBlock * height);
  for (size_t x0 = 0; x0 < width; x0 += kBlock) {
    const size_t nb = std::min(kBlock, width - x0);
    for (size_t y = 0; y < height; ++y) {
      const Complex* src = data.data() + y * width + x0;
      for (size_t b = 0; b < nb; ++b) columns[b * height + y] = src[b];
    }
    for (size_t b = 0; b < nb; ++b) column_plan.transform(columns.data() + b * height, inverse);
    for (size_t y = 0; y < height; ++y) {
      Complex* dst = data.data() + y * width + x0;
      for (size_t b = 0; b < nb; ++b) dst[b] = columns[b * height + y];
    }
  }
  return true;
}

}  // namespace filigrane::screenmark
