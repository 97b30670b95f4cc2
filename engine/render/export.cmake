# engine/render, export part: presets, the export pipeline (decode → compose → encode, with
# progress and cancel), the film's sound, and the consent-gated film into the archive.
target_sources(clinvid_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/presets.cpp
  ${CMAKE_CURRENT_LIST_DIR}/frame_scaler.cpp
  ${CMAKE_CURRENT_LIST_DIR}/audio_mix.cpp
  ${CMAKE_CURRENT_LIST_DIR}/export_job.cpp
  ${CMAKE_CURRENT_LIST_DIR}/film.cpp
)
