# engine/media: FFmpeg demuxing of encrypted (age) media without plaintext on disk.
# FFmpeg is linked privately; public headers here only forward-declare its types.
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET libavformat libavcodec libavutil)
target_sources(clinvid_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/age_avio.cpp
  ${CMAKE_CURRENT_LIST_DIR}/probe.cpp
)
target_link_libraries(clinvid_engine PRIVATE PkgConfig::FFMPEG)
