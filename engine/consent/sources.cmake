# engine/consent: consent records, purposes, body sites, roles and the consent policy engine.
#
# The default policy's single source of truth is assets/policy/default-policy.json. It is
# embedded into the engine as a raw string literal in a generated header, so the engine
# works with no files installed. configure_file runs at configure time; listing the JSON in
# CMAKE_CONFIGURE_DEPENDS makes any edit to it re-run CMake (and so regenerate the header)
# on the next build.
set(CLINVID_DEFAULT_POLICY_FILE ${PROJECT_SOURCE_DIR}/assets/policy/default-policy.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CLINVID_DEFAULT_POLICY_FILE})
file(READ ${CLINVID_DEFAULT_POLICY_FILE} CLINVID_DEFAULT_POLICY_JSON)
if(CLINVID_DEFAULT_POLICY_JSON MATCHES "\\)clinvid_policy\"")
  message(FATAL_ERROR "default-policy.json contains the raw-string delimiter )clinvid_policy\"")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/default_policy_json.hpp.in
               ${CMAKE_BINARY_DIR}/generated/clinvid/consent/default_policy_json.hpp @ONLY)
unset(CLINVID_DEFAULT_POLICY_JSON)

target_sources(clinvid_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/vocabulary.cpp
  ${CMAKE_CURRENT_LIST_DIR}/date.cpp
  ${CMAKE_CURRENT_LIST_DIR}/body_site.cpp
  ${CMAKE_CURRENT_LIST_DIR}/json_fields.cpp
  ${CMAKE_CURRENT_LIST_DIR}/record.cpp
  ${CMAKE_CURRENT_LIST_DIR}/record_json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/policy_json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/policy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/evaluate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/signature.cpp
)
target_include_directories(clinvid_engine PRIVATE ${CMAKE_BINARY_DIR}/generated)
