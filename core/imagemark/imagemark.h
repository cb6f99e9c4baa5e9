// Filigrane's robust keyed invisible image mark.
//
// Scheme (details and measurements in DESIGN.md next to this file):
// * A key-derived 128x128-pixel tile of 4x4-pixel chips (32x32 chips) is
//   repeated over the whole image in luma. A quarter of the chips (256,
//   key-chosen) carry a known pseudo-random +-1 pilot; the other 768 carry the
//   64-bit payload + CRC-16, convolutionally encoded (K=7, rate 1/3, 258 coded
//   bits), each coded bit spread over ~3 chips with key-random signs.
//   A payload that fits in 32 bits uses the compact layout (by default): half
//   the chips pilot, the other 512 carry 32 bits + CRC-16 (162 coded bits), so
//   the pilot has twice the chips and small copies still synchronise.
// * Perceptual shaping: the chip amplitude is scaled by the local luma
//   standard deviation (5x5) clamped to [6, 9], so texture carries 1.5x the
//   amplitude of flat areas. The RGB offset follows the luma weights (least
//   RGB error per unit of luma) and is rounded with an ordered dither (so
//   sub-level amplitudes survive 8-bit rounding on average over a chip). One
//   global gain, predicted from the gain histogram and corrected by
//   measurement, meets the requested PSNR.
// * Detection on the image as found: a luma residual (minus its 11x11 mean)
//   weighted by 1/(local RMS + 2.5)^2, which suppresses textured host content
//   where it would swamp the mark. The residual is folded onto one tile along
//   a lattice: first the lattice of the image as marked; if that does not
//   decode, lattices from the whitened autocorrelation: periods where its
//   comb over the whole lattice peaks (rescaled copies, 0.45x..2.1x), then
//   pairs of single peaks (small rotations). Per lattice the pilot is
//   searched over all 4096 tile offsets (2-pixel resolution) and, when it
//   reaches kDecodeThreshold, the payload is Viterbi-decoded and checked by
//   its CRC; the search stops at the first lattice that decodes.
//
// False-positive bound: the pilot statistic z = sum(T_c G_c)/sqrt(sum G_c^2)
// over the folded chip values G of an image that does not carry this key's
// mark is, over the random choice of key, a Rademacher sum, so
// P[z >= t] <= exp(-t^2/2) (Hoeffding) for each of at most kMaxTests
// (lattice, layout, offset) tests: 8 lattices x 2 layouts x 4 phases x 1024
// offsets. The lattices come from the image alone, never from the key. A
// payload is reported when z >= kDecodeThreshold = 5.5 at a (lattice,
// layout)'s best offset AND its CRC-16 matches. The data chips' signs are
// key-random and independent of the pilot's, so the Viterbi decoder (which
// commutes with adding a codeword) returns a uniformly random word and the
// CRC matches with probability exactly 2^-16. Per image:
//   P[false report] <= kMaxTests * exp(-5.5^2/2) * 2^-16 = 2.7e-7.
// `synchronized` alone (pilot z >= kDetectionThreshold = 7.0, bound
// 65536 * exp(-24.5) = 1.5e-6) says a mark is present even when its payload
// fails the CRC.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/image.h"
#include "core/status.h"

namespace filigrane::imagemark {

constexpr int kPayloadBytes = 8;                 // 64 payload bits
constexpr double kDefaultPsnrDb = 42.2;          // target PSNR of embed(), met or exceeded
constexpr double kDetectionThreshold = 7.0;      // pilot z that alone proves a mark (synchronized)
constexpr double kDecodeThreshold = 5.5;         // pilot z from which a CRC-checked payload is reported
constexpr double kCrcFalseMatch = 1.0 / 65536;   // chance a random decoded word passes the CRC-16
constexpr uint32_t kMaxTests = 65536;            // (lattice, layout, offset) tests per image, at most
constexpr uint32_t kMinDetectSide = 96;          // smaller images: found = false
constexpr uint32_t kMinEmbedSide = 64;

using Payload = std::array<uint8_t, kPayloadBytes>;

struct EmbedOptions {
  double psnr_db = kDefaultPsnrDb;  // PSNR (RGB, after 8-bit rounding) to meet; 30..60. Typically met within 0.1 dB
  // 0: compact layout when the payload's first 4 bytes are 0 (value < 2^32),
  // else standard; 32: compact (kInvalidArgument if the value does not fit);
  // 64: standard.
  int payload_bits = 0;
};

struct EmbedReport {
  Image image;          // marked copy; alpha unchanged
  double psnr_db = 0;   // measured PSNR (RGB channels) against the input; >= options.psnr_db
  int payload_bits = 64; // layout used: 64 (standard) or 32 (compact)
};

// Marks a copy of `image` with `payload` under `key`. Fails with
// kInvalidArgument for an empty key, psnr_db outside 30..60, or an image
// with a side below kMinEmbedSide. The input is only read; the report owns
// the new image.
Result<EmbedReport> embed(const Image& image, const std::string& key, const Payload& payload,
                          const EmbedOptions& options = {});

struct DetectReport {
  bool found = false;          // pilot z >= kDecodeThreshold and CRC good
  bool synchronized = false;   // found, or pilot z >= kDetectionThreshold (payload may still fail its CRC)
  bool too_small = false;      // image below kMinDetectSide: nothing tried
  Payload payload{};           // valid when found (compact: first 4 bytes 0)
  int payload_bits = 0;        // layout of the found mark: 64 or 32; 0 when not found
  double z = 0;                // best pilot statistic
  double false_positive_bound = 1;  // min(1, tests * exp(-z^2/2)), times 2^-16 when found (CRC)
  double confidence = 0;       // 1 - false_positive_bound when found, else 0
  double scale = 0;            // estimated tile scale (image as found vs as marked)
  double rotation_deg = 0;     // estimated rotation
  uint32_t lattices_tried = 0; // tile lattices folded and searched (stops at the first that decodes)
  // Where the mark was found: a map_width x map_height grid (row-major) of
  // local correlation z-scores against the expected mark, each cell
  // map_cell x map_cell pixels of the image as found. Empty unless synchronized.
  uint32_t map_width = 0, map_height = 0, map_cell = 0;
  std::vector<float> map;
};

// Looks for a mark made with `key`. Fails only with kInvalidArgument for an
// empty key or empty image; anything else (tiny, flat, unmarked, garbage
// pixels) is a report with found = false. The report owns its vectors.
Result<DetectReport> detect(const Image& image, const std::string& key);

}  // namespace filigrane::imagemark
