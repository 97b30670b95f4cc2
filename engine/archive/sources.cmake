# engine/archive: the SQLite catalogue, keys, audit chain, consent gate, retention and erasure.
# SQLite (Debian's build has FTS5 and JSON1) and libsodium are linked privately: only
# archive/sqlite.hpp names SQLite types, and only by forward declaration.
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3>=3.35)
target_sources(clinvid_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/sqlite.cpp
  ${CMAKE_CURRENT_LIST_DIR}/vault.cpp
  ${CMAKE_CURRENT_LIST_DIR}/schema.cpp
  ${CMAKE_CURRENT_LIST_DIR}/audit.cpp
  ${CMAKE_CURRENT_LIST_DIR}/archive.cpp
  ${CMAKE_CURRENT_LIST_DIR}/patients.cpp
  ${CMAKE_CURRENT_LIST_DIR}/recordings.cpp
  ${CMAKE_CURRENT_LIST_DIR}/search.cpp
  ${CMAKE_CURRENT_LIST_DIR}/retention.cpp
  ${CMAKE_CURRENT_LIST_DIR}/projects.cpp
  ${CMAKE_CURRENT_LIST_DIR}/signatures.cpp
  ${CMAKE_CURRENT_LIST_DIR}/media_files.cpp
  ${CMAKE_CURRENT_LIST_DIR}/demo.cpp
)
target_link_libraries(clinvid_engine PRIVATE PkgConfig::SQLITE3)

# Import of external media (metadata stripping, quality checks): its sources and libraries are
# listed by the import part in import.cmake.
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/import.cmake)
  include(${CMAKE_CURRENT_LIST_DIR}/import.cmake)
endif()
