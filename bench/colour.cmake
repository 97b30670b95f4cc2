# Colour standardisation: clinvid (Vulkan and fast CPU) against FFmpeg and GStreamer filters.
add_executable(bench_standardise ${CMAKE_CURRENT_LIST_DIR}/bench_standardise.cpp)
target_link_libraries(bench_standardise PRIVATE clinvid::engine)
clinvid_warnings(bench_standardise)
