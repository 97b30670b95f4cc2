// clinvidchart: watches a live stream for a ColorChecker Classic 24 and, once the chart has
// held still, posts what it measured and a calibration profile fitted to it.
//
// Contract:
//  - In-place passthrough of RGBA, BGRA, NV12 and I420 system-memory frames: buffers leave
//    exactly as they came. Frames are read, never written.
//  - Every `interval`-th frame is copied to RGBA and searched (engine/colour/chart.hpp) on
//    the streaming thread: tens of ms at 720p, so an interval of 5 costs a few ms a frame.
//  - When detections have agreed (corners within 2 px, patch means within 1 code value) for
//    `stable-frames` frames, the element posts one element message "clinvid-chart" (fields
//    below) and, with `profile-location` set, saves the profile there first. The same still
//    chart is reported once; a moved or re-found chart is reported again.
//  - A stable chart whose profile cannot be fitted or saved is an element warning, not an
//    error: the stream goes on.
//
// Message "clinvid-chart":
//   frame (guint64)            the frame number (from 0) of the completing detection
//   confidence (gdouble)       0..1, see ChartDetection::confidence
//   method (gchararray)        "grid" or "mcc"
//   mirrored (gboolean)
//   corners (GstValueArray)    8 gdouble: x, y of the four grid corners in chart order
//   patches (GstValueArray)    72 gdouble: mean R, G, B of each patch, code values 0..255
//   delta-e00-mean, delta-e00-max (gdouble)           of the fit
//   loo-delta-e00-mean, loo-delta-e00-max (gdouble)   leave-one-out validation
//   profile (gchararray)       the profile as JSON (clinvid.calibration/1)
//   profile-location (gchararray)  where it was saved; absent when not saved
#pragma once

#include <gst/gst.h>
#include <gst/video/gstvideofilter.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

// Values of the `model` property.
typedef enum {
  GST_CLINVID_CHART_MODEL_LINEAR3X3 = 0,
  GST_CLINVID_CHART_MODEL_AFFINE = 1,
  GST_CLINVID_CHART_MODEL_ROOTPOLY2 = 2,
} GstClinvidChartModel;

// Values of the `reference` property.
typedef enum {
  GST_CLINVID_CHART_REFERENCE_POST2014 = 0,  // charts made from November 2014
  GST_CLINVID_CHART_REFERENCE_PRE2014 = 1,
} GstClinvidChartReference;

GType gst_clinvid_chart_model_get_type(void);
GType gst_clinvid_chart_reference_get_type(void);
#define GST_TYPE_CLINVID_CHART_MODEL (gst_clinvid_chart_model_get_type())
#define GST_TYPE_CLINVID_CHART_REFERENCE (gst_clinvid_chart_reference_get_type())

#define GST_TYPE_CLINVID_CHART (gst_clinvid_chart_get_type())
G_DECLARE_FINAL_TYPE(GstClinvidChart, gst_clinvid_chart, GST, CLINVID_CHART, GstVideoFilter)

GST_ELEMENT_REGISTER_DECLARE(clinvidchart);

G_END_DECLS
