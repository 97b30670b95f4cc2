#version 450
// Compositor: one plane of a video layer, scaled bilinearly into its destination rectangle
// and blended with the layer's opacity. CPU reference: place_plane_reference() in
// engine/render/composite_cpu.cpp (conventions: engine/render/compositor.hpp). The float
// operations are in the same order as the reference and marked precise (no fused multiply-add)
// so results match it except for the last bit of sampling positions.
//
// One invocation writes one 32-bit word (4 samples) of the canvas plane: no two invocations
// share a word. Bytes of the word outside the write rectangle are written back unchanged.
layout(local_size_x = 16, local_size_y = 4) in;

layout(std430, binding = 0) buffer Canvas { uint canvas[]; };
layout(std430, binding = 1) readonly buffer Inputs { uint inputs[]; };

layout(push_constant) uniform Push {
  uint dst_off;     // canvas plane offset, bytes (multiple of 4)
  uint dst_stride;  // bytes (multiple of 4)
  int x0, y0, x1, y1;  // write rectangle in plane samples, [x0, x1) x [y0, y1)
  int dest_x0, dest_y0;  // unclipped destination origin in plane samples
  uint src_off;     // source plane offset in the inputs buffer, bytes
  uint src_stride;
  int src_w, src_h;
  float crop_x, crop_y;  // crop origin, source plane samples
  float step_x, step_y;  // crop size / destination size
  uint alpha;            // 0..255
} pc;

uint src_byte(int x, int y) {
  uint o = pc.src_off + uint(y) * pc.src_stride + uint(x);
  return (inputs[o >> 2] >> ((o & 3u) * 8u)) & 0xffu;
}

void main() {
  int word = int(gl_GlobalInvocationID.x) + pc.x0 / 4;
  int y = int(gl_GlobalInvocationID.y) + pc.y0;
  if (y >= pc.y1 || word * 4 >= pc.x1) return;
  uint index = (pc.dst_off + uint(y) * pc.dst_stride) / 4u + uint(word);
  uint value = canvas[index];

  precise float v = pc.crop_y + (float(y - pc.dest_y0) + 0.5) * pc.step_y - 0.5;
  float fy0 = floor(v);
  precise float fy = v - fy0;
  int j0 = clamp(int(fy0), 0, pc.src_h - 1);
  int j1 = clamp(int(fy0) + 1, 0, pc.src_h - 1);
  for (int k = 0; k < 4; ++k) {
    int x = word * 4 + k;
    if (x < pc.x0 || x >= pc.x1) continue;
    precise float u = pc.crop_x + (float(x - pc.dest_x0) + 0.5) * pc.step_x - 0.5;
    float fx0 = floor(u);
    precise float fx = u - fx0;
    int i0 = clamp(int(fx0), 0, pc.src_w - 1);
    int i1 = clamp(int(fx0) + 1, 0, pc.src_w - 1);
    precise float top = float(src_byte(i0, j0)) * (1.0 - fx) + float(src_byte(i1, j0)) * fx;
    precise float bottom = float(src_byte(i0, j1)) * (1.0 - fx) + float(src_byte(i1, j1)) * fx;
    precise float s = top * (1.0 - fy) + bottom * fy;
    uint sample8 = uint(clamp(floor(s + 0.5), 0.0, 255.0));
    uint shift = uint(k) * 8u;
    uint dst = (value >> shift) & 0xffu;
    uint outv = (dst * (255u - pc.alpha) + sample8 * pc.alpha + 127u) / 255u;
    value = (value & ~(0xffu << shift)) | (outv << shift);
  }
  canvas[index] = value;
}
