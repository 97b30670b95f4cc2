// The fast CPU backend of Standardiser: the conventions of standardiser.hpp, row pair by row
// pair, on every core. Per-channel curves are fine tables looked up at the nearest entry
// (linearisation with the white balance folded in, indexed by encoded value; sRGB encode
// indexed by linear light), everything else runs on whole rows in float in restrict-qualified
// kernels that the compiler vectorises, for AVX-512 and AVX2 as well as baseline x86-64
// (target_clones, chosen at load time). Within kFastCpuMaxLsb of standardise_frame_cpu()
// (tested).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

#include "colour/standardise_internal.hpp"

namespace clinvid::colour::detail {
namespace {

constexpr int kLinTableSize = 16384;
constexpr int kEncTableSize = 32768;
constexpr float kEncTableMax = static_cast<float>(kEncTableSize - 1);
constexpr float kLinTableMax = static_cast<float>(kLinTableSize - 1);

struct Tables {
  std::array<std::vector<float>, 3> lin;  // linearise(c, i / 16383) * white_balance[c]
  std::vector<float> encode;              // srgb_encode(i / 32767) * 255
  std::array<float, 18> matrix{};
  std::uint32_t terms = 3;
};

Tables build_tables(const PreparedCorrection& c) {
  Tables t;
  const StandardiseParams& p = c.params;
  for (std::size_t ch = 0; ch < 3; ++ch) {
    auto& l = t.lin[ch];
    l.resize(kLinTableSize);
    for (int i = 0; i < kLinTableSize; ++i) {
      const float v = static_cast<float>(i) / kLinTableMax;
      l[static_cast<std::size_t>(i)] = c.source.linearisation.apply(ch, v) * p.white_balance[ch];
    }
  }
  t.encode.resize(kEncTableSize);
  for (int i = 0; i < kEncTableSize; ++i) {
    t.encode[static_cast<std::size_t>(i)] =
        srgb_encode(static_cast<float>(i) / kEncTableMax) * 255.0F;
  }
  t.matrix = p.matrix;
  t.terms = p.model_terms;
  return t;
}

// Scratch for one row pair, structure of arrays on the 8-bit scale.
struct Rows {
  std::array<std::vector<float>, 2> r, g, b;
  std::array<std::vector<std::uint8_t>, 2> a;
  std::vector<float> cb_row, cr_row, w0, w1, w2;
  std::vector<std::int32_t> index;
  explicit Rows(std::uint32_t width) {
    for (int k = 0; k < 2; ++k) {
      const auto i = static_cast<std::size_t>(k);
      r[i].resize(width);
      g[i].resize(width);
      b[i].resize(width);
      a[i].assign(width, 255);
    }
    const std::size_t cw = (std::size_t{width} + 1) / 2;
    cb_row.resize(cw);
    cr_row.resize(cw);
    w0.resize(width);
    w1.resize(width);
    w2.resize(width);
    index.resize(std::size_t{width} * 3);
  }
};

// Row kernels. Their pointers are __restrict so that the vectoriser need not prove, with more
// run-time overlap checks than it is willing to emit, that the scratch rows do not overlap.

// Horizontal chroma taps (0.25/0.75 towards the nearer neighbour, edges clamped): `cw`
// samples of `c` to `w` (2 cw - 1 or 2 cw) samples of `out`.
inline void upsample_row(const float* __restrict c, float* __restrict out, std::uint32_t cw,
                         std::uint32_t w) noexcept {
  out[0] = c[0];
  if (cw == 1) {
    if (w > 1) out[1] = c[0];
    return;
  }
  out[1] = c[0] * 0.75F + c[1] * 0.25F;
  for (std::uint32_t i = 1; i + 1 < cw; ++i) {
    out[2 * i] = c[i - 1] * 0.25F + c[i] * 0.75F;
    out[2 * i + 1] = c[i] * 0.75F + c[i + 1] * 0.25F;
  }
  const std::uint32_t last = cw - 1;
  out[2 * last] = c[last - 1] * 0.25F + c[last] * 0.75F;
  if (2 * last + 1 < w) out[2 * last + 1] = c[last];
}

// rgb8 = to_rgb * (yuv - offset), clamped to 0..255.
inline void yuv_to_rgb_row(const std::array<float, 9>& m, const std::array<float, 3>& off,
                           const float* __restrict lum, const float* __restrict cb,
                           const float* __restrict cr, float* __restrict r, float* __restrict g,
                           float* __restrict b, std::uint32_t w) noexcept {
  for (std::uint32_t x = 0; x < w; ++x) {
    const float yv = lum[x] - off[0];
    const float u = cb[x] - off[1];
    const float v = cr[x] - off[2];
    r[x] = std::min(std::max(m[0] * yv + m[1] * u + m[2] * v, 0.0F), 255.0F);
    g[x] = std::min(std::max(m[3] * yv + m[4] * u + m[5] * v, 0.0F), 255.0F);
    b[x] = std::min(std::max(m[6] * yv + m[7] * u + m[8] * v, 0.0F), 255.0F);
  }
}

// out[x] = table[idx[x]].
inline void gather_row(const float* __restrict table, const std::int32_t* __restrict idx,
                       float* __restrict out, std::uint32_t n) noexcept {
  for (std::uint32_t x = 0; x < n; ++x) out[x] = table[idx[x]];
}

// idx[x] = the nearest entry for in[x] in a table of table_max + 1 entries over 0..in_max.
inline void index_row(float table_max, float in_max, const float* __restrict in,
                      std::int32_t* __restrict idx, std::uint32_t n) noexcept {
  const float scale = table_max / in_max;
  for (std::uint32_t x = 0; x < n; ++x) {
    idx[x] = static_cast<std::int32_t>(std::min(std::max(in[x] * scale + 0.5F, 0.0F), table_max));
  }
}

// Means of whole 2x2 blocks in the reference's sum order (/ 4 as * 0.25, exact), then rows 1
// and 2 of to_yuv plus the offset: `full` chroma samples.
inline void chroma_row(const std::array<float, 9>& m, float o1, float o2,
                       const float* __restrict r0, const float* __restrict r1,
                       const float* __restrict g0, const float* __restrict g1,
                       const float* __restrict b0, const float* __restrict b1, float* __restrict cb,
                       float* __restrict cr, std::uint32_t full) noexcept {
  for (std::uint32_t cx = 0; cx < full; ++cx) {
    const float mr = (((r0[2 * cx] + r0[2 * cx + 1]) + r1[2 * cx]) + r1[2 * cx + 1]) * 0.25F;
    const float mg = (((g0[2 * cx] + g0[2 * cx + 1]) + g1[2 * cx]) + g1[2 * cx + 1]) * 0.25F;
    const float mb = (((b0[2 * cx] + b0[2 * cx + 1]) + b1[2 * cx]) + b1[2 * cx + 1]) * 0.25F;
    cb[cx] = m[3] * mr + m[4] * mg + m[5] * mb + o1;
    cr[cx] = m[6] * mr + m[7] * mg + m[8] * mb + o2;
  }
}

struct Job {
  const ConstFrameView* src;
  const FrameView* dst;
  const StandardiseSettings* settings;
  const PreparedCorrection* correction;
  const Tables* tables;
  FrameCoefficients k;
};

[[gnu::always_inline]] inline void decode_row(const Job& job, Rows& rows, std::uint32_t y,
                                              std::size_t slot) {
  const ConstFrameView& src = *job.src;
  const std::uint32_t w = src.width;
  const std::uint32_t cw = (w + 1) / 2;
  float* r = rows.r[slot].data();
  float* g = rows.g[slot].data();
  float* b = rows.b[slot].data();
  const std::uint8_t* row = src.planes[0] + y * src.strides[0];
  if (src.format == PixelFormat::rgba || src.format == PixelFormat::bgra) {
    const std::size_t ri = src.format == PixelFormat::bgra ? 2 : 0;
    std::uint8_t* a = rows.a[slot].data();
    for (std::uint32_t x = 0; x < w; ++x) {
      r[x] = static_cast<float>(row[4 * x + ri]);
      g[x] = static_cast<float>(row[4 * x + 1]);
      b[x] = static_cast<float>(row[4 * x + 2 - ri]);
      a[x] = row[4 * x + 3];
    }
    return;
  }
  float* cb = rows.cb_row.data();
  float* cr = rows.cr_row.data();
  const std::uint8_t* luma = row;
  if (src.format == PixelFormat::yuy2) {
    for (std::uint32_t cx = 0; cx < cw; ++cx) {
      cb[cx] = static_cast<float>(row[4 * cx + 1]);
      cr[cx] = static_cast<float>(row[4 * cx + 3]);
    }
  } else {
    const std::uint32_t ch = (src.height + 1) / 2;
    const Taps ty = chroma_taps(y, ch);
    const bool nv12 = src.format == PixelFormat::nv12;
    const std::uint8_t* ua = src.planes[1] + ty.a * src.strides[1];
    const std::uint8_t* ub = src.planes[1] + ty.b * src.strides[1];
    const std::uint8_t* va = nv12 ? ua + 1 : src.planes[2] + ty.a * src.strides[2];
    const std::uint8_t* vb = nv12 ? ub + 1 : src.planes[2] + ty.b * src.strides[2];
    const std::size_t step = nv12 ? 2 : 1;
    for (std::uint32_t cx = 0; cx < cw; ++cx) {
      cb[cx] =
          static_cast<float>(ua[cx * step]) * ty.wa + static_cast<float>(ub[cx * step]) * ty.wb;
      cr[cx] =
          static_cast<float>(va[cx * step]) * ty.wa + static_cast<float>(vb[cx * step]) * ty.wb;
    }
  }
  float* cbu = rows.w0.data();
  float* cru = rows.w1.data();
  upsample_row(cb, cbu, cw, w);
  upsample_row(cr, cru, cw, w);
  const bool packed = src.format == PixelFormat::yuy2;
  float* lum = rows.w2.data();
  if (packed) {
    for (std::uint32_t x = 0; x < w; ++x) lum[x] = static_cast<float>(luma[2 * x]);
  } else {
    for (std::uint32_t x = 0; x < w; ++x) lum[x] = static_cast<float>(luma[x]);
  }
  yuv_to_rgb_row(job.k.decode.to_rgb, job.k.decode.offset, lum, cbu, cru, r, g, b, w);
}

// M * terms(w), clamped, as an index into the encode table; in separate
// channel planes so the compiler vectorises it.
template <int Terms>
[[gnu::always_inline]] inline void model_loop(const float* m, const float* w0, const float* w1,
                                              const float* w2, std::int32_t* idx, std::uint32_t n) {
  std::int32_t* i0 = idx;
  std::int32_t* i1 = idx + n;
  std::int32_t* i2 = idx + 2 * std::size_t{n};
  for (std::uint32_t x = 0; x < n; ++x) {
    const float a0 = w0[x];
    const float a1 = w1[x];
    const float a2 = w2[x];
    float o0 = m[0] * a0 + m[1] * a1 + m[2] * a2;
    float o1 = m[6] * a0 + m[7] * a1 + m[8] * a2;
    float o2 = m[12] * a0 + m[13] * a1 + m[14] * a2;
    if constexpr (Terms == 4) {
      o0 += m[3];
      o1 += m[9];
      o2 += m[15];
    } else if constexpr (Terms == 6) {
      const float t3 = std::sqrt(std::max(a0 * a1, 0.0F));
      const float t4 = std::sqrt(std::max(a1 * a2, 0.0F));
      const float t5 = std::sqrt(std::max(a0 * a2, 0.0F));
      o0 += m[3] * t3 + m[4] * t4 + m[5] * t5;
      o1 += m[9] * t3 + m[10] * t4 + m[11] * t5;
      o2 += m[15] * t3 + m[16] * t4 + m[17] * t5;
    }
    i0[x] = static_cast<std::int32_t>(std::min(std::max(o0, 0.0F), 1.0F) * kEncTableMax + 0.5F);
    i1[x] = static_cast<std::int32_t>(std::min(std::max(o1, 0.0F), 1.0F) * kEncTableMax + 0.5F);
    i2[x] = static_cast<std::int32_t>(std::min(std::max(o2, 0.0F), 1.0F) * kEncTableMax + 0.5F);
  }
}

// The linearisation tables are looked up at the nearest entry: at 1/64 of a code value, fine
// enough that the root-polynomial's square-root terms do not amplify their step past the fast
// path's LSB bound near black.

// The model path on one row: lookups, then the matrix on whole arrays, then the encode.
[[gnu::always_inline]] inline void correct_model_row(const Tables& t, Rows& rows, std::size_t slot,
                                                     std::uint32_t n) {
  float* r = rows.r[slot].data();
  float* g = rows.g[slot].data();
  float* b = rows.b[slot].data();
  float* w0 = rows.w0.data();
  float* w1 = rows.w1.data();
  float* w2 = rows.w2.data();
  std::int32_t* idx = rows.index.data();
  index_row(kLinTableMax, 255.0F, r, idx, n);
  gather_row(t.lin[0].data(), idx, w0, n);
  index_row(kLinTableMax, 255.0F, g, idx, n);
  gather_row(t.lin[1].data(), idx, w1, n);
  index_row(kLinTableMax, 255.0F, b, idx, n);
  gather_row(t.lin[2].data(), idx, w2, n);
  if (t.terms == 6) {
    model_loop<6>(t.matrix.data(), w0, w1, w2, idx, n);
  } else if (t.terms == 4) {
    model_loop<4>(t.matrix.data(), w0, w1, w2, idx, n);
  } else {
    model_loop<3>(t.matrix.data(), w0, w1, w2, idx, n);
  }
  gather_row(t.encode.data(), idx, r, n);
  gather_row(t.encode.data(), idx + n, g, n);
  gather_row(t.encode.data(), idx + 2 * std::size_t{n}, b, n);
}

[[gnu::always_inline]] inline void correct_row(const Job& job, Rows& rows, std::size_t slot,
                                               std::uint32_t n) {
  const StandardiseMode mode = job.settings->mode;
  if (mode == StandardiseMode::passthrough) return;
  if (mode == StandardiseMode::standardise && job.settings->path == CorrectionPath::model) {
    correct_model_row(*job.tables, rows, slot, n);
    return;
  }
  // The LUT path and the difference view: the reference's per-pixel maths.
  float* r = rows.r[slot].data();
  float* g = rows.g[slot].data();
  float* b = rows.b[slot].data();
  for (std::uint32_t x = 0; x < n; ++x) {
    const Rgb o = correct_pixel(mode, job.settings->path, job.correction, {r[x], g[x], b[x]});
    r[x] = o[0];
    g[x] = o[1];
    b[x] = o[2];
  }
}

inline std::uint8_t byte_of(float v) noexcept {
  return static_cast<std::uint8_t>(static_cast<int>(std::min(std::max(v, 0.0F), 255.0F) + 0.5F));
}

[[gnu::always_inline]] inline void encode_rows(const Job& job, Rows& rows, std::uint32_t y0,
                                               std::uint32_t row_count) {
  const FrameView& dst = *job.dst;
  const std::uint32_t w = dst.width;
  const std::uint32_t cw = (w + 1) / 2;
  const auto& k = job.k.encode;
  const auto& m = k.to_yuv;
  auto luma = [&](std::size_t s, std::uint32_t x) {
    return byte_of(m[0] * rows.r[s][x] + m[1] * rows.g[s][x] + m[2] * rows.b[s][x] + k.offset[0]);
  };
  if (dst.format == PixelFormat::rgba || dst.format == PixelFormat::bgra) {
    const std::size_t ri = dst.format == PixelFormat::bgra ? 2 : 0;
    for (std::uint32_t s = 0; s < row_count; ++s) {
      std::uint8_t* row = dst.planes[0] + (y0 + s) * dst.strides[0];
      for (std::uint32_t x = 0; x < w; ++x) {
        row[4 * x + ri] = byte_of(rows.r[s][x]);
        row[4 * x + 1] = byte_of(rows.g[s][x]);
        row[4 * x + 2 - ri] = byte_of(rows.b[s][x]);
        row[4 * x + 3] = rows.a[s][x];
      }
    }
    return;
  }
  // Chroma of the block of `rows_in_block` rows at column pair cx, as the reference sums it.
  auto chroma = [&](std::uint32_t cx, std::uint32_t first, std::uint32_t rows_in_block,
                    std::uint8_t& cb, std::uint8_t& cr) {
    Rgb sum{0.0F, 0.0F, 0.0F};
    float count = 0.0F;
    for (std::uint32_t s = first; s < first + rows_in_block; ++s) {
      for (std::uint32_t x = 2 * cx; x < std::min(2 * cx + 2, w); ++x) {
        sum[0] += rows.r[s][x];
        sum[1] += rows.g[s][x];
        sum[2] += rows.b[s][x];
        count += 1.0F;
      }
    }
    for (auto& v : sum) v /= count;
    cb = byte_of(yuv_row(k, 1, sum));
    cr = byte_of(yuv_row(k, 2, sum));
  };
  if (dst.format == PixelFormat::yuy2) {
    for (std::uint32_t s = 0; s < row_count; ++s) {
      std::uint8_t* row = dst.planes[0] + (y0 + s) * dst.strides[0];
      for (std::uint32_t cx = 0; cx < cw; ++cx) {
        chroma(cx, s, 1, row[4 * cx + 1], row[4 * cx + 3]);
        row[4 * cx] = luma(s, 2 * cx);
        row[4 * cx + 2] = 2 * cx + 1 < w ? luma(s, 2 * cx + 1) : 0;
      }
    }
    return;
  }
  const float l0 = m[0];
  const float l1 = m[1];
  const float l2 = m[2];
  const float lo = k.offset[0];
  for (std::uint32_t s = 0; s < row_count; ++s) {
    std::uint8_t* row = dst.planes[0] + (y0 + s) * dst.strides[0];
    const float* rr = rows.r[s].data();
    const float* gg = rows.g[s].data();
    const float* bb = rows.b[s].data();
    for (std::uint32_t x = 0; x < w; ++x)
      row[x] = byte_of(l0 * rr[x] + l1 * gg[x] + l2 * bb[x] + lo);
  }
  const std::uint32_t cy = y0 / 2;
  const bool nv12 = dst.format == PixelFormat::nv12;
  std::uint32_t first_slow = 0;
  if (row_count == 2) {
    // Whole 2x2 blocks: the reference's sum order, / 4 as * 0.25 (exact).
    const std::uint32_t full = w / 2;
    float* cbf = rows.w0.data();
    float* crf = rows.w1.data();
    chroma_row(m, k.offset[1], k.offset[2], rows.r[0].data(), rows.r[1].data(), rows.g[0].data(),
               rows.g[1].data(), rows.b[0].data(), rows.b[1].data(), cbf, crf, full);
    std::uint8_t* u = dst.planes[1] + cy * dst.strides[1];
    if (nv12) {
      for (std::uint32_t cx = 0; cx < full; ++cx) {
        u[2 * cx] = byte_of(cbf[cx]);
        u[2 * cx + 1] = byte_of(crf[cx]);
      }
    } else {
      std::uint8_t* v = dst.planes[2] + cy * dst.strides[2];
      for (std::uint32_t cx = 0; cx < full; ++cx) {
        u[cx] = byte_of(cbf[cx]);
        v[cx] = byte_of(crf[cx]);
      }
    }
    first_slow = full;
  }
  for (std::uint32_t cx = first_slow; cx < cw; ++cx) {
    std::uint8_t cb = 0;
    std::uint8_t cr = 0;
    chroma(cx, 0, row_count, cb, cr);
    if (nv12) {
      dst.planes[1][cy * dst.strides[1] + 2 * cx] = cb;
      dst.planes[1][cy * dst.strides[1] + 2 * cx + 1] = cr;
    } else {
      dst.planes[1][cy * dst.strides[1] + cx] = cb;
      dst.planes[2][cy * dst.strides[2] + cx] = cr;
    }
  }
}

// Built for AVX-512 and AVX2+FMA as well as baseline x86-64, chosen at load time: the row
// loops above are inlined here and vectorised for each.
[[gnu::target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")]] void run_band(
    const Job& job, std::uint32_t y_begin, std::uint32_t y_end) {
  Rows rows(job.src->width);
  for (std::uint32_t y = y_begin; y < y_end; y += 2) {
    const std::uint32_t count = std::min(2U, y_end - y);
    for (std::uint32_t s = 0; s < count; ++s) {
      decode_row(job, rows, y + s, s);
      correct_row(job, rows, s, job.src->width);
    }
    encode_rows(job, rows, y, count);
  }
}

class FastCpuStandardiser final : public Standardiser {
 public:
  FastCpuStandardiser() : Standardiser(Backend::cpu) {
    threads_ = std::max(1U, std::thread::hardware_concurrency());
  }

 private:
  Status correction_changed() override {
    tables_ = build_tables(*correction_);
    return {};
  }

  Status run(const ConstFrameView& src, const FrameView& dst,
             const StandardiseSettings& settings) override {
    auto k = frame_coefficients(src, dst, settings);
    if (!k) return tl::unexpected(k.error());
    const Job job{&src, &dst, &settings, correction_ ? &*correction_ : nullptr, &tables_, *k};
    // Bands of whole row pairs (a 4:2:0 chroma row belongs to one band), at least 32 rows.
    const std::uint32_t pairs = (src.height + 1) / 2;
    const std::uint32_t bands = std::clamp(pairs / 16U, 1U, threads_);
    std::vector<std::thread> workers;
    workers.reserve(bands - 1);
    auto band_start = [&](std::uint32_t i) {
      return std::min(src.height, 2 * static_cast<std::uint32_t>(std::uint64_t{pairs} * i / bands));
    };
    for (std::uint32_t i = 1; i < bands; ++i) {
      workers.emplace_back(run_band, std::cref(job), band_start(i), band_start(i + 1));
    }
    run_band(job, band_start(0), band_start(1));
    for (auto& t : workers) t.join();
    return {};
  }

  unsigned threads_ = 1;
  Tables tables_;
};

}  // namespace

std::unique_ptr<Standardiser> make_fast_cpu_standardiser() {
  return std::make_unique<FastCpuStandardiser>();
}

}  // namespace clinvid::colour::detail
