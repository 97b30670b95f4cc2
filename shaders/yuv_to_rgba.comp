#version 450
// NV12 / I420 (BT.601 or BT.709, limited or full range) -> RGBA8.
// CPU reference: engine/gpu/yuv_to_rgba_cpu.cpp. Conventions in engine/gpu/yuv.hpp:
// chroma sited at the centre of each 2x2 block, bilinear upsampling with edge clamp,
// float arithmetic, round half up, clamp to 0..255.
layout(local_size_x = 16, local_size_y = 16) in;

layout(std430, binding = 0) readonly buffer Source { uint src[]; };
layout(std430, binding = 1) writeonly buffer Destination { uint dst[]; };

layout(push_constant) uniform Params {
  vec4 row0;  // xyz: first row of to_rgb; w: Y offset
  vec4 row1;  // w: Cb offset
  vec4 row2;  // w: Cr offset
  uint width;
  uint height;
  uint format;  // 1 = NV12, 2 = I420
  uint plane;   // unused here
  uint offset0;  // byte offsets and strides of the source planes
  uint stride0;
  uint offset1;
  uint stride1;
  uint offset2;
  uint stride2;
  uint rgba_stride;  // bytes
  uint pad;
} p;

uint load_byte(uint offset) { return (src[offset >> 2] >> ((offset & 3u) * 8u)) & 0xffu; }

float sample_chroma(uint base, uint stride, uint step, uint xa, uint xb, uint ya, uint yb,
                    float wxa, float wxb, float wya, float wyb) {
  float top = float(load_byte(base + ya * stride + xa * step)) * wxa +
              float(load_byte(base + ya * stride + xb * step)) * wxb;
  float bottom = float(load_byte(base + yb * stride + xa * step)) * wxa +
                 float(load_byte(base + yb * stride + xb * step)) * wxb;
  return top * wya + bottom * wyb;
}

// Neighbouring chroma samples of luma coordinate c, and their weights.
void taps(uint c, uint chroma_size, out uint a, out uint b, out float wa, out float wb) {
  uint half_c = c >> 1;
  if ((c & 1u) == 0u) {
    a = half_c == 0u ? 0u : half_c - 1u;
    b = half_c;
    wa = 0.25;
    wb = 0.75;
  } else {
    a = half_c;
    b = min(half_c + 1u, chroma_size - 1u);
    wa = 0.75;
    wb = 0.25;
  }
}

uint to_byte(float v) { return uint(clamp(floor(v + 0.5), 0.0, 255.0)); }

void main() {
  uint x = gl_GlobalInvocationID.x;
  uint y = gl_GlobalInvocationID.y;
  if (x >= p.width || y >= p.height) return;
  uint cw = (p.width + 1u) / 2u;
  uint ch = (p.height + 1u) / 2u;
  uint xa, xb, ya, yb;
  float wxa, wxb, wya, wyb;
  taps(x, cw, xa, xb, wxa, wxb);
  taps(y, ch, ya, yb, wya, wyb);

  float luma = float(load_byte(p.offset0 + y * p.stride0 + x));
  float cb, cr;
  if (p.format == 1u) {
    cb = sample_chroma(p.offset1, p.stride1, 2u, xa, xb, ya, yb, wxa, wxb, wya, wyb);
    cr = sample_chroma(p.offset1 + 1u, p.stride1, 2u, xa, xb, ya, yb, wxa, wxb, wya, wyb);
  } else {
    cb = sample_chroma(p.offset1, p.stride1, 1u, xa, xb, ya, yb, wxa, wxb, wya, wyb);
    cr = sample_chroma(p.offset2, p.stride2, 1u, xa, xb, ya, yb, wxa, wxb, wya, wyb);
  }
  vec3 yuv = vec3(luma - p.row0.w, cb - p.row1.w, cr - p.row2.w);
  float r = p.row0.x * yuv.x + p.row0.y * yuv.y + p.row0.z * yuv.z;
  float g = p.row1.x * yuv.x + p.row1.y * yuv.y + p.row1.z * yuv.z;
  float b = p.row2.x * yuv.x + p.row2.y * yuv.y + p.row2.z * yuv.z;
  dst[y * (p.rgba_stride >> 2) + x] =
      to_byte(r) | (to_byte(g) << 8) | (to_byte(b) << 16) | (255u << 24);
}
