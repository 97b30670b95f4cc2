#version 450
// Compositor: redaction of one plane. CPU reference: redact_plane_reference() in
// engine/render/composite_cpu.cpp (conventions: engine/render/compositor.hpp). Integer
// arithmetic except the ellipse test (float, as the reference).
//
// The host first copies the canvas into scratch A (the "before" snapshot), then dispatches:
//   mode 1 solid:    the colour inside the area and shape;
//   mode 4 row sums: for every row of the area and every block column, the sum of the row's
//                    samples of that block ∩ area (from scratch A), one uint each at
//                    scratch[sums_base]: (y - ay0) * block columns + column index;
//   mode 2 pixelate: each pixel the rounded mean of its block ∩ area, from the row sums
//                    (two passes keep the cost O(block) per sample, not O(block^2));
//   mode 3 blur:     one box pass (horizontal or vertical) from scratch[src_base] to
//                    scratch[dst_base], or, for the last of the six, into the canvas inside
//                    the shape. Reads stay inside the area (edge-clamped).
// One invocation writes one 32-bit word (4 samples).
layout(local_size_x = 16, local_size_y = 4) in;

layout(std430, binding = 0) buffer Canvas { uint canvas[]; };
layout(std430, binding = 3) buffer Scratch { uint scratch[]; };

layout(push_constant) uniform Push {
  uint mode;
  uint plane_off;  // the plane's offset in the canvas layout (scratch copies share it)
  uint stride;
  int ax0, ay0, ax1, ay1;  // area, plane samples
  int rx0, ry0, rx1, ry1;  // region, LUMA pixels (ellipse)
  int gx0, gy0;            // region origin, plane samples (pixelate grid)
  int block;               // pixelate block, plane samples
  int radius;              // blur radius, plane samples
  uint horizontal;
  uint src_base;           // bytes into scratch
  uint dst_base;
  uint to_canvas;
  uint ellipse;
  uint chroma;
  uint value;              // solid colour sample
  uint sums_base;          // bytes into scratch (multiple of 4)
} pc;

uint scratch_byte(uint base, int x, int y) {
  uint o = base + pc.plane_off + uint(y) * pc.stride + uint(x);
  return (scratch[o >> 2] >> ((o & 3u) * 8u)) & 0xffu;
}

bool inside_shape(int x, int y) {
  if (pc.ellipse == 0u) return true;
  int scale = pc.chroma == 1u ? 4 : 2;
  int half_px = pc.chroma == 1u ? 2 : 1;
  precise float ex = float(scale * x + half_px - (pc.rx0 + pc.rx1)) / float(pc.rx1 - pc.rx0);
  precise float ey = float(scale * y + half_px - (pc.ry0 + pc.ry1)) / float(pc.ry1 - pc.ry0);
  precise float d = ex * ex + ey * ey;
  return d <= 1.0;
}

uint redacted(int x, int y) {
  if (pc.mode == 1u) return pc.value;
  if (pc.mode == 2u) {
    int column = (x - pc.gx0) / pc.block;
    int bx0 = pc.gx0 + column * pc.block;
    int by0 = pc.gy0 + (y - pc.gy0) / pc.block * pc.block;
    int xs = max(bx0, pc.ax0), xe = min(bx0 + pc.block, pc.ax1);
    int ys = max(by0, pc.ay0), ye = min(by0 + pc.block, pc.ay1);
    int first = (pc.ax0 - pc.gx0) / pc.block;
    int last = (pc.ax1 - 1 - pc.gx0) / pc.block;
    uint columns = uint(last - first + 1);
    uint sum = 0u;
    for (int yy = ys; yy < ye; ++yy) {
      sum += scratch[pc.sums_base / 4u + uint(yy - pc.ay0) * columns + uint(column - first)];
    }
    uint n = uint((xe - xs) * (ye - ys));
    return (sum + n / 2u) / n;
  }
  uint sum = 0u;
  for (int k = -pc.radius; k <= pc.radius; ++k) {
    int sx = pc.horizontal == 1u ? clamp(x + k, pc.ax0, pc.ax1 - 1) : x;
    int sy = pc.horizontal == 1u ? y : clamp(y + k, pc.ay0, pc.ay1 - 1);
    sum += scratch_byte(pc.src_base, sx, sy);
  }
  uint n = uint(2 * pc.radius + 1);
  return (sum + n / 2u) / n;
}

// Mode 4: one invocation per (block column, row) of the area.
void row_sums() {
  int first = (pc.ax0 - pc.gx0) / pc.block;
  int last = (pc.ax1 - 1 - pc.gx0) / pc.block;
  int column = int(gl_GlobalInvocationID.x) + first;
  int y = int(gl_GlobalInvocationID.y) + pc.ay0;
  if (column > last || y >= pc.ay1) return;
  int bx0 = pc.gx0 + column * pc.block;
  int xs = max(bx0, pc.ax0), xe = min(bx0 + pc.block, pc.ax1);
  uint sum = 0u;
  for (int x = xs; x < xe; ++x) sum += scratch_byte(0u, x, y);
  scratch[pc.sums_base / 4u + uint(y - pc.ay0) * uint(last - first + 1) + uint(column - first)] =
      sum;
}

void main() {
  if (pc.mode == 4u) {
    row_sums();
    return;
  }
  int word = int(gl_GlobalInvocationID.x) + pc.ax0 / 4;
  int y = int(gl_GlobalInvocationID.y) + pc.ay0;
  if (y >= pc.ay1 || word * 4 >= pc.ax1) return;
  bool into_canvas = pc.mode != 3u || pc.to_canvas == 1u;
  uint index = (pc.plane_off + uint(y) * pc.stride) / 4u + uint(word);
  uint scratch_index = (pc.dst_base + pc.plane_off + uint(y) * pc.stride) / 4u + uint(word);
  uint value = into_canvas ? canvas[index] : scratch[scratch_index];
  for (int k = 0; k < 4; ++k) {
    int x = word * 4 + k;
    if (x < pc.ax0 || x >= pc.ax1) continue;
    if (into_canvas && !inside_shape(x, y)) continue;
    uint shift = uint(k) * 8u;
    value = (value & ~(0xffu << shift)) | (redacted(x, y) << shift);
  }
  if (into_canvas) {
    canvas[index] = value;
  } else {
    scratch[scratch_index] = value;
  }
}
