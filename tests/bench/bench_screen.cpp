// Benchmark of the screen watermark (issue 3): robustness per distortion over
// ../shared/data/screens, false-payload trials, and speed.
//
// Usage: bench_screen OUT.md [--limit N] [--fp-scale F]
//   --limit N     use only the first N screenshots (quick runs)
//   --fp-scale F  multiply the number of false-positive trials (default 1)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <atomic>
#include <functional>
#include <thread>
#include <random>
#include <string>
#include <vector>

#include "core/codec.h"
#include "core/file_io.h"
#include "core/image.h"
#include "core/resize.h"
#include "core/screenmark/screenmark.h"

using namespace filigrane;
namespace sm = filigrane::screenmark;

namespace {

#ifndef FILIGRANE_SHARED_DIR
#define FILIGRANE_SHARED_DIR "../shared"
#endif

double cpu_ms() { return 1000.0 * double(std::clock()) / CLOCKS_PER_SEC; }

double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

std::vector<std::string> list_png(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 4 && n.substr(n.size() - 4) == ".png") names.push_back(dir + "/" + n);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool load_image(const std::string& path, Image& out) {
  auto bytes = read_file(path);
  if (!bytes.ok()) return false;
  auto dec = decode_image(bytes.value().data(), bytes.value().size());
  if (!dec.ok()) return false;
  out = std::move(dec.value().image);
  return true;
}

Image flatten_on_white(const Image& src) {
  Image out = src;
  uint8_t* p = out.data();
  for (size_t i = 0; i < out.byte_size(); i += 4) {
    uint32_t a = p[i + 3];
    for (int c = 0; c < 3; ++c) p[i + c] = uint8_t((p[i + c] * a + 255 * (255 - a) + 127) / 255);
    p[i + 3] = 255;
  }
  return out;
}

double psnr(const Image& a, const Image& b) {
  double se = 0;
  size_t n = 0;
  for (size_t i = 0; i < a.byte_size(); i += 4)
    for (int c = 0; c < 3; ++c) {
      double d = double(a.data()[i + c]) - b.data()[i + c];
      se += d * d;
      ++n;
    }
  if (se == 0) return 99.0;
  return 10 * std::log10(255.0 * 255.0 / (se / n));
}

Image jpeg(const Image& img, int quality) {
  auto enc = encode_jpeg(img, quality);
  if (!enc.ok()) return img;
  auto dec = decode_image(enc.value().data(), enc.value().size());
  return dec.ok() ? std::move(dec.value().image) : img;
}

Image rescale(const Image& img, double f, ResizeFilter filter = ResizeFilter::kBicubic) {
  uint32_t w = std::max<uint32_t>(1, uint32_t(std::lround(img.width() * f)));
  uint32_t h = std::max<uint32_t>(1, uint32_t(std::lround(img.height() * f)));
  auto r = resize(img, w, h, filter);
  return r.ok() ? std::move(r).value() : img;
}

// The core's crop, cut back to the image where the rectangle runs past it.
Image crop_inside(const Image& img, uint32_t x, uint32_t y, uint32_t w, uint32_t h) {
  return crop(img, x, y, std::min(w, img.width() - x), std::min(h, img.height() - y)).value();
}

Image random_crop(const Image& img, uint32_t side, std::mt19937_64& rng) {
  uint32_t w = std::min(side, img.width()), h = std::min(side, img.height());
  uint32_t x = uint32_t(rng() % (img.width() - w + 1)), y = uint32_t(rng() % (img.height() - h + 1));
  return crop_inside(img, x, y, w, h);
}

// Mild colour change: per-channel gain, gamma and offset.
Image colour_change(const Image& img) {
  Image out = img;
  const double gain[3] = {1.04, 0.97, 1.02}, offset[3] = {-6, 3, 0};
  uint8_t lut[3][256];
  for (int c = 0; c < 3; ++c)
    for (int v = 0; v < 256; ++v) {
      double x = 255.0 * std::pow(v / 255.0, 1.12) * gain[c] + offset[c];
      lut[c][v] = uint8_t(std::clamp(std::lround(x), 0L, 255L));
    }
  for (size_t i = 0; i < out.byte_size(); i += 4)
    for (int c = 0; c < 3; ++c) out.data()[i + c] = lut[c][out.data()[i + c]];
  return out;
}

// Camera-style capture: mild perspective (corners moved up to 2.5%), slight
// blur, sensor noise, JPEG 85.
Image camera(const Image& img, std::mt19937_64& rng) {
  const double w = img.width(), h = img.height();
  std::uniform_real_distribution<double> jit(-0.025, 0.025);
  // Map output unit square corners to jittered source corners (bilinear warp
  // approximates a mild homography well at these magnitudes).
  double cx[4] = {jit(rng) * w, w + jit(rng) * w, jit(rng) * w, w + jit(rng) * w};
  double cy[4] = {jit(rng) * h, jit(rng) * h, h + jit(rng) * h, h + jit(rng) * h};
  uint32_t ow = img.width(), oh = img.height();
  auto out = Image::create(ow, oh, {}, 0xffffffffu).value();
  for (uint32_t y = 0; y < oh; ++y) {
    double v = (y + 0.5) / oh;
    for (uint32_t x = 0; x < ow; ++x) {
      double u = (x + 0.5) / ow;
      double sx = (1 - u) * (1 - v) * cx[0] + u * (1 - v) * cx[1] + (1 - u) * v * cx[2] + u * v * cx[3] - 0.5;
      double sy = (1 - u) * (1 - v) * cy[0] + u * (1 - v) * cy[1] + (1 - u) * v * cy[2] + u * v * cy[3] - 0.5;
      int ix = int(std::floor(sx)), iy = int(std::floor(sy));
      double fx = sx - ix, fy = sy - iy;
      uint8_t* d = out.pixel(x, y);
      for (int c = 0; c < 3; ++c) {
        auto at = [&](int px, int py) {
          px = std::clamp(px, 0, int(img.width()) - 1);
          py = std::clamp(py, 0, int(img.height()) - 1);
          return double(img.pixel(uint32_t(px), uint32_t(py))[c]);
        };
        double val = (1 - fy) * ((1 - fx) * at(ix, iy) + fx * at(ix + 1, iy)) +
                     fy * ((1 - fx) * at(ix, iy + 1) + fx * at(ix + 1, iy + 1));
        d[c] = uint8_t(std::clamp(std::lround(val), 0L, 255L));
      }
    }
  }
  // Blur [1 2 1]/4 separable (sigma ~0.7) and Gaussian noise sigma 2.
  Image blurred = out;
  std::normal_distribution<double> noise(0.0, 2.0);
  for (uint32_t y = 0; y < oh; ++y)
    for (uint32_t x = 0; x < ow; ++x)
      for (int c = 0; c < 3; ++c) {
        double s = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            int px = std::clamp(int(x) + dx, 0, int(ow) - 1), py = std::clamp(int(y) + dy, 0, int(oh) - 1);
            s += (dx == 0 ? 2 : 1) * (dy == 0 ? 2 : 1) * out.pixel(uint32_t(px), uint32_t(py))[c];
          }
        blurred.pixel(x, y)[c] = uint8_t(std::clamp(std::lround(s / 16 + noise(rng)), 0L, 255L));
      }
  return jpeg(blurred, 85);
}

struct Row {
  std::string name;
  bool required;
  std::function<Image(const Image&, std::mt19937_64&)> distort;
  int images = 0, exact = 0, wrong = 0;
  double confidence_sum = 0, psnr_sum = 0, decode_ms = 0;
};

}  // namespace

// Distorts `marked` as `row` says, decodes it and adds the outcome to the row.
void score_row(Row& row, const Image& marked, uint64_t payload, double psnr_db, const std::string& key,
               std::mt19937_64& rng) {
  Image test = row.distort(marked, rng);
  double t0 = now_ms();
  auto rep = sm::decode_screenmark(test, key);
  row.decode_ms += now_ms() - t0;
  row.images++;
  row.psnr_sum += psnr_db;
  if (rep.ok() && rep.value().found) {
    if (rep.value().payload == payload) {
      row.exact++;
      row.confidence_sum += rep.value().confidence;
    } else {
      row.wrong++;
    }
  }
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT.md [--limit N] [--fp-scale F]\n", argv[0]);
    return 2;
  }
#ifdef __GLIBC__
  // Keep freed megapixel buffers in the heap instead of returning them to the
  // kernel: a WebAssembly heap behaves that way, and this VM's page faults
  // would otherwise dominate the per-decode time.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
  std::string out_path = argv[1];
  size_t limit = 100;
  double fp_scale = 1.0;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--limit")) limit = size_t(std::atoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--fp-scale")) fp_scale = std::atof(argv[i + 1]);
  }
  const std::string shared = FILIGRANE_SHARED_DIR;
  std::vector<std::string> screens = list_png(shared + "/data/screens");
  std::vector<std::string> kodak = list_png(shared + "/data/kodak");
  if (screens.empty()) {
    std::fprintf(stderr, "no screenshots under %s/data/screens: nothing to measure\n", shared.c_str());
    return 1;
  }
  if (screens.size() > limit) screens.resize(limit);
  const std::string key = "filigrane-bench-key";
  const double strength = sm::kDefaultStrength;

  std::vector<Row> rows = {
      {"lossless", true, [](const Image& m, std::mt19937_64&) { return m; }},
      {"JPEG q75", true, [](const Image& m, std::mt19937_64&) { return jpeg(m, 75); }},
      {"JPEG q50", true, [](const Image& m, std::mt19937_64&) { return jpeg(m, 50); }},
      {"rescale 0.5", true, [](const Image& m, std::mt19937_64&) { return rescale(m, 0.5); }},
      {"rescale 0.75", true, [](const Image& m, std::mt19937_64&) { return rescale(m, 0.75); }},
      {"rescale 1.5", true, [](const Image& m, std::mt19937_64&) { return rescale(m, 1.5); }},
      {"rescale 2.0", true, [](const Image& m, std::mt19937_64&) { return rescale(m, 2.0); }},
      {"crop 512x512", true, [](const Image& m, std::mt19937_64& r) { return random_crop(m, 512, r); }},
      {"rescale 0.75 + JPEG q60", true, [](const Image& m, std::mt19937_64&) { return jpeg(rescale(m, 0.75), 60); }},
      {"crop 256x256", false, [](const Image& m, std::mt19937_64& r) { return random_crop(m, 256, r); }},
      {"rescale 0.5 bilinear + JPEG q75", false,
       [](const Image& m, std::mt19937_64&) { return jpeg(rescale(m, 0.5, ResizeFilter::kBilinear), 75); }},
      {"colour change (gamma, gains)", false, [](const Image& m, std::mt19937_64&) { return colour_change(m); }},
      {"camera (perspective+blur+noise+JPEG85)", false, [](const Image& m, std::mt19937_64& r) { return camera(m, r); }},
  };

  std::mt19937_64 rng(20240603);
  std::vector<Image> unmarked_set;  // kept for false-positive trials
  std::vector<Image> marked_set;
  double psnr_min = 1e9, psnr_total = 0;
  for (size_t i = 0; i < screens.size(); ++i) {
    Image raw;
    if (!load_image(screens[i], raw)) {
      std::fprintf(stderr, "skip unreadable %s\n", screens[i].c_str());
      continue;
    }
    Image base = flatten_on_white(raw);
    uint64_t payload = rng();
    auto marked_r = sm::apply_screenmark(base, key, payload, strength);
    if (!marked_r.ok()) return 1;
    Image marked = std::move(marked_r).value();
    double p = psnr(base, marked);
    psnr_min = std::min(psnr_min, p);
    psnr_total += p;
    for (Row& row : rows) {
      score_row(row, marked, payload, p, key, rng);
    }
    unmarked_set.push_back(std::move(base));
    marked_set.push_back(std::move(marked));
    std::fprintf(stderr, "\r%zu/%zu screenshots", i + 1, screens.size());
  }
  std::fprintf(stderr, "\n");

  // Photo-only captures (report): the 24 Kodak photos, marked, lossless and JPEG 75.
  std::vector<Row> photo_rows = {
      {"Kodak photos (photo-only content), lossless", false, [](const Image& m, std::mt19937_64&) { return m; }},
      {"Kodak photos (photo-only content), JPEG q75", false, [](const Image& m, std::mt19937_64&) { return jpeg(m, 75); }},
  };
  for (const std::string& path : kodak) {
    Image k;
    if (!load_image(path, k)) continue;
    uint64_t payload = rng();
    Image marked = sm::apply_screenmark(k, key, payload, strength).value();
    double p = psnr(k, marked);
    for (Row& row : photo_rows) {
      score_row(row, marked, payload, p, key, rng);
    }
  }
  for (Row& r : photo_rows) rows.push_back(std::move(r));

  for (const Row& r : rows)  // progress: the robustness rows, before the long false-positive phase
    std::fprintf(stderr, "%-45s %3d images  exact %5.1f%%  wrong %d  conf %.3f\n", r.name.c_str(), r.images,
                 100.0 * r.exact / std::max(1, r.images), r.wrong, r.confidence_sum / std::max(1, r.exact));

  // ------------------------------------------------------------ false payloads
  // Trials are planned up front (deterministic), then run on two threads:
  // the decoder keeps no shared mutable state (FFT plans are thread_local).
  struct FpSet {
    std::string name;
    int trials = 0, found = 0;
    double ms = 0;
  };
  enum class Op { kNone, kJpeg75, kJpeg50, kJpeg60, kHalf, kThreeQuarter, kCrop };
  struct Trial {
    int set;
    const Image* source;
    Op op;
    uint32_t x = 0, y = 0, side = 0;
    std::string key;
  };
  std::vector<FpSet> fp = {{"unmarked captures (lossless, JPEG 75/50, x0.5, x0.75)"},
                           {"random crops of unmarked captures (96..768 px)"},
                           {"Kodak photos (full, JPEG 60, x0.5, crops 128..640 px)"},
                           {"marked captures, wrong keys (full, JPEG 75, crops 128..768 px)"}};
  std::vector<Image> kodak_images;
  for (const std::string& path : kodak) {
    Image k;
    if (load_image(path, k)) kodak_images.push_back(std::move(k));
  }
  std::vector<Trial> plan;
  auto plan_crop = [&](int set, const Image& img, uint32_t lo, uint32_t hi, const std::string& k) {
    uint32_t side = lo + uint32_t(rng() % (hi - lo + 1));
    uint32_t w = std::min(side, img.width()), h = std::min(side, img.height());
    Trial t{set, &img, Op::kCrop, 0, 0, 0, {}};
    t.x = uint32_t(rng() % (img.width() - w + 1));
    t.y = uint32_t(rng() % (img.height() - h + 1));
    t.side = side;
    t.key = k;
    plan.push_back(t);
  };
  const int crops_per_image = int(std::lround(40 * fp_scale));
  for (const Image& u : unmarked_set)
    for (Op op : {Op::kNone, Op::kJpeg75, Op::kJpeg50, Op::kHalf, Op::kThreeQuarter}) plan.push_back({0, &u, op, 0, 0, 0, key});
  for (const Image& u : unmarked_set)
    for (int c = 0; c < crops_per_image; ++c) plan_crop(1, u, 96, 768, key);
  for (const Image& k : kodak_images) {
    for (Op op : {Op::kNone, Op::kJpeg60, Op::kHalf}) plan.push_back({2, &k, op, 0, 0, 0, key});
    for (int c = 0; c < crops_per_image * 2; ++c) plan_crop(2, k, 128, 640, key);
  }
  for (size_t i = 0; i < marked_set.size(); ++i) {
    std::string wrong = key + "#" + std::to_string(i);
    plan.push_back({3, &marked_set[i], Op::kNone, 0, 0, 0, wrong});
    plan.push_back({3, &marked_set[i], Op::kJpeg75, 0, 0, 0, wrong + "j"});
    for (int c = 0; c < crops_per_image; ++c) plan_crop(3, marked_set[i], 128, 768, wrong + "c" + std::to_string(c));
  }
  std::vector<uint8_t> trial_found(plan.size(), 0);
  std::vector<double> trial_ms(plan.size(), 0.0);
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < plan.size(); i = next++) {
      const Trial& t = plan[i];
      Image img;
      switch (t.op) {
        case Op::kNone: img = *t.source; break;
        case Op::kJpeg75: img = jpeg(*t.source, 75); break;
        case Op::kJpeg50: img = jpeg(*t.source, 50); break;
        case Op::kJpeg60: img = jpeg(*t.source, 60); break;
        case Op::kHalf: img = rescale(*t.source, 0.5); break;
        case Op::kThreeQuarter: img = rescale(*t.source, 0.75); break;
        case Op::kCrop: img = crop_inside(*t.source, t.x, t.y, t.side, t.side); break;
      }
      double t0 = now_ms();
      auto rep = sm::decode_screenmark(img, t.key);
      trial_ms[i] = now_ms() - t0;
      trial_found[i] = rep.ok() && rep.value().found;
    }
  };
  double fp_start = now_ms();
  {
#ifdef __EMSCRIPTEN__
    worker();  // this WebAssembly build has no threads
#else
    std::thread helper(worker);
    worker();
    helper.join();
#endif
  }
  const double fp_wall_s = (now_ms() - fp_start) / 1000.0;
  for (size_t i = 0; i < plan.size(); ++i) {
    FpSet& set = fp[plan[i].set];
    set.trials++;
    set.found += trial_found[i];
    set.ms += trial_ms[i];
  }

  // ------------------------------------------------------------ speed
  std::string speed;
  {
    const int reps = 10;
    auto time_it = [&](const std::function<void()>& fn, double& wall, double& cpu) {
      fn();  // warm-up (heap growth, plan caches)
      double w0 = now_ms(), c0 = cpu_ms();
      for (int r = 0; r < reps; ++r) fn();
      wall = (now_ms() - w0) / reps;
      cpu = (cpu_ms() - c0) / reps;
    };
    size_t checksum = 0;
    double ov1_w, ov1_c, ov2_w, ov2_c;
    time_it([&] {
      auto ov = sm::render_overlay(key, 0x0123456789abcdefull, strength, 3840, 2160, 1.0);
      checksum += ov.ok() ? ov.value().rgba[4 * 1000 + 3] : 0;
    }, ov1_w, ov1_c);
    time_it([&] {
      auto ov = sm::render_overlay(key, 0x0123456789abcdefull, strength, 3840, 2160, 2.0);
      checksum += ov.ok() ? ov.value().rgba[4 * 1000 + 3] : 0;
    }, ov2_w, ov2_c);
    // 1920x1080 captures: (a) two screenshots side by side on a 1920x1080
    // canvas, marked at scale 1 (a DPR-1 full-HD screenshot); (b) a marked
    // screenshot rescaled x1.5 and cropped to 1920x1080.
    auto canvas = Image::create(1920, 1080, {}, 0xffffffffu).value();
    for (size_t k = 0; k < std::min<size_t>(2, unmarked_set.size()); ++k) {
      const Image& u = unmarked_set[k];
      uint32_t x0 = uint32_t(k) * 1280, w = std::min<uint32_t>(u.width(), 1920 - x0);
      for (uint32_t y = 0; y < std::min<uint32_t>(1080, u.height()); ++y)
        std::memcpy(canvas.pixel(x0, y), u.row(y), size_t(w) * 4);
    }
    Image capture_1x = sm::apply_screenmark(canvas, key, 42, strength).value();
    Image big = rescale(marked_set.front(), 1.5);
    Image capture_15 = crop_inside(big, 0, 0, 1920, std::min<uint32_t>(1080, big.height()));
    int found_1x = 0, found_15 = 0, found_unmarked = 0;
    double d1_w, d1_c, d15_w, d15_c, du_w, du_c;
    time_it([&] { found_1x += sm::decode_screenmark(capture_1x, key).value().found; }, d1_w, d1_c);
    time_it([&] { found_15 += sm::decode_screenmark(capture_15, key).value().found; }, d15_w, d15_c);
    time_it([&] { found_unmarked += sm::decode_screenmark(canvas, key).value().found; }, du_w, du_c);
    char buf[2048];
    std::snprintf(buf, sizeof buf,
                  "Wall and CPU time per call (mean of %d after one warm-up). The machine is shared "
                  "(2 cores), so wall time can exceed CPU time.\n\n"
                  "| operation | wall ms | CPU ms | note |\n|---|---|---|---|\n"
                  "| overlay 3840x2160, dpr 1 (tile + fill) | %.1f | %.1f | |\n"
                  "| overlay 3840x2160, dpr 2 (tile + fill) | %.1f | %.1f | checksum %zu |\n"
                  "| decode 1920x1080 marked, scale 1 | %.1f | %.1f | found %d/%d |\n"
                  "| decode 1920x1080 marked, x1.5 screenshot crop | %.1f | %.1f | found %d/%d |\n"
                  "| decode 1920x1080 unmarked (worst case: all candidates tried) | %.1f | %.1f | found %d/%d |\n",
                  reps, ov1_w, ov1_c, ov2_w, ov2_c, checksum, d1_w, d1_c, found_1x, reps + 1, d15_w, d15_c,
                  found_15, reps + 1, du_w, du_c, found_unmarked, reps + 1);
    speed = buf;
  }

  // ------------------------------------------------------------ report
  std::string md = "# Screen watermark benchmark\n\n";
  char line[512];
  std::snprintf(line, sizeof line,
                "Key `%s`, strength %.4f (alpha %.2f/255), %zu screenshots composited on white, random 64-bit "
                "payload each. PSNR vs unmarked: mean %.2f dB, min %.2f dB.\n\n",
                key.c_str(), strength, strength * 255, unmarked_set.size(),
                psnr_total / std::max<size_t>(1, unmarked_set.size()), psnr_min);
  md += line;
  md += "| distortion | target | images | exact payload % | wrong payload | mean confidence | mean PSNR dB | mean decode ms |\n";
  md += "|---|---|---|---|---|---|---|---|\n";
  for (const Row& r : rows) {
    std::snprintf(line, sizeof line, "| %s | %s | %d | %.1f | %d | %.3f | %.2f | %.1f |\n", r.name.c_str(),
                  r.required ? ">= 99%" : "report", r.images, 100.0 * r.exact / std::max(1, r.images), r.wrong,
                  r.confidence_sum / std::max(1, r.exact), r.psnr_sum / std::max(1, r.images),
                  r.decode_ms / std::max(1, r.images));
    md += line;
  }
  md += "\n## False payloads (found=true on images without this key's mark)\n\n| trial set | trials | found | mean decode ms |\n|---|---|---|---|\n";
  int total_trials = 0, total_found = 0;
  for (const FpSet& s : fp) {
    std::snprintf(line, sizeof line, "| %s | %d | %d | %.1f |\n", s.name.c_str(), s.trials, s.found,
                  s.ms / std::max(1, s.trials));
    md += line;
    total_trials += s.trials;
    total_found += s.found;
  }
  std::snprintf(line, sizeof line, "| **total** | %d | %d | |\n", total_trials, total_found);
  md += line;
  std::snprintf(line, sizeof line,
                "\nFalse-positive trials ran on 2 threads: %.0f s wall. Bound from the codec: <= 32 * 2^-32 "
                "(7.5e-9) per decoded image.\n",
                fp_wall_s);
  md += line;
#ifdef __EMSCRIPTEN__
  md += "\n## Speed (WebAssembly under Node, single thread, -O3)\n\n" + speed;
#else
  md += "\n## Speed (native, single thread, Release build)\n\n" + speed;
#endif
  std::printf("%s", md.c_str());
  std::vector<uint8_t> bytes(md.begin(), md.end());
  Status st = write_file(out_path, bytes);
  if (!st.ok()) {
    std::fprintf(stderr, "cannot write %s: %s\n", out_path.c_str(), st.message().c_str());
    return 1;
  }
  return 0;
}
