#include "core/provenance/generator.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "core/provenance/inflate.h"

namespace filigrane::provenance {
namespace {

bool equals_ignore_case(const std::string& a, const char* b) {
  size_t i = 0;
  for (; i < a.size() && b[i]; ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return i == a.size() && b[i] == 0;
}

const GeneratorText* find_text(const GeneratorReport& report, const char* key) {
  for (const auto& t : report.texts) {
    if (equals_ignore_case(t.key, key)) return &t;
  }
  return nullptr;
}

bool looks_like_json_object(const std::string& s) {
  const size_t p = s.find_first_not_of(" \t\r\n");
  return p != std::string::npos && s[p] == '{';
}

// AUTOMATIC1111 "parameters": prompt lines, optional "Negative prompt: ..."
// lines, then a last line of "Key: value, ..." settings starting with "Steps:".
std::string a1111_prompt(const std::string& parameters) {
  size_t end = parameters.find("\nNegative prompt:");
  if (end == std::string::npos) end = parameters.rfind("\nSteps:");
  if (end == std::string::npos) end = parameters.size();
  return parameters.substr(0, end);
}

bool is_a1111_parameters(const std::string& s) {
  return s.find("Steps:") != std::string::npos && s.find("Sampler:") != std::string::npos;
}

}  // namespace

void classify_generator(const ExifReport& exif, GeneratorReport& out) {
  const GeneratorText* parameters = find_text(out, "parameters");
  const GeneratorText* prompt = find_text(out, "prompt");
  const GeneratorText* workflow = find_text(out, "workflow");
  const GeneratorText* software = find_text(out, "Software");
  out.parameters_present = parameters != nullptr;
  out.prompt_present = prompt != nullptr;
  out.workflow_present = workflow != nullptr;

  if (software && software->value.rfind("NovelAI", 0) == 0) {
    out.tool = "NovelAI";
    out.source = software->where;
    if (const GeneratorText* d = find_text(out, "Description")) out.prompt = d->value;
    return;
  }
  if ((prompt && prompt->value.find("class_type") != std::string::npos) ||
      (workflow && looks_like_json_object(workflow->value))) {
    out.tool = "ComfyUI";
    out.source = (prompt ? prompt : workflow)->where;
    return;
  }
  for (const char* key : {"invokeai_metadata", "invokeai_graph", "sd-metadata", "Dream"}) {
    if (const GeneratorText* t = find_text(out, key)) {
      out.tool = "InvokeAI";
      out.source = t->where;
      return;
    }
  }
  if (parameters) {
    const bool fooocus = find_text(out, "fooocus_scheme") != nullptr ||
                         (looks_like_json_object(parameters->value) &&
                          parameters->value.find("\"base_model\"") != std::string::npos &&
                          parameters->value.find("\"full_prompt\"") != std::string::npos);
    out.tool = fooocus ? "Fooocus" : "AUTOMATIC1111";
    out.source = parameters->where;
    if (!fooocus) out.prompt = a1111_prompt(parameters->value);
    return;
  }
  if (is_a1111_parameters(exif.user_comment)) {
    out.tool = "AUTOMATIC1111";
    out.source = "exif";
    out.prompt = a1111_prompt(exif.user_comment);
    out.texts.push_back({"exif:UserComment", exif.user_comment, "exif"});
    out.parameters_present = true;
  }
}

bool read_stealth_text(const Image& image, size_t max_text_bytes, std::string& text) {
  const uint32_t w = image.width(), h = image.height();
  if (w == 0 || h == 0) return false;
  for (int mode = 0; mode < 2; ++mode) {  // 0: alpha LSB, 1: RGB LSBs
    const int bits_per_pixel = mode == 0 ? 1 : 3;
    const uint64_t capacity = uint64_t{w} * h * bits_per_pixel;
    uint64_t bit_index = 0;
    // Column-major pixel order; channels R,G,B within a pixel in RGB mode.
    auto next_bit = [&](int& bit) {
      if (bit_index >= capacity) return false;
      const uint64_t pixel = bit_index / bits_per_pixel;
      const int channel = mode == 0 ? 3 : static_cast<int>(bit_index % bits_per_pixel);
      const uint32_t x = static_cast<uint32_t>(pixel / h), y = static_cast<uint32_t>(pixel % h);
      bit = image.pixel(x, y)[channel] & 1;
      ++bit_index;
      return true;
    };
    auto read_bytes = [&](size_t n, std::string& out) {
      out.clear();
      for (size_t i = 0; i < n; ++i) {
        int byte = 0;
        for (int b = 0; b < 8; ++b) {
          int bit;
          if (!next_bit(bit)) return false;
          byte = (byte << 1) | bit;
        }
        out += static_cast<char>(byte);
      }
      return true;
    };
    std::string signature;
    if (!read_bytes(15, signature)) continue;
    const bool compressed = signature == (mode == 0 ? "stealth_pngcomp" : "stealth_rgbcomp");
    if (!compressed && signature != (mode == 0 ? "stealth_pnginfo" : "stealth_rgbinfo")) continue;
    uint32_t length_bits = 0;
    for (int b = 0; b < 32; ++b) {
      int bit;
      if (!next_bit(bit)) return false;
      length_bits = (length_bits << 1) | static_cast<uint32_t>(bit);
    }
    const uint64_t length_bytes = length_bits / 8;
    if (length_bytes * 8 > capacity - bit_index || length_bytes > max_text_bytes) return false;
    std::string payload;
    if (!read_bytes(static_cast<size_t>(length_bytes), payload)) return false;
    if (compressed) {
      auto inflated = inflate_gzip(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(),
                                   max_text_bytes);
      if (!inflated.ok()) return false;
      text.assign(inflated.value().begin(), inflated.value().end());
    } else {
      text = std::move(payload);
    }
    return true;
  }
  return false;
}

bool png_starts_with_stealth_signature(const std::vector<uint8_t>& idat_prefix, uint32_t width,
                                       uint32_t height, int channels) {
  if (width == 0 || height == 0 || (channels != 3 && channels != 4)) return false;
  constexpr uint32_t kSignatureBits = 15 * 8;
  const uint32_t rows = std::min(height, kSignatureBits);
  const uint64_t stride = uint64_t{width} * channels;
  const uint64_t needed = (stride + 1) * rows;
  if (needed > (uint64_t{64} << 20)) return false;
  auto inflated = inflate_zlib_prefix(idat_prefix.data(), idat_prefix.size(),
                                      static_cast<size_t>(needed) + 70000);
  if (!inflated.ok() || inflated.value().size() < needed) return false;
  std::vector<uint8_t>& raw = inflated.value();
  // Unfilter in place (PNG filter types 0..4).
  const size_t bpp = static_cast<size_t>(channels);
  const size_t row_bytes = static_cast<size_t>(stride);
  for (uint32_t y = 0; y < rows; ++y) {
    uint8_t* row = raw.data() + y * (row_bytes + 1);
    const uint8_t filter = row[0];
    uint8_t* cur = row + 1;
    const uint8_t* prev = y > 0 ? raw.data() + (y - 1) * (row_bytes + 1) + 1 : nullptr;
    for (size_t i = 0; i < row_bytes; ++i) {
      const int a = i >= bpp ? cur[i - bpp] : 0;
      const int b = prev ? prev[i] : 0;
      const int c = prev && i >= bpp ? prev[i - bpp] : 0;
      int predictor = 0;
      switch (filter) {
        case 0: break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) / 2; break;
        case 4: {
          const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
          break;
        }
        default: return false;
      }
      cur[i] = static_cast<uint8_t>(cur[i] + predictor);
    }
  }
  auto sample = [&](uint32_t index, int channel) {  // column-major pixel `index`
    const uint32_t x = index / height, y = index % height;
    return raw[y * (row_bytes + 1) + 1 + size_t{x} * bpp + static_cast<size_t>(channel)] & 1;
  };
  for (int mode = 0; mode < 2; ++mode) {
    if (mode == 0 && channels != 4) continue;
    const int bits_per_pixel = mode == 0 ? 1 : 3;
    if (uint64_t{width} * height * bits_per_pixel < kSignatureBits) continue;
    std::string signature;
    int byte = 0;
    for (uint32_t bit = 0; bit < kSignatureBits; ++bit) {
      const uint32_t pixel = bit / bits_per_pixel;
      byte = (byte << 1) | sample(pixel, mode == 0 ? 3 : static_cast<int>(bit % bits_per_pixel));
      if (bit % 8 == 7) {
        signature += static_cast<char>(byte);
        byte = 0;
      }
    }
    if (mode == 0 && (signature == "stealth_pnginfo" || signature == "stealth_pngcomp")) return true;
    if (mode == 1 && (signature == "stealth_rgbinfo" || signature == "stealth_rgbcomp")) return true;
  }
  return false;
}

}  // namespace filigrane::provenance
