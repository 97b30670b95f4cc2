# engine/render: the compositor (CPU reference, fast CPU, Vulkan compute) and the overlay
# rasteriser shared with the studio's preview. FreeType stays private: no public render header
# includes it.
pkg_check_modules(FREETYPE REQUIRED IMPORTED_TARGET freetype2)
target_sources(clinvid_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/overlay_text.cpp
  ${CMAKE_CURRENT_LIST_DIR}/overlay_shape.cpp
  ${CMAKE_CURRENT_LIST_DIR}/overlay_rgba.cpp
  ${CMAKE_CURRENT_LIST_DIR}/parameters.cpp
  ${CMAKE_CURRENT_LIST_DIR}/compositor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/composite_cpu.cpp
  ${CMAKE_CURRENT_LIST_DIR}/composite_fast_cpu.cpp
  ${CMAKE_CURRENT_LIST_DIR}/composite_vulkan.cpp
)
target_link_libraries(clinvid_engine PRIVATE PkgConfig::FREETYPE)
# The export path's row loops are written for the vectoriser.
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/composite_fast_cpu.cpp
  PROPERTIES COMPILE_OPTIONS "-O3")
