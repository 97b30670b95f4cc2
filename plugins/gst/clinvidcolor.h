// clinvidcolor: standardises the colour of a camera's video with a calibration profile
// (engine/colour/standardiser.hpp), converting NV12, I420, YUY2, RGBA and BGRA on the way,
// on the process's Vulkan device (shaders/standardise.comp) or the engine's CPU path.
//
// Contract:
//  - Sink and src formats are NV12, I420, YUY2, RGBA and BGRA in any combination; width,
//    height and framerate pass through unchanged. Only progressive system-memory frames.
//  - `profile` is read in start() and again on the first frame after it changes; a file
//    that cannot be read or parsed is an element error naming the file and the problem.
//  - `mode=auto` standardises when a profile is set and passes colours through otherwise;
//    standardise/difference without a profile is an element error.
//  - `backend=auto` is decided in one place: clinvid::gst::resolve_backend
//    (color_processor.h).
//  - The YUV matrix and range come from the negotiated caps' colorimetry unless the `matrix`
//    or `range` property overrides them; an override applies to both YUV sides.
//  - The Vulkan device is acquired in start() (READY→PAUSED) through
//    clinvid::gpu::Context::shared() unless backend=cpu; `gpu-device` is NULL until then
//    (and stays NULL with backend=cpu).
//  - Errors become element errors (GST_ELEMENT_ERROR) and a failing flow return; no C++
//    exception leaves the element.
#pragma once

#include <gst/gst.h>
#include <gst/video/gstvideofilter.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

// Values of the `matrix` property.
typedef enum {
  GST_CLINVID_COLOR_MATRIX_AUTO = 0,  // from the caps colorimetry
  GST_CLINVID_COLOR_MATRIX_BT601 = 1,
  GST_CLINVID_COLOR_MATRIX_BT709 = 2,
} GstClinvidColorMatrix;

// Values of the `range` property.
typedef enum {
  GST_CLINVID_COLOR_RANGE_AUTO = 0,     // from the caps colorimetry
  GST_CLINVID_COLOR_RANGE_LIMITED = 1,  // 16..235 luma, 16..240 chroma
  GST_CLINVID_COLOR_RANGE_FULL = 2,     // 0..255
} GstClinvidColorRange;

// Values of the `mode` property.
typedef enum {
  GST_CLINVID_COLOR_MODE_AUTO = 0,  // standardise with a profile, else passthrough
  GST_CLINVID_COLOR_MODE_PASSTHROUGH = 1,
  GST_CLINVID_COLOR_MODE_STANDARDISE = 2,
  GST_CLINVID_COLOR_MODE_DIFFERENCE = 3,
} GstClinvidColorMode;

// Values of the `backend` property.
typedef enum {
  GST_CLINVID_COLOR_BACKEND_AUTO = 0,  // clinvid::gst::resolve_backend decides
  GST_CLINVID_COLOR_BACKEND_GPU = 1,
  GST_CLINVID_COLOR_BACKEND_CPU = 2,
} GstClinvidColorBackend;

// Values of the `correction` property.
typedef enum {
  GST_CLINVID_COLOR_CORRECTION_MODEL = 0,  // the fitted model per pixel
  GST_CLINVID_COLOR_CORRECTION_LUT = 1,    // its 33^3 3D LUT, trilinear
} GstClinvidColorCorrection;

GType gst_clinvid_color_matrix_get_type(void);
GType gst_clinvid_color_range_get_type(void);
#define GST_TYPE_CLINVID_COLOR_MATRIX (gst_clinvid_color_matrix_get_type())
#define GST_TYPE_CLINVID_COLOR_RANGE (gst_clinvid_color_range_get_type())
GType gst_clinvid_color_mode_get_type(void);
GType gst_clinvid_color_backend_get_type(void);
GType gst_clinvid_color_correction_get_type(void);
#define GST_TYPE_CLINVID_COLOR_MODE (gst_clinvid_color_mode_get_type())
#define GST_TYPE_CLINVID_COLOR_BACKEND (gst_clinvid_color_backend_get_type())
#define GST_TYPE_CLINVID_COLOR_CORRECTION (gst_clinvid_color_correction_get_type())

#define GST_TYPE_CLINVID_COLOR (gst_clinvid_color_get_type())
G_DECLARE_FINAL_TYPE(GstClinvidColor, gst_clinvid_color, GST, CLINVID_COLOR, GstVideoFilter)

GST_ELEMENT_REGISTER_DECLARE(clinvidcolor);

G_END_DECLS
