#version 450
// One texture per draw command: the font atlas or a user texture (a camera preview).

layout(set = 0, binding = 0) uniform sampler2D texture_sampler;

layout(location = 0) in vec4 in_colour;
layout(location = 1) in vec2 in_uv;

layout(location = 0) out vec4 out_colour;

void main() {
  out_colour = in_colour * texture(texture_sampler, in_uv);
}
