// Small radix-2 complex FFT (1-D and 2-D, single precision) for the screen
// watermark decoder. Sizes must be powers of two between 2 and 2^16.
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

namespace filigrane::screenmark {

using Complex = std::complex<float>;

// Precomputed twiddles and bit-reversal table for one size; reusable and
// read-only after construction, so one plan can serve many transforms.
class FftPlan {
 public:
  // `size` must be a power of two in [2, 65536]; valid() is false otherwise
  // and transforms are then no-ops.
  explicit FftPlan(size_t size);
  bool valid() const { return size_ != 0; }
  size_t size() const { return size_; }

  // In-place transform of `data[0..size)` with the given element stride.
  // inverse=true computes the unnormalised inverse (caller divides by size).
  void transform(Complex* data, bool inverse) const;

 private:
  size_t size_ = 0;
  std::vector<Complex> twiddles_;   // exp(-2 pi i k / size), k < size/2
  std::vector<uint32_t> bit_reverse_;
};

// In-place 2-D transform of a row-major width x height array (both powers of
// two, `data.size() == width*height`). Unnormalised in both directions.
// Returns false (and leaves data untouched) on a size mismatch.
bool fft_2d(std::vector<Complex>& data, size_t width, size_t height, bool inverse);

// True when n is a power of two >= 2.
inline bool is_power_of_two(size_t n) { return n >= 2 && (n & (n - 1)) == 0; }

}  // namespace filigrane::screenmark
