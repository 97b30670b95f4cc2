# clinvid_add_shaders(TARGET name SOURCES a.comp b.comp ...)
#
# Compiles each GLSL compute shader to SPIR-V with glslc at build time and embeds it in a
# generated header <clinvid/shaders/NAME.spv.hpp> that defines
#   inline constexpr uint32_t NAME_spv[] = {...};
# No .spv file is ever checked in. The header target is an INTERFACE library carrying the
# include directory.
function(clinvid_add_shaders)
  cmake_parse_arguments(ARG "" "TARGET" "SOURCES" ${ARGN})
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/include/clinvid/shaders)
  file(MAKE_DIRECTORY ${out_dir})
  set(headers)
  foreach(src ${ARG_SOURCES})
    get_filename_component(name ${src} NAME_WE)
    get_filename_component(abs ${src} ABSOLUTE)
    set(inc ${out_dir}/${name}.spv.inc)
    set(hpp ${out_dir}/${name}.spv.hpp)
    add_custom_command(
      OUTPUT ${inc} ${hpp}
      COMMAND ${GLSLC} --target-env=vulkan1.1 -O -Werror -mfmt=c -o ${inc} ${abs}
      COMMAND ${CMAKE_COMMAND} -DNAME=${name} -DOUT=${hpp}
              -P ${PROJECT_SOURCE_DIR}/cmake/EmbedSpirv.cmake
      DEPENDS ${abs} ${PROJECT_SOURCE_DIR}/cmake/EmbedSpirv.cmake
      COMMENT "glslc ${name}.comp"
      VERBATIM)
    list(APPEND headers ${hpp})
  endforeach()
  add_custom_target(${ARG_TARGET}_spirv DEPENDS ${headers})
  add_library(${ARG_TARGET} INTERFACE)
  add_dependencies(${ARG_TARGET} ${ARG_TARGET}_spirv)
  target_include_directories(${ARG_TARGET} INTERFACE ${CMAKE_CURRENT_BINARY_DIR}/include)
endfunction()
