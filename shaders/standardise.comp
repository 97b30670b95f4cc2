#version 450
#extension GL_EXT_control_flow_attributes : require
// Colour standardisation of a whole frame in one dispatch: decode (NV12, I420, YUY2, RGBA,
// BGRA) -> linearise -> white balance -> model or 3D LUT (or nothing, or the difference
// view's false colour) -> encode (any of the same formats). Conventions: see
// engine/colour/standardiser.hpp; CPU reference: engine/colour/standardise_frame_cpu.cpp
// (pixel maths: engine/colour/standardise_cpu.cpp). Keep the float operations in the same
// order on both sides.
//
// One invocation handles an 8x2 pixel block: every plane's words for it are whole 32-bit
// words (2 luma words per row, 1-2 chroma words), so no two invocations share a word, and
// the chroma neighbourhood of a 4:2:0/4:2:2 input is loaded once for the 16 pixels. Plane
// offsets and strides are multiples of 4 (the host packs them so).
layout(local_size_x = 8, local_size_y = 8) in;

layout(std430, binding = 0) readonly buffer Source { uint src[]; };
layout(std430, binding = 1) writeonly buffer Destination { uint dst[]; };
// Mirrors GpuParams in engine/colour/standardiser.cpp (StandardiseParams first).
layout(std430, binding = 2) readonly buffer Params {
  uint lin_kind;  // LinearisationKind
  uint curve;     // TransferCurve
  uint model_kind;
  uint model_terms;
  float lin[15];  // [channel * 5 + k]
  float wb[3];
  float mat[18];  // [row * 6 + term]
  float dec[12];  // decode rows: to_rgb row r (3), offset r
  float enc[12];  // encode rows: to_yuv row r (3), offset r
  float lab[12];  // linear sRGB -> XYZ / white, rows of 3 (9 used)
  uint width;
  uint height;
  uint in_format;   // 1 NV12, 2 I420, 3 YUY2, 4 RGBA, 5 BGRA
  uint out_format;  // same codes
  uint mode;        // 1 passthrough, 2 standardise, 3 difference
  uint path;        // 1 model, 2 LUT
  uint lut_size;
  uint pad0;
  uint in_off[4];
  uint in_stride[4];
  uint out_off[4];
  uint out_stride[4];
  float lut[];  // ((b * size + g) * size + r) * 3 + c
} p;

uint load_byte(uint offset) { return (src[offset >> 2] >> ((offset & 3u) * 8u)) & 0xffu; }
uint to_byte(float v) { return uint(clamp(floor(v + 0.5), 0.0, 255.0)); }
float copysign_of(float r, float v) { return v < 0.0 ? -r : r; }

float srgb_decode(float v) {
  float a = abs(v);
  float r = a <= 0.04045 ? a / 12.92 : pow((a + 0.055) / 1.055, 2.4);
  return copysign_of(r, v);
}
float srgb_encode(float l) {
  float a = abs(l);
  float r = a <= 0.0031308 ? a * 12.92 : 1.055 * pow(a, 1.0 / 2.4) - 0.055;
  return copysign_of(r, l);
}
float decode_curve(float v) {
  float a = abs(v);
  if (p.curve == 2u) return srgb_decode(v);
  if (p.curve == 3u) {
    float r = a < 0.081 ? a / 4.5 : pow((a + 0.099) / 1.099, 1.0 / 0.45);
    return copysign_of(r, v);
  }
  if (p.curve == 4u) return copysign_of(pow(a, 2.4), v);
  return v;
}

float linearise(uint c, float v) {
  uint b = c * 5u;
  if (p.lin_kind == 2u) {
    float u = v - p.lin[b + 4u];
    return u > 0.0 ? pow(u, p.lin[b]) : 0.0;
  }
  if (p.lin_kind == 3u) {
    float u = v - p.lin[b + 4u];
    if (!(u > 0.0)) return 0.0;
    float x = log(u);
    float k0 = p.lin[b];
    float k1 = p.lin[b + 1u];
    float k2 = p.lin[b + 2u];
    float k3 = p.lin[b + 3u];
    float xc = max(x, k3);
    float y = xc * (k0 + xc * (k1 + xc * k2));
    float slope = k0 + k3 * (2.0 * k1 + k3 * 3.0 * k2);
    return exp(x < k3 ? y + slope * (x - k3) : y);
  }
  if (p.lin_kind == 4u) return max(exp(p.lin[b] * v) - p.lin[b + 1u], 0.0);
  return decode_curve(v);
}

vec3 standardise_model(vec3 e) {
  float w[3];
  [[unroll]] for (uint c = 0u; c < 3u; ++c) w[c] = linearise(c, e[c]) * p.wb[c];
  float t[6] = float[6](w[0], w[1], w[2], 0.0, 0.0, 0.0);
  if (p.model_terms == 4u) {
    t[3] = 1.0;
  } else if (p.model_terms == 6u) {
    t[3] = sqrt(max(w[0] * w[1], 0.0));
    t[4] = sqrt(max(w[1] * w[2], 0.0));
    t[5] = sqrt(max(w[0] * w[2], 0.0));
  }
  vec3 o;
  [[unroll]] for (uint r = 0u; r < 3u; ++r) {
    float acc = 0.0;
    [[unroll]] for (uint k = 0u; k < 6u; ++k) acc += p.mat[r * 6u + k] * t[k];
    o[r] = srgb_encode(clamp(acc, 0.0, 1.0));
  }
  return o;
}

float lut_at(uint r, uint g, uint b, uint c) {
  return p.lut[((b * p.lut_size + g) * p.lut_size + r) * 3u + c];
}

vec3 lut_lookup(vec3 e) {
  float scale = float(p.lut_size - 1u);
  uint i0[3];
  float f[3];
  [[unroll]] for (uint c = 0u; c < 3u; ++c) {
    float x = clamp(e[c], 0.0, 1.0) * scale;
    float fl = min(floor(x), scale - 1.0);
    i0[c] = uint(fl);
    f[c] = x - fl;
  }
  uint r = i0[0], g = i0[1], b = i0[2];
  vec3 o;
  [[unroll]] for (uint c = 0u; c < 3u; ++c) {
    float c00 = lut_at(r, g, b, c) * (1.0 - f[0]) + lut_at(r + 1u, g, b, c) * f[0];
    float c10 = lut_at(r, g + 1u, b, c) * (1.0 - f[0]) + lut_at(r + 1u, g + 1u, b, c) * f[0];
    float c01 = lut_at(r, g, b + 1u, c) * (1.0 - f[0]) + lut_at(r + 1u, g, b + 1u, c) * f[0];
    float c11 =
        lut_at(r, g + 1u, b + 1u, c) * (1.0 - f[0]) + lut_at(r + 1u, g + 1u, b + 1u, c) * f[0];
    float c0 = c00 * (1.0 - f[1]) + c10 * f[1];
    float c1 = c01 * (1.0 - f[1]) + c11 * f[1];
    o[c] = c0 * (1.0 - f[2]) + c1 * f[2];
  }
  return o;
}

vec3 lab_of(vec3 e) {
  vec3 l = vec3(srgb_decode(e.x), srgb_decode(e.y), srgb_decode(e.z));
  vec3 f;
  [[unroll]] for (uint r = 0u; r < 3u; ++r) {
    float t = p.lab[3u * r] * l.x + p.lab[3u * r + 1u] * l.y + p.lab[3u * r + 2u] * l.z;
    f[r] = t > 0.008856452 ? pow(t, 1.0 / 3.0) : t * 7.787037 + 0.13793103;
  }
  return vec3(116.0 * f.y - 16.0, 500.0 * (f.x - f.y), 200.0 * (f.y - f.z));
}

vec3 false_colour(float delta_e) {
  const vec3 stops[5] = vec3[5](vec3(0.0, 0.0, 1.0), vec3(0.0, 1.0, 1.0), vec3(0.0, 1.0, 0.0),
                                vec3(1.0, 1.0, 0.0), vec3(1.0, 0.0, 0.0));
  float t = clamp(delta_e / 20.0, 0.0, 1.0);  // kDifferenceFullScaleDeltaE
  float s = t * 4.0;
  float i = min(floor(s), 3.0);
  float f = s - i;
  vec3 lo = stops[uint(i)];
  vec3 hi = stops[uint(i) + 1u];
  return vec3((lo.x * (1.0 - f) + hi.x * f) * 255.0, (lo.y * (1.0 - f) + hi.y * f) * 255.0,
              (lo.z * (1.0 - f) + hi.z * f) * 255.0);
}

vec3 correct(vec3 rgb8) {
  if (p.mode == 1u) return rgb8;
  vec3 v = vec3(rgb8.x / 255.0, rgb8.y / 255.0, rgb8.z / 255.0);
  vec3 o = p.path == 2u ? lut_lookup(v) : standardise_model(v);
  if (p.mode == 3u) {
    vec3 la = lab_of(v);
    vec3 lb = lab_of(o);
    float dl = la.x - lb.x;
    float da = la.y - lb.y;
    float db = la.z - lb.z;
    return false_colour(sqrt(dl * dl + da * da + db * db));
  }
  return vec3(o.x * 255.0, o.y * 255.0, o.z * 255.0);
}

vec3 yuv_to_rgb8(float luma, float cb, float cr) {
  float v0 = luma - p.dec[3];
  float v1 = cb - p.dec[7];
  float v2 = cr - p.dec[11];
  return vec3(clamp(p.dec[0] * v0 + p.dec[1] * v1 + p.dec[2] * v2, 0.0, 255.0),
              clamp(p.dec[4] * v0 + p.dec[5] * v1 + p.dec[6] * v2, 0.0, 255.0),
              clamp(p.dec[8] * v0 + p.dec[9] * v1 + p.dec[10] * v2, 0.0, 255.0));
}

uint yuv_byte(uint row, vec3 rgb) {
  uint b = row * 4u;
  return to_byte(p.enc[b] * rgb.x + p.enc[b + 1u] * rgb.y + p.enc[b + 2u] * rgb.z + p.enc[b + 3u]);
}

vec3 rgb[16];
uint alpha[16];

// Mean of the block q (2 wide, `rows` tall from block row r0) of the pixels inside the frame.
vec3 block_mean(uint q, uint rows, uint r0, uint x0, uint y0) {
  vec3 sum = vec3(0.0);
  float count = 0.0;
  [[unroll]] for (uint dy = 0u; dy < rows; ++dy) {
    [[unroll]] for (uint dx = 0u; dx < 2u; ++dx) {
      uint k = q * 2u + dx;
      if (x0 + k < p.width && y0 + r0 + dy < p.height) {
        sum += rgb[(r0 + dy) * 8u + k];
        count += 1.0;
      }
    }
  }
  return sum / count;
}

void main() {
  uint bx = gl_GlobalInvocationID.x;
  uint by = gl_GlobalInvocationID.y;
  uint x0 = bx * 8u;
  uint y0 = by * 2u;
  if (x0 >= p.width || y0 >= p.height) return;
  int cw = int((p.width + 1u) / 2u);
  int ch = int((p.height + 1u) / 2u);
  uint fmt = p.in_format;

  // The chroma neighbourhood: columns cx0-1 .. cx0+4 (edge-clamped), and for 4:2:0 chroma
  // rows by-1 .. by+1, for YUY2 the block's two pixel rows (whole macropixel words).
  uint cwords[18];
  if (fmt <= 3u) {
    for (int r = 0; r < 3; ++r) {
      int cy = fmt == 3u ? min(int(y0) + r, int(p.height) - 1) : clamp(int(by) + r - 1, 0, ch - 1);
      if (fmt == 3u && r == 2) break;
      for (int j = 0; j < 6; ++j) {
        uint cx = uint(clamp(int(bx) * 4 + j - 1, 0, cw - 1));
        uint v;
        if (fmt == 1u) {
          uint o = p.in_off[1] + uint(cy) * p.in_stride[1] + cx * 2u;
          v = load_byte(o) | (load_byte(o + 1u) << 8);
        } else if (fmt == 2u) {
          v = load_byte(p.in_off[1] + uint(cy) * p.in_stride[1] + cx) |
              (load_byte(p.in_off[2] + uint(cy) * p.in_stride[2] + cx) << 8);
        } else {
          v = src[(p.in_off[0] + uint(cy) * p.in_stride[0]) / 4u + cx];
        }
        cwords[r * 6 + j] = v;
      }
    }
  }

  for (uint r = 0u; r < 2u; ++r) {
    uint y = y0 + r;
    uint row_word = (p.in_off[0] + y * p.in_stride[0]) / 4u;
    uint lword = 0u;
    for (uint k = 0u; k < 8u; ++k) {
      uint i = r * 8u + k;
      uint x = x0 + k;
      rgb[i] = vec3(0.0);
      alpha[i] = 255u;
      if (x >= p.width || y >= p.height) continue;
      uint ja = (k & 1u) == 0u ? (k >> 1) : (k >> 1) + 1u;
      uint jb = ja + 1u;
      float wa = (k & 1u) == 0u ? 0.25 : 0.75;
      float wb = (k & 1u) == 0u ? 0.75 : 0.25;
      vec3 c;
      if (fmt <= 2u) {
        if ((k & 3u) == 0u) lword = src[row_word + bx * 2u + (k >> 2)];
        float luma = float((lword >> ((k & 3u) * 8u)) & 0xffu);
        uint ra = r == 0u ? 0u : 1u;
        uint rb = ra + 1u;
        float wya = r == 0u ? 0.25 : 0.75;
        float wyb = r == 0u ? 0.75 : 0.25;
        float cbs[2];
        for (uint s = 0u; s < 2u; ++s) {
          uint sh = s * 8u;
          float top = float((cwords[ra * 6u + ja] >> sh) & 0xffu) * wa +
                      float((cwords[ra * 6u + jb] >> sh) & 0xffu) * wb;
          float bottom = float((cwords[rb * 6u + ja] >> sh) & 0xffu) * wa +
                         float((cwords[rb * 6u + jb] >> sh) & 0xffu) * wb;
          cbs[s] = top * wya + bottom * wyb;
        }
        c = yuv_to_rgb8(luma, cbs[0], cbs[1]);
      } else if (fmt == 3u) {
        uint own = cwords[r * 6u + (k >> 1) + 1u];
        float luma = float((own >> ((k & 1u) * 16u)) & 0xffu);
        uint a = cwords[r * 6u + ja];
        uint b = cwords[r * 6u + jb];
        float cb = float((a >> 8) & 0xffu) * wa + float((b >> 8) & 0xffu) * wb;
        float cr = float(a >> 24) * wa + float(b >> 24) * wb;
        c = yuv_to_rgb8(luma, cb, cr);
      } else {
        uint v = src[row_word + x];
        vec3 t = vec3(float(v & 0xffu), float((v >> 8) & 0xffu), float((v >> 16) & 0xffu));
        c = fmt == 5u ? t.zyx : t;
        alpha[i] = v >> 24;
      }
      rgb[i] = correct(c);
    }
  }

  uint of = p.out_format;
  if (of >= 4u) {
    for (uint r = 0u; r < 2u; ++r) {
      uint y = y0 + r;
      if (y >= p.height) break;
      uint base = (p.out_off[0] + y * p.out_stride[0]) / 4u;
      for (uint k = 0u; k < 8u; ++k) {
        uint x = x0 + k;
        if (x >= p.width) break;
        vec3 c = rgb[r * 8u + k];
        uint lo = to_byte(of == 5u ? c.z : c.x);
        uint hi = to_byte(of == 5u ? c.x : c.z);
        dst[base + x] = lo | (to_byte(c.y) << 8) | (hi << 16) | (alpha[r * 8u + k] << 24);
      }
    }
    return;
  }
  if (of == 3u) {
    for (uint r = 0u; r < 2u; ++r) {
      uint y = y0 + r;
      if (y >= p.height) break;
      uint base = (p.out_off[0] + y * p.out_stride[0]) / 4u;
      for (uint q = 0u; q < 4u; ++q) {
        uint x = x0 + 2u * q;
        if (x >= p.width) break;
        vec3 mean = block_mean(q, 1u, r, x0, y0);
        uint y1 = x + 1u < p.width ? yuv_byte(0u, rgb[r * 8u + 2u * q + 1u]) : 0u;
        dst[base + bx * 4u + q] = yuv_byte(0u, rgb[r * 8u + 2u * q]) |
                                  (yuv_byte(1u, mean) << 8) | (y1 << 16) |
                                  (yuv_byte(2u, mean) << 24);
      }
    }
    return;
  }
  // NV12 / I420: two luma words per row, then the chroma of the four 2x2 blocks.
  for (uint r = 0u; r < 2u; ++r) {
    uint y = y0 + r;
    if (y >= p.height) break;
    uint base = (p.out_off[0] + y * p.out_stride[0]) / 4u;
    for (uint w = 0u; w < 2u; ++w) {
      if (bx * 2u + w >= p.out_stride[0] / 4u) break;
      uint word = 0u;
      for (uint q = 0u; q < 4u; ++q) {
        uint k = w * 4u + q;
        if (x0 + k < p.width) word |= yuv_byte(0u, rgb[r * 8u + k]) << (8u * q);
      }
      dst[base + bx * 2u + w] = word;
    }
  }
  uint cb_word = 0u;
  uint cr_word = 0u;
  uint pair_words[2] = uint[2](0u, 0u);
  for (uint q = 0u; q < 4u; ++q) {
    if (bx * 4u + q >= uint(cw)) break;
    vec3 mean = block_mean(q, 2u, 0u, x0, y0);
    uint cb = yuv_byte(1u, mean);
    uint cr = yuv_byte(2u, mean);
    cb_word |= cb << (8u * q);
    cr_word |= cr << (8u * q);
    pair_words[q >> 1] |= (cb | (cr << 8)) << (16u * (q & 1u));
  }
  if (of == 1u) {
    uint base = (p.out_off[1] + by * p.out_stride[1]) / 4u;
    for (uint w = 0u; w < 2u; ++w) {
      if (bx * 2u + w < p.out_stride[1] / 4u) dst[base + bx * 2u + w] = pair_words[w];
    }
  } else {
    if (bx < p.out_stride[1] / 4u) dst[(p.out_off[1] + by * p.out_stride[1]) / 4u + bx] = cb_word;
    if (bx < p.out_stride[2] / 4u) dst[(p.out_off[2] + by * p.out_stride[2]) / 4u + bx] = cr_word;
  }
}
