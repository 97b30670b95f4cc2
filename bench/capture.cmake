# Recording: simultaneous 1080p30 cameras with zero drops, and the CPU per frame of a clinvid
# camera branch against a bare gst-launch-style pipeline (same source, x264 settings, muxer).
add_executable(bench_capture ${CMAKE_CURRENT_LIST_DIR}/bench_capture.cpp)
target_link_libraries(bench_capture PRIVATE clinvid::engine PkgConfig::GST)
target_compile_definitions(bench_capture PRIVATE
  CLINVID_GST_PLUGIN_DIR="$<TARGET_FILE_DIR:gstclinvid>")
add_dependencies(bench_capture gstclinvid)
clinvid_warnings(bench_capture)
