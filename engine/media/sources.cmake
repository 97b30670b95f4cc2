# engine/media: FFmpeg demuxing of encrypted (age) media without plaintext on disk, the
# still-image codecs (PNG, JPEG), frame-accurate decoding for editing (video via swscale to
# I420, audio via swresample) and H.264/AAC faststart MP4 export into age files.
# FFmpeg is linked privately; public headers here only forward-declare its types.
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET
  libavformat libavcodec libavutil libswscale libswresample)
target_sources(clinvid_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/age_avio.cpp
  ${CMAKE_CURRENT_LIST_DIR}/probe.cpp
  ${CMAKE_CURRENT_LIST_DIR}/image_codec.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stream_open.cpp
  ${CMAKE_CURRENT_LIST_DIR}/frame_cache.cpp
  ${CMAKE_CURRENT_LIST_DIR}/decoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/audio_decoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mp4_output.cpp
  ${CMAKE_CURRENT_LIST_DIR}/encoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ffmpeg_log.cpp
)
target_link_libraries(clinvid_engine PRIVATE PkgConfig::FFMPEG ${CMAKE_DL_LIBS})
