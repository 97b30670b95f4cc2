# engine/archive import: sanitising media brought in from outside (EXIF/XMP/IPTC, PNG text
# chunks, container and stream tags) and quality checks, written straight into age files.
# FFmpeg remuxes, samples frames and (media/image_codec) decodes images; OpenCV measures blur
# and exposure (core and imgproc only: its imgcodecs would cost every process 0.12 s to load).
# All of them stay private: engine/archive/import_media.hpp includes none of them.
find_package(OpenCV REQUIRED COMPONENTS core imgproc)
pkg_check_modules(IMPORT_FFMPEG REQUIRED IMPORTED_TARGET libavformat libavcodec libavutil
                  libswscale)
target_sources(clinvid_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/import_media.cpp
  ${CMAKE_CURRENT_LIST_DIR}/import_jpeg.cpp
  ${CMAKE_CURRENT_LIST_DIR}/import_png.cpp
  ${CMAKE_CURRENT_LIST_DIR}/import_exif.cpp
  ${CMAKE_CURRENT_LIST_DIR}/import_demux.cpp
  ${CMAKE_CURRENT_LIST_DIR}/import_av.cpp
  ${CMAKE_CURRENT_LIST_DIR}/import_sample.cpp
  ${CMAKE_CURRENT_LIST_DIR}/quality.cpp
)
target_include_directories(clinvid_engine SYSTEM PRIVATE ${OpenCV_INCLUDE_DIRS})
target_link_libraries(clinvid_engine PRIVATE ${OpenCV_LIBS} PkgConfig::IMPORT_FFMPEG
                      PkgConfig::SODIUM)
