# engine/analysis: movement and gait analysis (point tracking, calibration, joint angles, gait
# events and parameters, cycle normalisation, kinematics export, review documents) and the
# synthetic walker the tests and demos use.
# OpenCV (pyramidal Lucas-Kanade from `video`) and Eigen (homography DLT) stay private: no
# public analysis header includes them. imgcodecs/highgui/videoio are deliberately not linked.
find_package(OpenCV REQUIRED COMPONENTS core imgproc video)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
target_sources(clinvid_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/synthetic_walker.cpp
  ${CMAKE_CURRENT_LIST_DIR}/calibration.cpp
  ${CMAKE_CURRENT_LIST_DIR}/measure.cpp
  ${CMAKE_CURRENT_LIST_DIR}/filter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tracking.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gait.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cycle.cpp
  ${CMAKE_CURRENT_LIST_DIR}/export.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plot_svg.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plot_raster.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sync.cpp
  ${CMAKE_CURRENT_LIST_DIR}/review_json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/kinematics.cpp
)
target_include_directories(clinvid_engine SYSTEM PRIVATE ${OpenCV_INCLUDE_DIRS})
target_link_libraries(clinvid_engine PRIVATE opencv_core opencv_imgproc opencv_video
  Eigen3::Eigen)
# Decoded archive recordings as analysis input, and gait films (issue 9).
target_sources(clinvid_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/video_source.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gait_review.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gait_film.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sync_detect.cpp
  ${CMAKE_CURRENT_LIST_DIR}/frame_measurement.cpp
)
