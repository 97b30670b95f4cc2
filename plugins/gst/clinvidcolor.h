// clinvidcolor: converts NV12, I420 and RGBA frames on the process's Vulkan device with the
// engine's compute shaders (shaders/yuv_to_rgba.comp, shaders/rgba_to_yuv.comp).
//
// Contract:
//  - Sink and src formats are NV12, I420 and RGBA in any combination; width, height and
//    framerate pass through unchanged. Only progressive system-memory frames.
//  - The YUV matrix and range come from the negotiated caps' colorimetry unless the `matrix`
//    or `range` property overrides them; an override applies to both YUV sides.
//  - The Vulkan device is acquired in start() (READY→PAUSED) through
//    clinvid::gpu::Context::shared(); `gpu-device` is NULL until then.
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

GType gst_clinvid_color_matrix_get_type(void);
GType gst_clinvid_color_range_get_type(void);
#define GST_TYPE_CLINVID_COLOR_MATRIX (gst_clinvid_color_matrix_get_type())
#define GST_TYPE_CLINVID_COLOR_RANGE (gst_clinvid_color_range_get_type())

#define GST_TYPE_CLINVID_COLOR (gst_clinvid_color_get_type())
G_DECLARE_FINAL_TYPE(GstClinvidColor, gst_clinvid_color, GST, CLINVID_COLOR, GstVideoFilter)

GST_ELEMENT_REGISTER_DECLARE(clinvidcolor);

G_END_DECLS
