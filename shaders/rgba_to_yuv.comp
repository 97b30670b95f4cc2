#version 450
// RGBA8 -> NV12 / I420 (BT.601 or BT.709, limited or full range), one plane per dispatch.
// CPU reference: engine/gpu/rgba_to_yuv_cpu.cpp. Each invocation writes one 32-bit word of
// the destination plane (4 luma samples, 4 Cb or Cr samples, or 2 Cb/Cr pairs), so plane
// offsets and strides are multiples of 4 (the converter packs them so). Chroma is the mean
// of the 2x2 block's pixels inside the frame; round half up, clamp to 0..255.
layout(local_size_x = 16, local_size_y = 16) in;

layout(std430, binding = 0) readonly buffer Source { uint rgba[]; };
layout(std430, binding = 1) writeonly buffer Destination { uint dst[]; };

layout(push_constant) uniform Params {
  vec4 row0;  // xyz: to_yuv row for Y; w: Y offset
  vec4 row1;  // Cb
  vec4 row2;  // Cr
  uint width;
  uint height;
  uint format;  // 1 = NV12, 2 = I420
  uint plane;   // which destination plane this dispatch writes
  uint offset0;
  uint stride0;
  uint offset1;
  uint stride1;
  uint offset2;
  uint stride2;
  uint rgba_stride;
  uint pad;
} p;

vec3 pixel(uint x, uint y) {
  uint v = rgba[y * (p.rgba_stride >> 2) + x];
  return vec3(float(v & 0xffu), float((v >> 8) & 0xffu), float((v >> 16) & 0xffu));
}

uint to_byte(float v) { return uint(clamp(floor(v + 0.5), 0.0, 255.0)); }

float apply(vec4 row, vec3 rgb) { return row.x * rgb.x + row.y * rgb.y + row.z * rgb.z + row.w; }

vec3 block_mean(uint cx, uint cy) {
  vec3 sum = vec3(0.0);
  float count = 0.0;
  for (uint dy = 0u; dy < 2u; ++dy) {
    for (uint dx = 0u; dx < 2u; ++dx) {
      uint x = cx * 2u + dx;
      uint y = cy * 2u + dy;
      if (x < p.width && y < p.height) {
        sum += pixel(x, y);
        count += 1.0;
      }
    }
  }
  return sum / count;
}

void main() {
  uint word_x = gl_GlobalInvocationID.x;
  uint row = gl_GlobalInvocationID.y;
  uint cw = (p.width + 1u) / 2u;
  uint ch = (p.height + 1u) / 2u;
  uint word = 0u;
  if (p.plane == 0u) {
    if (word_x >= (p.stride0 >> 2) || row >= p.height) return;
    for (uint k = 0u; k < 4u; ++k) {
      uint x = word_x * 4u + k;
      if (x < p.width) word |= to_byte(apply(p.row0, pixel(x, row))) << (8u * k);
    }
    dst[((p.offset0 + row * p.stride0) >> 2) + word_x] = word;
    return;
  }
  uint offset = p.plane == 1u ? p.offset1 : p.offset2;
  uint stride = p.plane == 1u ? p.stride1 : p.stride2;
  if (word_x >= (stride >> 2) || row >= ch) return;
  if (p.format == 1u) {
    for (uint k = 0u; k < 2u; ++k) {
      uint cx = word_x * 2u + k;
      if (cx < cw) {
        vec3 mean = block_mean(cx, row);
        word |= to_byte(apply(p.row1, mean)) << (16u * k);
        word |= to_byte(apply(p.row2, mean)) << (16u * k + 8u);
      }
    }
  } else {
    vec4 coeffs = p.plane == 1u ? p.row1 : p.row2;
    for (uint k = 0u; k < 4u; ++k) {
      uint cx = word_x * 4u + k;
      if (cx < cw) word |= to_byte(apply(coeffs, block_mean(cx, row))) << (8u * k);
    }
  }
  dst[((offset + row * stride) >> 2) + word_x] = word;
}
