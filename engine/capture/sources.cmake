# engine/capture: sources by URI, device discovery, recording sessions (one GStreamer pipeline,
# one clock, N cameras, encrypted files), manifests, recovery of killed recordings, and
# recording into the archive (consent pre-check, registration, cataloguing).
# GStreamer is linked privately: no public capture header includes it.
target_sources(clinvid_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/test_pattern.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_calibration.cpp
  ${CMAKE_CURRENT_LIST_DIR}/source.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gst_support.cpp
  ${CMAKE_CURRENT_LIST_DIR}/branch.cpp
  ${CMAKE_CURRENT_LIST_DIR}/probes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/manifest.cpp
  ${CMAKE_CURRENT_LIST_DIR}/session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/discovery.cpp
  ${CMAKE_CURRENT_LIST_DIR}/finalise.cpp
  ${CMAKE_CURRENT_LIST_DIR}/archive_session.cpp
)
target_link_libraries(clinvid_engine PRIVATE PkgConfig::GST)
