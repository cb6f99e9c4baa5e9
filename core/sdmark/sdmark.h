// Stable Diffusion watermark reading: a re-implementation of the `dwtDct`
// (and, decode only, `dwtDctSvd`) methods of the open-source
// `invisible-watermark` library, written from its documented and observed
// behaviour (see ../shared/data/watermark-vectors/README.md), plus a test of
// whether an image carries one of the messages Stable Diffusion tools embed.
//
// The scheme: the image's U plane (OpenCV 8-bit fixed-point YUV), cropped to
// multiples of 4, gets one level of Haar DWT; the low band is cut into 4x4
// blocks read row by row; block n carries bit n mod N by the residue of one
// coefficient modulo a step of 36. There is no sync and no error correction,
// so the decoder always returns N bits, even from an unmarked image; only
// match_sd_message() says whether a mark is present.
//
// False-alarm bound of match_sd_message(): see the comment on SdMatch.
#pragma once

#include <cstdint>
#include <vector>

#include "core/image.h"
#include "core/status.h"

namespace filigrane::sdmark {

enum class DwtMethod {
  kDwtDct,     // residue of the largest |low-band coefficient| of each block
  kDwtDctSvd,  // residue of the largest singular value of each block
};

// Images with fewer pixels than this are refused by the reference (and by us).
constexpr uint64_t kMinPixels = 256 * 256;
// Longest message the decoder accepts (the library's own limit is far lower).
constexpr uint32_t kMaxBits = 4096;

struct DwtDecodeResult {
  std::vector<uint8_t> bits;           // 0/1 per bit, as the reference decides it
  std::vector<double> vote_fraction;   // per bit: mean of its block votes in [0,1]
  uint32_t blocks = 0;                 // number of 4x4 low-band blocks read
};

// Decodes `num_bits` bits from `image` (RGBA; alpha ignored, as the reference
// reads colour only). `low_band_offset` is subtracted from every low-band
// coefficient before reading: 0 reproduces the reference; 255 reads marks
// made through float pipelines whose U plane was centred on 0.5 instead of
// 128 (SDXL's). Fails with kInvalidArgument when num_bits is 0 or above
// kMaxBits or the image has fewer than kMinPixels pixels. The result owns its
// vectors; `image` is only read.
Result<DwtDecodeResult> decode_dwt(const Image& image, uint32_t num_bits,
                                   DwtMethod method = DwtMethod::kDwtDct,
                                   double low_band_offset = 0.0);

// Embeds `bits` (each 0 or 1) with the dwtDct method into a copy of `image`,
// bit-compatible with the reference library fed 8-bit BGR. Alpha is copied
// unchanged. Fails with kInvalidArgument for an empty message, a message longer
// than kMaxBits, a value other than 0/1, or an image below kMinPixels.
Result<Image> encode_dwt_dct(const Image& image, const std::vector<uint8_t>& bits);

// Known Stable Diffusion messages.
enum class SdKind { kNone, kSd1, kSd2, kSdxl };
// "sd1", "sd2", "sdxl" or "none"; never null.
const char* sd_kind_name(SdKind kind);
// The message bits of a kind (MSB-first bytes for sd1/sd2); empty for kNone.
std::vector<uint8_t> sd_message_bits(SdKind kind);

// Decision of match_sd_message().
//
// Test: for each of 4 hypotheses (sd1 136 bits, sd2 32 bits, sdxl 48 bits read
// plainly, sdxl 48 bits read with low_band_offset 255), the per-bit vote
// fractions are turned into bits by a threshold that does not look at the
// message (the midpoint of the two clusters of vote fractions found by a
// 1-D 2-means, so an image-wide bias towards 0 or 1 does not matter), and the
// agreement A with the message is counted. The hypothesis is accepted when
// A >= t(N), where t(N) is the smallest count with
//   P[Binomial(N, 1/2) >= t] <= 2.5e-7.
// Under "no mark", bits decoded from distinct blocks are modelled as fair,
// independent coins, so each hypothesis false-alarms with probability at most
// 2.5e-7 and the union over the 4 tests at most 1e-6. Images with too little
// spread in vote fractions (flat images read all 0 or all 1) are rejected
// before counting, since their bits are not coin flips.
struct SdMatch {
  bool found = false;
  SdKind kind = SdKind::kNone;
  double bit_agreement = 0.0;       // A/N of the best-scoring hypothesis (the reported kind if found)
  uint32_t agreeing_bits = 0;
  uint32_t num_bits = 0;
  uint32_t threshold_bits = 0;      // t(N) for that hypothesis
  double rank_test_p = 1.0;         // Mann-Whitney null tail of that hypothesis
  double false_alarm_bound = 0.0;   // min(binomial, rank) tail of that hypothesis times 8 (2 tests x 4)
  bool too_small = false;           // image below kMinPixels: found is false
};

// Tests `image` against the known messages. Never fails on a valid Image:
// images below kMinPixels (or empty) give found=false, too_small=true.
SdMatch match_sd_message(const Image& image);

// Upper tail P[Binomial(n, 1/2) >= k], exact in double precision.
double binomial_half_tail(uint32_t n, uint32_t k);
// Smallest k with binomial_half_tail(n, k) <= alpha (n+1 when none).
uint32_t binomial_threshold(uint32_t n, double alpha);

}  // namespace filigrane::sdmark
