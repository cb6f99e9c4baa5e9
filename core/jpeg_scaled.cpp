#include "jpeg_scaled.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "jpeg_markers.h"

namespace filigrane {
namespace {

// Natural (row-major) index of each zigzag position. Runs past 63 in corrupt
// data land on 63, as libjpeg and stb_image do, instead of failing.
constexpr uint8_t kZigzag[64 + 16] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63};

// Largest row and column holding a coefficient among zigzag positions 0..k:
// the reduced IDCT only visits that corner of the block.
struct ZigzagExtent {
  uint8_t max_row[64];
  uint8_t max_col[64];
  ZigzagExtent() {
    int r = 0, c = 0;
    for (int k = 0; k < 64; ++k) {
      r = std::max(r, kZigzag[k] >> 3);
      c = std::max(c, kZigzag[k] & 7);
      max_row[k] = static_cast<uint8_t>(r);
      max_col[k] = static_cast<uint8_t>(c);
    }
  }
};

// One-dimensional reduced inverse DCTs. Row k of kernel n (n outputs from 8
// coefficients) is the mean of full-size IDCT outputs k*8/n .. (k+1)*8/n - 1,
// so a block decoded at 1/d is exactly the d x d box average of the full
// decode (before rounding and clamping). The kernels are evaluated with the
// cosines' symmetries (even/odd halves; for n = 4 the columns u = 5..7 are
// multiples of columns 3..1 and column 4 is zero; for n = 2 only the DC and
// odd columns are non-zero and the two rows differ in sign on the odd ones).
struct IdctKernels {
  float m[4][8 * 8];  // index log2(n): n x 8, row-major
  float fold4[4];     // n = 4: column 8-b == fold4[b] * column b, b = 1..3
  IdctKernels() {
    const double pi = std::acos(-1.0);
    double full[8][8];
    for (int x = 0; x < 8; ++x) {
      for (int u = 0; u < 8; ++u) {
        const double cu = u == 0 ? std::sqrt(0.5) : 1.0;
        full[x][u] = 0.5 * cu * std::cos((2 * x + 1) * u * pi / 16);
      }
    }
    for (int lg = 0; lg < 4; ++lg) {
      const int n = 1 << lg, span = 8 / n;
      for (int k = 0; k < n; ++k) {
        for (int u = 0; u < 8; ++u) {
          double s = 0;
          for (int j = 0; j < span; ++j) s += full[k * span + j][u];
          s /= span;
          m[lg][k * 8 + u] = std::fabs(s) < 1e-9 ? 0.0f : static_cast<float>(s);
        }
      }
    }
    fold4[0] = 0;
    for (int b = 1; b < 4; ++b) fold4[b] = m[2][8 - b] / m[2][b];
  }
};

template <bool kLow>
inline void idct_1d_2(const float* in, float* out, const IdctKernels& kk) {
  const float* m = kk.m[1];
  const float e = m[0] * in[0];
  float o = m[1] * in[1] + m[3] * in[3];
  if (!kLow) o += m[5] * in[5] + m[7] * in[7];
  out[0] = e + o;
  out[1] = e - o;
}

template <bool kLow>
inline void idct_1d_4(const float* in, float* out, const IdctKernels& kk) {
  const float* m = kk.m[2];
  float f1 = in[1], f2 = in[2], f3 = in[3];
  if (!kLow) {
    f1 += kk.fold4[1] * in[7];
    f2 += kk.fold4[2] * in[6];
    f3 += kk.fold4[3] * in[5];
  }
  const float dc = m[0] * in[0];
  const float e0 = dc + m[2] * f2, e1 = dc + m[8 + 2] * f2;
  const float o0 = m[1] * f1 + m[3] * f3, o1 = m[8 + 1] * f1 + m[8 + 3] * f3;
  out[0] = e0 + o0;
  out[3] = e0 - o0;
  out[1] = e1 + o1;
  out[2] = e1 - o1;
}

template <bool kLow>
inline void idct_1d_8(const float* in, float* out, const IdctKernels& kk) {
  const float* m = kk.m[3];
  const float dc = m[0] * in[0];
  const float a4 = kLow ? 0.0f : m[4] * in[4];
  const float ee0 = dc + a4, ee1 = dc - a4;
  float eo0 = m[2] * in[2], eo1 = m[8 + 2] * in[2];
  if (!kLow) eo0 += m[6] * in[6], eo1 += m[8 + 6] * in[6];
  const float e[4] = {ee0 + eo0, ee1 + eo1, ee1 - eo1, ee0 - eo0};
  for (int k = 0; k < 4; ++k) {
    const float* r = m + 8 * k;
    float o = r[1] * in[1] + r[3] * in[3];
    if (!kLow) o += r[5] * in[5] + r[7] * in[7];
    out[k] = e[k] + o;
    out[7 - k] = e[k] - o;
  }
}

// N outputs from in[0..7]; with kLow, in[4..7] are known to be zero.
template <int N, bool kLow>
inline void idct_1d(const float* in, float* out, const IdctKernels& kk) {
  static_assert(N == 1 || N == 2 || N == 4 || N == 8, "1-D IDCT sizes are 1, 2, 4 and 8");
  if constexpr (N == 1) out[0] = kk.m[0][0] * in[0];
  else if constexpr (N == 2) idct_1d_2<kLow>(in, out, kk);
  else if constexpr (N == 4) idct_1d_4<kLow>(in, out, kk);
  else idct_1d_8<kLow>(in, out, kk);
}

const ZigzagExtent& zigzag_extent() {
  static const ZigzagExtent e;
  return e;
}
const IdctKernels& idct_kernels() {
  static const IdctKernels k;
  return k;
}

inline uint8_t clamp_round(float v) {
  v = std::min(std::max(v, 0.0f), 255.0f);
  return static_cast<uint8_t>(static_cast<int>(v + 0.5f));
}

// Reconstructs an NV x NH block from dequantised coefficients (row-major,
// zero outside rows 0..max_row and columns 0..max_col) into `out`: rows,
// then columns, each with the cheaper kernel when the upper half is zero.
template <int NV, int NH>
void idct_block(const float* coef, int max_row, int max_col, const IdctKernels& kk, uint8_t* out, size_t stride) {
  if (max_row == 0 && max_col == 0) {  // flat block: the DC term alone
    const uint8_t v = clamp_round(128.0f + coef[0] * kk.m[0][0] * kk.m[0][0]);
    for (int k = 0; k < NV; ++k) {
      for (int j = 0; j < NH; ++j) out[k * stride + j] = v;
    }
    return;
  }
  float t[8][NH];
  if (max_col < 4) {
    for (int v = 0; v <= max_row; ++v) idct_1d<NH, true>(coef + 8 * v, t[v], kk);
  } else {
    for (int v = 0; v <= max_row; ++v) idct_1d<NH, false>(coef + 8 * v, t[v], kk);
  }
  for (int j = 0; j < NH; ++j) {
    float col[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int v = 0; v <= max_row; ++v) col[v] = t[v][j];
    float o[NV];
    if (max_row < 4) {
      idct_1d<NV, true>(col, o, kk);
    } else {
      idct_1d<NV, false>(col, o, kk);
    }
    for (int k = 0; k < NV; ++k) out[k * stride + j] = clamp_round(o[k] + 128.0f);
  }
}

using IdctFn = void (*)(const float*, int, int, const IdctKernels&, uint8_t*, size_t);

template <int NV>
IdctFn idct_for_width(int lg_h) {
  switch (lg_h) {
    case 0: return idct_block<NV, 1>;
    case 1: return idct_block<NV, 2>;
    case 2: return idct_block<NV, 4>;
    default: return idct_block<NV, 8>;
  }
}

IdctFn idct_for(int lg_v, int lg_h) {
  switch (lg_v) {
    case 0: return idct_for_width<1>(lg_h);
    case 1: return idct_for_width<2>(lg_h);
    case 2: return idct_for_width<4>(lg_h);
    default: return idct_for_width<8>(lg_h);
  }
}

constexpr int kFastBits = 10;

// The bit reader's small methods must be inlined into the decoding loops for
// its buffer to live in registers; compilers otherwise decline for size.
#if defined(__GNUC__) || defined(__clang__)
#define FILIGRANE_INLINE inline __attribute__((always_inline))
#define FILIGRANE_NOINLINE __attribute__((noinline))
#else
#define FILIGRANE_INLINE inline
#define FILIGRANE_NOINLINE
#endif

struct HuffmanTable {
  bool defined = false;
  uint16_t fast[1 << kFastBits];  // next kFastBits bits -> (length << 8) | symbol; 0: longer code
  // For AC tables: when a code and its magnitude bits both fit in the next
  // kFastBits bits, value * 65536 + run * 16 + total length; else 0.
  int32_t fast_ac[1 << kFastBits];
  int32_t max_code[17];           // largest code of each length, -1 when none
  int32_t value_offset[17];       // symbol index = code + value_offset[length]
  uint8_t symbols[256];
  int count = 0;

  // Builds the canonical code from 16 code counts; false when the counts
  // overflow the code space (not a valid prefix code).
  bool build(const uint8_t counts[16], const uint8_t* values, int total) {
    std::memset(fast, 0, sizeof(fast));
    std::memset(symbols, 0, sizeof(symbols));
    std::memcpy(symbols, values, static_cast<size_t>(total));
    count = total;
    int32_t code = 0;
    int k = 0;
    max_code[0] = -1;
    value_offset[0] = 0;
    for (int len = 1; len <= 16; ++len) {
      value_offset[len] = k - code;
      for (int i = 0; i < counts[len - 1]; ++i, ++k, ++code) {
        if (code >= (1 << len)) return false;
        if (len <= kFastBits) {
          const int shift = kFastBits - len;
          const uint16_t entry = static_cast<uint16_t>((len << 8) | symbols[k]);
          for (int j = 0; j < (1 << shift); ++j) fast[(code << shift) + j] = entry;
        }
      }
      max_code[len] = counts[len - 1] ? code - 1 : -1;
      code <<= 1;
    }
    for (int i = 0; i < (1 << kFastBits); ++i) {
      fast_ac[i] = 0;
      const int len = fast[i] >> 8, rs = fast[i] & 0xFF, size = rs & 15;
      if (len == 0 || size == 0 || len + size > kFastBits) continue;
      const uint32_t bits = (static_cast<uint32_t>(i) >> (kFastBits - len - size)) & ((1u << size) - 1);
      const int32_t value = bits < (1u << (size - 1)) ? static_cast<int32_t>(bits) - ((1 << size) - 1)
                                                      : static_cast<int32_t>(bits);
      fast_ac[i] = value * 65536 + (rs >> 4) * 16 + len + size;
    }
    defined = true;
    return true;
  }
};

struct Component {
  uint8_t id = 0;
  int h = 1, v = 1;  // sampling factors
  int quant = 0;     // quantisation table index
  int dc_table = 0, ac_table = 0;
  // At the output scale: pixels one block covers, the IDCT size, replication.
  int out_w = 0, out_h = 0;
  int lg_n_h = 0, lg_n_v = 0;
  int rep_h = 1, rep_v = 1;
  bool dc_only = false;  // 1x1 output: AC coefficients are decoded but not kept
  IdctFn idct = nullptr;
  int32_t dc_pred = 0;
  std::vector<uint8_t> rows;  // one MCU row of this component at output scale
};

// The bytes of an entropy-coded segment: removes byte stuffing, stops at a
// marker and then supplies zero bytes, never reading outside [p, end).
class ByteSource {
 public:
  ByteSource(const uint8_t* p, const uint8_t* end) : p_(p), end_(end) {}

  // The next 8 data bytes, big-endian, when they hold no 0xFF (the common
  // case); the caller then advances by advance(). False otherwise.
  inline bool peek8(uint64_t& be) const {
    if (at_marker_ || end_ - p_ < 8) return false;
#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    std::memcpy(&be, p_, 8);
    be = __builtin_bswap64(be);
#else
    be = 0;
    for (int i = 0; i < 8; ++i) be = (be << 8) | p_[i];
#endif
    const uint64_t x = ~be;  // an 0xFF byte becomes a zero byte
    return ((x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull) == 0;
  }
  inline void advance(int n) { p_ += n; }

  // One data byte, taking care of stuffing, fill bytes and markers.
  FILIGRANE_NOINLINE uint8_t next_byte() {
    if (at_marker_) return 0;
    if (p_ >= end_) {
      stop(0, end_);
      return 0;
    }
    const uint8_t b = *p_;
    if (b != 0xFF) {
      ++p_;
      return b;
    }
    const uint8_t* q = p_ + 1;
    while (q < end_ && *q == 0xFF) ++q;  // fill bytes
    if (q < end_ && *q == 0x00) {        // stuffed 0xFF data byte
      p_ = q + 1;
      return 0xFF;
    }
    stop(q < end_ ? *q : 0, q < end_ ? q + 1 : end_);
    return 0;
  }

  // The marker stb_image would read once the scan is decoded: the one the
  // reader stopped at, or else the byte after the next 0xFF (stb does not skip
  // fill bytes there). Returns -1 at the end of the data; `after` points past it.
  int marker_after_scan(const uint8_t*& after) const {
    if (at_marker_) {
      if (marker_ == 0) return -1;  // stop() at the end of the data
      after = after_marker_;
      return marker_;
    }
    const uint8_t* q = p_;
    while (q < end_ && *q != 0xFF) ++q;
    if (end_ - q < 2) return -1;
    after = q + 2;
    return q[1];
  }

  // At the end of a restart interval: steps over the RSTn marker the reader
  // stopped at. Returns false when the data before the next marker is not
  // used up (stb_image then ends the scan and fails on the stray RSTn, so this
  // decoder reports corrupt data and leaves the verdict to stb). A different
  // marker (EOI early) leaves the reader there: the rest reads as zeros.
  FILIGRANE_NOINLINE bool restart() {
    if (!at_marker_ && p_ < end_ && *p_ == 0xFF) {  // the reader stopped just short of it
      const uint8_t* q = p_ + 1;
      while (q < end_ && *q == 0xFF) ++q;
      if (q < end_ && *q != 0x00) stop(*q, q + 1);
    }
    if (!at_marker_) return false;
    if (marker_ >= 0xD0 && marker_ <= 0xD7) {
      p_ = after_marker_;
      at_marker_ = false;
    }
    return true;
  }

 private:
  void stop(uint8_t marker, const uint8_t* after) {
    at_marker_ = true;
    marker_ = marker;
    after_marker_ = after;
  }

  const uint8_t* p_;
  const uint8_t* end_;
  bool at_marker_ = false;
  uint8_t marker_ = 0;
  const uint8_t* after_marker_ = nullptr;
};

// MSB-first bit buffer over a ByteSource. Kept apart from the source so the
// compiler can hold it in registers through the decoding loops.
class BitReader {
 public:
  explicit BitReader(ByteSource& src) : src_(&src) {}

  // Ensures at least 32 bits are buffered: one Huffman code and its
  // magnitude bits (16 + 16).
  FILIGRANE_INLINE void refill() {
    if (bits_ >= 32) return;
    uint64_t be;
    if (src_->peek8(be)) {
      const int n = (64 - bits_) >> 3;  // whole bytes that fit: 4..8
      const uint64_t take = n == 8 ? be : (be >> (64 - 8 * n)) << (64 - 8 * n);
      buf_ |= take >> bits_;
      bits_ += 8 * n;
      src_->advance(n);
      return;
    }
    while (bits_ <= 56) {
      buf_ |= static_cast<uint64_t>(src_->next_byte()) << (56 - bits_);
      bits_ += 8;
    }
  }

  inline uint32_t peek(int n) const { return static_cast<uint32_t>(buf_ >> (64 - n)); }
  inline void consume(int n) {
    buf_ <<= n;
    bits_ -= n;
  }
  // n in 1..16, with n bits buffered.
  inline uint32_t take(int n) {
    const uint32_t v = peek(n);
    consume(n);
    return v;
  }

  // Decodes one Huffman symbol (16 bits must be buffered); -1 for a code
  // the table does not hold.
  FILIGRANE_INLINE int decode(const HuffmanTable& t) {
    const uint16_t e = t.fast[peek(kFastBits)];
    if (e != 0) {
      consume(e >> 8);
      return e & 0xFF;
    }
    const uint32_t code16 = peek(16);
    for (int len = kFastBits + 1; len <= 16; ++len) {
      const int32_t code = static_cast<int32_t>(code16 >> (16 - len));
      if (code <= t.max_code[len]) {
        const int32_t index = code + t.value_offset[len];
        if (index < 0 || index >= t.count) return -1;
        consume(len);
        return t.symbols[index];
      }
    }
    return -1;
  }

  // Drops the padding bits at the end of a restart interval; see ByteSource::restart.
  FILIGRANE_INLINE bool restart() {
    buf_ = 0;
    bits_ = 0;
    return src_->restart();
  }

 private:
  ByteSource* src_;
  uint64_t buf_ = 0;
  int bits_ = 0;
};

// Value of an n-bit magnitude category (JPEG F.2.2.1 EXTEND).
inline int32_t extend(uint32_t v, int n) {
  return v < (1u << (n - 1)) ? static_cast<int32_t>(v) - ((1 << n) - 1) : static_cast<int32_t>(v);
}

inline uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

class ScaledDecoder {
 public:
  ScaledDecoder(const uint8_t* data, size_t size, int denom, const ImageLimits& limits)
      : data_(data), size_(size), denom_(denom), limits_(limits) {}

  Result<Image> run() {
    if (size_ < 4 || data_[0] != 0xFF || data_[1] != 0xD8) return CorruptData("not a JPEG (no SOI marker)");
    // Marker segments up to the first scan, stray bytes between them
    // skipped as stb_image does.
    JpegMarkerWalker walker(data_, size_, /*skip_stray_bytes=*/true);
    while (true) {
      JpegSegment segment;
      const JpegStep step = walker.next(segment);
      const uint8_t marker = segment.marker;
      if (step == JpegStep::kStandalone) {
        if (marker >= 0xD0 && marker <= 0xD7) return CorruptData("JPEG restart marker before the first scan");
        continue;  // TEM, stray SOI
      }
      if (step == JpegStep::kEndOfImage || step == JpegStep::kTruncated) return CorruptData("JPEG ends before its first scan");
      if (step == JpegStep::kStartOfScan && segment.payload == nullptr) return CorruptData("JPEG scan header runs past the end of the file");
      if (const char* problem = jpeg_step_problem(step)) return CorruptData(problem);
      // stb_image refuses marker 0x00 in a header ("unknown marker"); so do we.
      if (marker == 0x00) return CorruptData("JPEG marker 0x00 before the first scan");
      const uint8_t* seg = segment.payload;
      const size_t n = segment.size;
      Status s;
      switch (marker) {
        case 0xC0:
        case 0xC1: s = read_frame(seg, n); break;
        case 0xC4: s = read_huffman(seg, n); break;
        case 0xDB: s = read_quant(seg, n); break;
        case 0xDD:
          if (n != 2) return CorruptData("JPEG DRI segment has the wrong length");
          restart_interval_ = be16(seg);
          break;
        case 0xEE:
          if (n >= 12 && std::memcmp(seg, "Adobe", 6) == 0) adobe_transform_ = seg[11];
          break;
        case 0xDC: return UnsupportedFormat("JPEG with a DNL segment");
        case 0xCC: return UnsupportedFormat("arithmetic-coded JPEG");
        case 0xDA: {
          s = read_scan_header(seg, n);
          if (!s.ok()) return s;
          return decode_scan(walker.position());
        }
        default:
          if (marker >= 0xC2 && marker <= 0xCF) return UnsupportedFormat("JPEG coding process other than baseline/extended Huffman");
          // APPn, COM and other segments carry nothing the pixels need.
          break;
      }
      if (!s.ok()) return s;
    }
  }

 private:
  Status read_frame(const uint8_t* p, size_t n) {
    if (have_frame_) return CorruptData("JPEG has two frame headers");
    if (n < 6) return CorruptData("JPEG frame header is truncated");
    if (p[0] != 8) return UnsupportedFormat("JPEG sample precision other than 8 bits");
    height_ = be16(p + 1);
    width_ = be16(p + 3);
    ncomp_ = p[5];
    if (n != 6 + 3 * static_cast<size_t>(ncomp_)) return CorruptData("JPEG frame header length does not match its components");
    if (width_ == 0) return CorruptData("JPEG width is zero");
    if (height_ == 0) return UnsupportedFormat("JPEG height defined by a DNL segment");
    if (ncomp_ != 1 && ncomp_ != 3) return UnsupportedFormat("JPEG with other than 1 or 3 components");
    Status dims = check_dimensions(width_, height_, limits_);
    if (!dims.ok()) return dims;
    for (int i = 0; i < ncomp_; ++i) {
      Component& c = comp_[i];
      c.id = p[6 + 3 * i];
      c.h = p[7 + 3 * i] >> 4;
      c.v = p[7 + 3 * i] & 15;
      c.quant = p[8 + 3 * i];
      if (c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4) return CorruptData("JPEG sampling factor outside 1..4");
      if (c.quant > 3) return CorruptData("JPEG quantisation table id outside 0..3");
      for (int j = 0; j < i; ++j) {
        if (comp_[j].id == c.id) return CorruptData("JPEG component ids repeat");
      }
    }
    if (ncomp_ == 1) {
      comp_[0].h = comp_[0].v = 1;  // a lone component is never subsampled
    } else {
      int blocks = 0;
      for (int i = 0; i < ncomp_; ++i) blocks += comp_[i].h * comp_[i].v;
      if (blocks > 10) return CorruptData("JPEG MCU holds more than 10 blocks");
      // stb_image treats these as RGB, not YCbCr: leave them to it.
      if (comp_[0].id == 'R' && comp_[1].id == 'G' && comp_[2].id == 'B') return UnsupportedFormat("RGB JPEG");
    }
    for (int i = 0; i < ncomp_; ++i) {
      hmax_ = std::max(hmax_, comp_[i].h);
      vmax_ = std::max(vmax_, comp_[i].v);
    }
    for (int i = 0; i < ncomp_; ++i) {
      const int rh = hmax_ / comp_[i].h, rv = vmax_ / comp_[i].v;
      if (hmax_ % comp_[i].h != 0 || vmax_ % comp_[i].v != 0 || rh == 3 || rv == 3) {
        return UnsupportedFormat("JPEG sampling factors with a ratio other than 1, 2 or 4");
      }
    }
    have_frame_ = true;
    return Status::Ok();
  }

  Status read_huffman(const uint8_t* p, size_t n) {
    size_t at = 0;
    while (at < n) {
      if (n - at < 17) return CorruptData("JPEG Huffman table is truncated");
      const int cls = p[at] >> 4, id = p[at] & 15;
      if (cls > 1 || id > 3) return CorruptData("JPEG Huffman table class or id out of range");
      const uint8_t* counts = p + at + 1;
      int total = 0;
      for (int i = 0; i < 16; ++i) total += counts[i];
      if (total > 256) return CorruptData("JPEG Huffman table declares more than 256 codes");
      if (static_cast<size_t>(total) > n - at - 17) return CorruptData("JPEG Huffman table is truncated");
      HuffmanTable& t = huff_[cls][id];
      if (!t.build(counts, p + at + 17, total)) {
        t.defined = false;
        return CorruptData("JPEG Huffman code lengths do not form a prefix code");
      }
      at += 17 + static_cast<size_t>(total);
    }
    return Status::Ok();
  }

  Status read_quant(const uint8_t* p, size_t n) {
    size_t at = 0;
    while (at < n) {
      const int precision = p[at] >> 4, id = p[at] & 15;
      if (precision > 1 || id > 3) return CorruptData("JPEG quantisation table precision or id out of range");
      const size_t bytes = precision ? 128 : 64;
      if (n - at - 1 < bytes) return CorruptData("JPEG quantisation table is truncated");
      const uint8_t* q = p + at + 1;
      for (int k = 0; k < 64; ++k) {
        quant_[id][kZigzag[k]] = static_cast<float>(precision ? be16(q + 2 * k) : q[k]);
      }
      quant_defined_[id] = true;
      at += 1 + bytes;
    }
    return Status::Ok();
  }

  Status read_scan_header(const uint8_t* p, size_t n) {
    if (!have_frame_) return CorruptData("JPEG scan before its frame header");
    if (n < 1) return CorruptData("JPEG scan header is truncated");
    const int ns = p[0];
    if (ns < 1 || ns > 4 || n != 4 + 2 * static_cast<size_t>(ns)) return CorruptData("JPEG scan header length is wrong");
    if (ns != ncomp_) return UnsupportedFormat("JPEG with one scan per component");
    bool used[3] = {false, false, false};
    for (int i = 0; i < ns; ++i) {
      const uint8_t id = p[1 + 2 * i];
      int found = -1;
      for (int j = 0; j < ncomp_; ++j) {
        if (comp_[j].id == id) found = j;
      }
      if (found < 0 || used[found]) return CorruptData("JPEG scan names an unknown or repeated component");
      used[found] = true;
      scan_order_[i] = found;
      Component& c = comp_[found];
      c.dc_table = p[2 + 2 * i] >> 4;
      c.ac_table = p[2 + 2 * i] & 15;
      if (c.dc_table > 3 || c.ac_table > 3) return CorruptData("JPEG Huffman table id outside 0..3");
      if (!huff_[0][c.dc_table].defined || !huff_[1][c.ac_table].defined) {
        return CorruptData("JPEG scan uses an undefined Huffman table");
      }
      if (!quant_defined_[c.quant]) return CorruptData("JPEG component uses an undefined quantisation table");
    }
    const int ss = p[1 + 2 * ns], ah_al = p[3 + 2 * ns];
    // Se is ignored for sequential scans, as stb_image does.
    if (ss != 0 || ah_al != 0) return CorruptData("JPEG sequential scan with spectral selection or approximation");
    if (ncomp_ == 3 && adobe_transform_ >= 0 && adobe_transform_ != 1) {
      return UnsupportedFormat("JPEG with an Adobe colour transform other than YCbCr");
    }
    return Status::Ok();
  }

  static int log2_of(int v) {
    int lg = 0;
    while ((1 << lg) < v) ++lg;
    return lg;
  }

  Result<Image> decode_scan(size_t pos) {
    const uint32_t out_w = (width_ + denom_ - 1) / denom_, out_h = (height_ + denom_ - 1) / denom_;
    Result<Image> made = Image::create(out_w, out_h, limits_);  // emit_rows sets every byte
    if (!made.ok()) return made;
    Image& out = made.value();

    const IdctKernels& kernels = idct_kernels();
    const uint32_t mcu_w = 8 * hmax_, mcu_h = 8 * vmax_;
    const uint32_t mcus_x = (width_ + mcu_w - 1) / mcu_w, mcus_y = (height_ + mcu_h - 1) / mcu_h;
    const size_t row_w = static_cast<size_t>(mcus_x) * mcu_w / denom_;  // same for every component
    const int row_h = static_cast<int>(mcu_h) / denom_;
    for (int i = 0; i < ncomp_; ++i) {
      Component& c = comp_[i];
      c.out_w = 8 * (hmax_ / c.h) / denom_;  // >= 1: ratio >= 1, denom <= 8
      c.out_h = 8 * (vmax_ / c.v) / denom_;
      c.lg_n_h = log2_of(std::min(c.out_w, 8));
      c.lg_n_v = log2_of(std::min(c.out_h, 8));
      c.rep_h = c.out_w > 8 ? c.out_w / 8 : 1;
      c.rep_v = c.out_h > 8 ? c.out_h / 8 : 1;
      c.dc_only = c.out_w == 1 && c.out_h == 1;
      c.idct = idct_for(c.lg_n_v, c.lg_n_h);
      c.dc_pred = 0;
      try {
        c.rows.assign(row_w * row_h, 0);
      } catch (const std::bad_alloc&) {
        return Internal("out of memory for JPEG decoding");
      }
    }

    ByteSource source(data_ + pos, data_ + size_);
    BitReader bits(source);
    const ZigzagExtent& extent = zigzag_extent();
    alignas(16) float coef[64] = {};
    uint8_t set[64];  // positions of the AC terms decoded into coef
    uint8_t tmp[64];
    uint32_t mcus_left = restart_interval_;

    for (uint32_t my = 0; my < mcus_y; ++my) {
      for (uint32_t mx = 0; mx < mcus_x; ++mx) {
        if (restart_interval_ != 0) {
          if (mcus_left == 0) {
            if (!bits.restart()) return CorruptData("JPEG restart marker is missing or misplaced");
            for (int i = 0; i < ncomp_; ++i) comp_[i].dc_pred = 0;
            mcus_left = restart_interval_;
          }
          --mcus_left;
        }
        for (int si = 0; si < ncomp_; ++si) {
          Component& c = comp_[scan_order_[si]];
          const HuffmanTable& dc = huff_[0][c.dc_table];
          const HuffmanTable& ac = huff_[1][c.ac_table];
          const float* q = quant_[c.quant];
          for (int by = 0; by < c.v; ++by) {
            for (int bx = 0; bx < c.h; ++bx) {
              bits.refill();
              const int t = bits.decode(dc);
              if (t < 0 || t > 15) return CorruptData("JPEG entropy-coded data is corrupt (bad DC code)");
              int32_t diff = 0;
              if (t > 0) diff = extend(bits.take(t), t);  // refill() left >= 32 bits: code + magnitude
              // Wraps instead of overflowing on corrupt data.
              c.dc_pred = static_cast<int32_t>(static_cast<uint32_t>(c.dc_pred) + static_cast<uint32_t>(diff));
              uint8_t* dst = c.rows.data() + static_cast<size_t>(by) * c.out_h * row_w +
                             (static_cast<size_t>(mx) * c.h + bx) * c.out_w;
              if (c.dc_only) {
                // Only the DC term reaches a 1x1 output; AC symbols are skipped.
                if (!skip_ac(bits, ac)) return CorruptData("JPEG entropy-coded data is corrupt (bad AC code)");
                *dst = clamp_round(128.0f + static_cast<float>(c.dc_pred) * q[0] * 0.125f);
                continue;
              }
              coef[0] = static_cast<float>(c.dc_pred) * q[0];
              int set_count = 0;
              const int last = decode_ac(bits, ac, q, coef, set, set_count);
              if (last < 0) return CorruptData("JPEG entropy-coded data is corrupt (bad AC code)");
              if (c.rep_h == 1 && c.rep_v == 1) {
                c.idct(coef, extent.max_row[last], extent.max_col[last], kernels, dst, row_w);
              } else {
                const int nh = 1 << c.lg_n_h;
                c.idct(coef, extent.max_row[last], extent.max_col[last], kernels, tmp, static_cast<size_t>(nh));
                for (int y = 0; y < c.out_h; ++y) {
                  uint8_t* d = dst + static_cast<size_t>(y) * row_w;
                  const uint8_t* srow = tmp + (y / c.rep_v) * nh;
                  for (int x = 0; x < c.out_w; ++x) d[x] = srow[x / c.rep_h];
                }
              }
              // Clear the terms this block set for the next one: cheaper than
              // clearing the block (WebAssembly without bulk memory calls memset).
              coef[0] = 0.0f;
              for (int i = 0; i < set_count; ++i) coef[set[i]] = 0.0f;
            }
          }
        }
      }
      emit_rows(out, my * static_cast<uint32_t>(row_h), row_h, row_w);
    }
    Status tail = check_after_scan(source);
    if (!tail.ok()) return tail;
    return made;
  }

  // stb_image reads on after the scan up to EOI and fails on what it does not
  // expect there. So that a file never decodes scaled but fails at full size,
  // anything after the scan but APPn, COM, DRI and a matching DNL is left to
  // stb (kUnsupportedFormat), which then decides. Each step moves forward.
  Status check_after_scan(const ByteSource& source) const {
    const uint8_t* after = nullptr;
    int m = source.marker_after_scan(after);
    while (m != 0xD9) {
      const bool skippable = (m >= 0xE0 && m <= 0xEF) || m == 0xFE || m == 0xDD || m == 0xDC;
      size_t pos = m < 0 ? size_ : static_cast<size_t>(after - data_);
      if (!skippable || size_ - pos < 2) return UnsupportedFormat("JPEG data after the first scan left to stb_image");
      const size_t length = be16(data_ + pos);
      bool ok = length >= 2 && length <= size_ - pos;
      if (m == 0xDD) ok = ok && length == 4;
      if (m == 0xDC) ok = ok && length == 4 && be16(data_ + pos + 2) == height_;
      pos += length;
      ok = ok && pos < size_ && data_[pos] == 0xFF;
      while (ok && pos < size_ && data_[pos] == 0xFF) ++pos;  // fill bytes
      if (!ok || pos >= size_) return UnsupportedFormat("JPEG data after the first scan left to stb_image");
      m = data_[pos];
      after = data_ + pos + 1;
    }
    return Status::Ok();
  }

  // Decodes the AC coefficients of one block into `coef` (dequantised,
  // natural order; must be zero on entry). Returns the last zigzag position
  // set (0 when none), or -1 for a bad Huffman code.
  static FILIGRANE_NOINLINE int decode_ac(BitReader& reader, const HuffmanTable& ac, const float* q, float* coef,
                                          uint8_t* set, int& set_count) {
    BitReader bits = reader;  // a local copy the compiler keeps in registers
    int last = 0;
    int n = 0;
    for (int k = 1; k < 64;) {
      bits.refill();
      const int32_t f = ac.fast_ac[bits.peek(kFastBits)];
      if (f != 0) {  // code and magnitude in one lookup
        bits.consume(f & 15);
        k += (f >> 4) & 15;
        const int z = kZigzag[k];
        coef[z] = static_cast<float>(f >> 16) * q[z];
        set[n++ & 63] = static_cast<uint8_t>(z);
        last = k;
        ++k;
        continue;
      }
      const int rs = bits.decode(ac);
      if (rs < 0) {
        reader = bits;
        set_count = std::min(n, 63);
        return -1;
      }
      const int s = rs & 15;
      if (s == 0) {
        if (rs != 0xF0) break;  // end of block
        k += 16;
        continue;
      }
      k += rs >> 4;
      const int z = kZigzag[k];
      coef[z] = static_cast<float>(extend(bits.take(s), s)) * q[z];
      set[n++ & 63] = static_cast<uint8_t>(z);
      last = k;
      ++k;
    }
    reader = bits;
    set_count = std::min(n, 63);  // at most 63 AC terms (k only grows)
    return std::min(last, 63);
  }

  // Reads past the AC coefficients of one block. False for a bad code.
  static FILIGRANE_NOINLINE bool skip_ac(BitReader& reader, const HuffmanTable& ac) {
    BitReader bits = reader;
    for (int k = 1; k < 64;) {
      bits.refill();
      const int32_t f = ac.fast_ac[bits.peek(kFastBits)];
      if (f != 0) {
        bits.consume(f & 15);
        k += ((f >> 4) & 15) + 1;
        continue;
      }
      const int rs = bits.decode(ac);
      if (rs < 0) {
        reader = bits;
        return false;
      }
      const int s = rs & 15;
      if (s == 0) {
        if (rs != 0xF0) break;
        k += 16;
        continue;
      }
      bits.consume(s);
      k += (rs >> 4) + 1;
    }
    reader = bits;
    return true;
  }

  // Colour-converts one MCU row (component rows at output scale) into `out`.
  void emit_rows(Image& out, uint32_t y0, int rows, size_t row_w) {
    const uint32_t w = out.width();
    for (int r = 0; r < rows && y0 + r < out.height(); ++r) {
      uint8_t* d = out.row(y0 + r);
      const uint8_t* y = comp_[0].rows.data() + static_cast<size_t>(r) * row_w;
      if (ncomp_ == 1) {
        for (uint32_t x = 0; x < w; ++x, d += 4) d[0] = d[1] = d[2] = y[x], d[3] = 255;
        continue;
      }
      const uint8_t* cb = comp_[1].rows.data() + static_cast<size_t>(r) * row_w;
      const uint8_t* cr = comp_[2].rows.data() + static_cast<size_t>(r) * row_w;
      for (uint32_t x = 0; x < w; ++x, d += 4) {
        // stb_image's fixed-point YCbCr -> RGB, so both decoders agree.
        const int yf = (y[x] << 20) + (1 << 19);
        const int vr = cr[x] - 128, vb = cb[x] - 128;
        int rr = yf + vr * (static_cast<int>(1.40200f * 4096.0f + 0.5f) << 8);
        int gg = yf + vr * -(static_cast<int>(0.71414f * 4096.0f + 0.5f) << 8) +
                 ((vb * -(static_cast<int>(0.34414f * 4096.0f + 0.5f) << 8)) & ~0xFFFF);
        int bb = yf + vb * (static_cast<int>(1.77200f * 4096.0f + 0.5f) << 8);
        rr >>= 20;
        gg >>= 20;
        bb >>= 20;
        d[0] = static_cast<uint8_t>(std::min(std::max(rr, 0), 255));
        d[1] = static_cast<uint8_t>(std::min(std::max(gg, 0), 255));
        d[2] = static_cast<uint8_t>(std::min(std::max(bb, 0), 255));
        d[3] = 255;
      }
    }
  }

  const uint8_t* data_;
  size_t size_;
  int denom_;
  ImageLimits limits_;

  bool have_frame_ = false;
  uint32_t width_ = 0, height_ = 0;
  int ncomp_ = 0;
  int hmax_ = 1, vmax_ = 1;
  Component comp_[3];
  int scan_order_[3] = {0, 1, 2};
  HuffmanTable huff_[2][4];  // [0] DC, [1] AC
  float quant_[4][64] = {};
  bool quant_defined_[4] = {false, false, false, false};
  uint32_t restart_interval_ = 0;
  int adobe_transform_ = -1;
};

}  // namespace

#undef FILIGRANE_INLINE
#undef FILIGRANE_NOINLINE

int jpeg_scale_denom_for(uint32_t width, uint32_t height, uint32_t min_side) {
  if (min_side == 0) return 1;
  for (int d : {8, 4, 2}) {
    const uint64_t w = (uint64_t{width} + d - 1) / d, h = (uint64_t{height} + d - 1) / d;
    if (w >= min_side && h >= min_side) return d;
  }
  return 1;
}

Result<Image> decode_jpeg_scaled(const uint8_t* data, size_t size, int scale_denom, const ImageLimits& limits) {
  if (data == nullptr || size == 0) return InvalidArgument("the file is empty");
  if (scale_denom != 1 && scale_denom != 2 && scale_denom != 4 && scale_denom != 8) {
    return InvalidArgument("JPEG scale denominator must be 1, 2, 4 or 8");
  }
  // The decoder state holds ~10 KB of tables: keep it off the (small, in WebAssembly) stack.
  std::unique_ptr<ScaledDecoder> decoder(new (std::nothrow) ScaledDecoder(data, size, scale_denom, limits));
  if (!decoder) return Internal("out of memory for JPEG decoding");
  return decoder->run();
}

}  // namespace filigrane
