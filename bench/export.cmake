# Film export: a 60 s side-by-side film of two 1080p recordings with a title and captions,
# against the ffmpeg command doing the same work (scale + hstack + drawtext + libx264).
add_executable(bench_export ${CMAKE_CURRENT_LIST_DIR}/bench_export.cpp)
target_link_libraries(bench_export PRIVATE clinvid::engine)
clinvid_warnings(bench_export)
