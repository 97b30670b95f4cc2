#version 450
// Compositor: blends one colour over a rectangle of one plane (fills, the background, text
// background boxes), or over a coverage mask (text, shapes). CPU reference:
// fill_plane_reference() and mask_plane_reference() in engine/render/composite_cpu.cpp;
// integer arithmetic, so the results are identical.
//
// One invocation writes one 32-bit word (4 samples) of the canvas plane.
layout(local_size_x = 16, local_size_y = 4) in;

layout(std430, binding = 0) buffer Canvas { uint canvas[]; };
layout(std430, binding = 2) readonly buffer Masks { uint masks[]; };

layout(push_constant) uniform Push {
  uint dst_off;
  uint dst_stride;
  int x0, y0, x1, y1;  // rectangle to write, plane samples
  uint value;          // the colour's sample for this plane
  uint alpha;          // 0..255
  uint use_mask;       // 0: plain fill; 1: luma of a mask; 2: chroma of a mask (2x2 mean)
  uint mask_off;       // bytes into the masks buffer
  int mask_x, mask_y;  // canvas (luma) position of the mask's first sample
  int mask_w, mask_h;
} pc;

uint coverage(int x, int y) {
  int mx = x - pc.mask_x;
  int my = y - pc.mask_y;
  if (mx < 0 || my < 0 || mx >= pc.mask_w || my >= pc.mask_h) return 0u;
  uint o = pc.mask_off + uint(my * pc.mask_w + mx);
  return (masks[o >> 2] >> ((o & 3u) * 8u)) & 0xffu;
}

void main() {
  int word = int(gl_GlobalInvocationID.x) + pc.x0 / 4;
  int y = int(gl_GlobalInvocationID.y) + pc.y0;
  if (y >= pc.y1 || word * 4 >= pc.x1) return;
  uint index = (pc.dst_off + uint(y) * pc.dst_stride) / 4u + uint(word);
  uint value = canvas[index];
  for (int k = 0; k < 4; ++k) {
    int x = word * 4 + k;
    if (x < pc.x0 || x >= pc.x1) continue;
    uint a = pc.alpha;
    if (pc.use_mask == 1u) {
      a = (coverage(x, y) * pc.alpha + 127u) / 255u;
    } else if (pc.use_mask == 2u) {
      uint sum = coverage(2 * x, 2 * y) + coverage(2 * x + 1, 2 * y) +
                 coverage(2 * x, 2 * y + 1) + coverage(2 * x + 1, 2 * y + 1);
      a = (((sum + 2u) / 4u) * pc.alpha + 127u) / 255u;
    }
    uint shift = uint(k) * 8u;
    uint dst = (value >> shift) & 0xffu;
    uint outv = (dst * (255u - a) + pc.value * a + 127u) / 255u;
    value = (value & ~(0xffu << shift)) | (outv << shift);
  }
  canvas[index] = value;
}
