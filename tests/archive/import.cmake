# engine/archive import: metadata stripping, quality checks and encrypted output, on files
# made at test time with the ffmpeg CLI and OpenCV, checked with ffprobe and the Debian `age`.
find_package(OpenCV REQUIRED COMPONENTS core imgcodecs imgproc)
clinvid_test(NAME test_import_media LABELS archive
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_import_media.cpp
          ${CMAKE_CURRENT_LIST_DIR}/import_fixtures/import_fixtures.cpp
  LIBS ${OpenCV_LIBS} PkgConfig::SODIUM)
target_include_directories(test_import_media SYSTEM PRIVATE ${OpenCV_INCLUDE_DIRS})
