#version 450
// Dear ImGui vertices in display coordinates; scale/translate map them to clip space.

layout(location = 0) in vec2 in_position;
layout(location = 1) in vec2 in_uv;
layout(location = 2) in vec4 in_colour;

layout(push_constant) uniform PushConstants {
  vec2 scale;
  vec2 translate;
} pc;

layout(location = 0) out vec4 out_colour;
layout(location = 1) out vec2 out_uv;

void main() {
  out_colour = in_colour;
  out_uv = in_uv;
  gl_Position = vec4(in_position * pc.scale + pc.translate, 0.0, 1.0);
}
