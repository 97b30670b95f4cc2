# Writes a header that wraps glslc's -mfmt=c output (a brace-enclosed word list).
file(WRITE ${OUT}
"// Generated from shaders/${NAME}.comp by glslc at build time. Do not edit.
#pragma once
#include <cstdint>
namespace clinvid::shaders {
inline constexpr std::uint32_t ${NAME}_spv[] =
#include \"${NAME}.spv.inc\"
;
}  // namespace clinvid::shaders
")
