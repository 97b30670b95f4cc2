# Media: frame_at seek latency over an age-encrypted 1080p30 recording (cache off/on), and
# export (decode + libx264/AAC + faststart MP4 into age) against the ffmpeg CLI.
add_executable(bench_media ${CMAKE_CURRENT_LIST_DIR}/bench_media.cpp)
target_link_libraries(bench_media PRIVATE clinvid::engine)
clinvid_warnings(bench_media)
