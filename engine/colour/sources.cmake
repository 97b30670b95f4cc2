# engine/colour: colour standardisation (chart detection, transfer curves, fitting, LUTs,
# calibration profiles, CPU reference of shaders/standardise.comp).
# OpenCV (mcc chart detector, homographies, contours) and Eigen (least squares) stay private:
# no public colour header includes them.
find_package(OpenCV REQUIRED COMPONENTS core imgproc calib3d mcc)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
target_sources(clinvid_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/colour_math.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ciede2000.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reference.cpp
  ${CMAKE_CURRENT_LIST_DIR}/linearise.cpp
  ${CMAKE_CURRENT_LIST_DIR}/model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lm.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fit.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chart_sample.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chart_mcc.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chart_grid.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chart_detect.cpp
  ${CMAKE_CURRENT_LIST_DIR}/profile.cpp
  ${CMAKE_CURRENT_LIST_DIR}/calibrate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/standardise_cpu.cpp
  ${CMAKE_CURRENT_LIST_DIR}/standardise_frame_cpu.cpp
  ${CMAKE_CURRENT_LIST_DIR}/standardise_fast_cpu.cpp
  ${CMAKE_CURRENT_LIST_DIR}/standardiser.cpp
  ${CMAKE_CURRENT_LIST_DIR}/matching.cpp
)
target_include_directories(clinvid_engine SYSTEM PRIVATE ${OpenCV_INCLUDE_DIRS})
target_link_libraries(clinvid_engine PRIVATE ${OpenCV_LIBS} Eigen3::Eigen)
# The fast CPU standardiser's row loops are written for the vectoriser; fast-math lets it
# reorder and fuse them (inputs are finite; results stay within kFastCpuMaxLsb, tested).
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/standardise_fast_cpu.cpp
  PROPERTIES COMPILE_OPTIONS "-O3;-ffast-math")
