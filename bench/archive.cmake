# The catalogued archive: search latency over synthetic catalogues, and import throughput
# (sanitise + encrypt + catalogue) against `age -e` of the same file.
pkg_check_modules(BENCH_ARCHIVE_SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
add_executable(bench_archive ${CMAKE_CURRENT_LIST_DIR}/bench_archive.cpp)
target_link_libraries(bench_archive PRIVATE clinvid::engine PkgConfig::BENCH_ARCHIVE_SQLITE3)
clinvid_warnings(bench_archive)
