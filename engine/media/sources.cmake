# engine/media: FFmpeg demuxing of encrypted (age) media without plaintext on disk, and the
# still-image codecs (PNG, JPEG).
# FFmpeg is linked privately; public headers here only forward-declare its types.
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET libavformat libavcodec libavutil libswscale)
target_sources(clinvid_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/age_avio.cpp
  ${CMAKE_CURRENT_LIST_DIR}/probe.cpp
  ${CMAKE_CURRENT_LIST_DIR}/image_codec.cpp
)
target_link_libraries(clinvid_engine PRIVATE PkgConfig::FFMPEG)
