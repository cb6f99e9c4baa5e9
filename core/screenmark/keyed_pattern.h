// Keyed tile layout of the screen watermark: which cells of the 32 x 32 tile
// carry the synchronisation pattern, which carry which coded payload bit, and
// the pseudo-random sign that scrambles every cell. Internal to screenmark.
#pragma once

#include <array>
#include <cstdint>

#include "core/screenmark/payload_codec.h"

namespace filigrane::screenmark {

constexpr int kTileCells = 32;                       // cells per tile side
constexpr int kCellCount = kTileCells * kTileCells;  // 1024
constexpr int kCellCssPx = 6;                        // cell side in CSS px
constexpr int kTileCssPx = kTileCells * kCellCssPx;  // 192
constexpr int kDataRepetitions = 2;
constexpr int kDataCells = kCodedBits * kDataRepetitions;  // 612
constexpr int kSyncCells = kCellCount - kDataCells;        // 412

struct TileLayout {
  // Per cell (row-major, row = y): coded-bit index carried, or -1 for sync.
  std::array<int16_t, kCellCount> coded_index{};
  // Per cell: keyed pseudo-random sign (+1/-1). Sync cells show it directly.
  std::array<int8_t, kCellCount> sign{};
};

// Deterministic in the key: a xoshiro256** stream seeded by the key's pattern
// seed shuffles the cells (first kDataCells become data, cell k of the shuffle
// carries coded bit k mod kCodedBits) and draws the signs.
TileLayout make_tile_layout(const KeyMaterial& key);

// Chip (+1/-1) of every cell for the given coded bits: sign for sync cells,
// sign * (bit ? -1 : +1) for data cells.
std::array<int8_t, kCellCount> tile_chips(const TileLayout& layout,
                                          const std::array<uint8_t, kCodedBits>& coded);

}  // namespace filigrane::screenmark
