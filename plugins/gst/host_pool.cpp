#include "host_pool.h"
#include "register_type.h"

#include <exception>
#include <new>
#include <utility>

#include <gst/video/gstvideometa.h>
#include <gst/video/gstvideopool.h>
#include <gst/video/video.h>

#include "gpu/host_frame.hpp"

GST_DEBUG_CATEGORY_STATIC(clinvid_host_pool_debug);
#define GST_CAT_DEFAULT clinvid_host_pool_debug

namespace clinvid::gst {
namespace {

struct PoolState {
  std::shared_ptr<gpu::Context> context;
  GstVideoInfo info{};
  bool video_meta = false;
};

struct HostFramePool {
  GstBufferPool parent;
  PoolState* state;  // owned; GObject never runs constructors
};

struct HostFramePoolClass {
  GstBufferPoolClass parent_class;
};

gpointer parent_class = nullptr;

HostFramePool* as_pool(gpointer p) {
  return static_cast<HostFramePool*>(p);
}

const gchar** get_options(GstBufferPool* /*pool*/) {
  static const gchar* options[] = {GST_BUFFER_POOL_OPTION_VIDEO_META, nullptr};
  return options;
}

gboolean set_config(GstBufferPool* pool, GstStructure* config) {
  GstCaps* caps = nullptr;
  guint size = 0;
  guint min = 0;
  guint max = 0;
  if (gst_buffer_pool_config_get_params(config, &caps, &size, &min, &max) == FALSE ||
      caps == nullptr) {
    GST_WARNING_OBJECT(pool, "no caps in the configuration");
    return FALSE;
  }
  GstVideoInfo info;
  if (gst_video_info_from_caps(&info, caps) == FALSE) {
    GST_WARNING_OBJECT(pool, "caps are not raw video: %" GST_PTR_FORMAT, static_cast<void*>(caps));
    return FALSE;
  }
  PoolState& state = *as_pool(pool)->state;
  state.info = info;
  state.video_meta =
      gst_buffer_pool_config_has_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META) != FALSE;
  gst_buffer_pool_config_set_params(config, caps, static_cast<guint>(info.size), min, max);
  return GST_BUFFER_POOL_CLASS(parent_class)->set_config(pool, config);
}

void free_memory(gpointer memory) {
  delete static_cast<gpu::HostFrameMemory*>(memory);
}

GstFlowReturn alloc_buffer(GstBufferPool* pool, GstBuffer** buffer,
                           GstBufferPoolAcquireParams* /*params*/) {
  const PoolState& state = *as_pool(pool)->state;
  const GstVideoInfo& info = state.info;
  auto memory = gpu::HostFrameMemory::create(state.context, info.size);
  if (!memory) {
    GST_ERROR_OBJECT(pool, "%s", memory.error().message().c_str());
    return GST_FLOW_ERROR;
  }
  gpu::HostFrameMemory* owned = memory->release();
  GstMemory* wrapped =
      gst_memory_new_wrapped(static_cast<GstMemoryFlags>(0), owned->data(), owned->size_bytes(), 0,
                             owned->size_bytes(), owned, free_memory);
  GstBuffer* out = gst_buffer_new();
  gst_buffer_append_memory(out, wrapped);
  if (state.video_meta) {
    GstVideoInfo layout = info;  // the call takes non-const arrays it only reads
    gst_buffer_add_video_meta_full(out, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_INFO_FORMAT(&layout),
                                   static_cast<guint>(GST_VIDEO_INFO_WIDTH(&layout)),
                                   static_cast<guint>(GST_VIDEO_INFO_HEIGHT(&layout)),
                                   GST_VIDEO_INFO_N_PLANES(&layout), layout.offset, layout.stride);
  }
  *buffer = out;
  return GST_FLOW_OK;
}

void finalize(GObject* object) {
  delete as_pool(object)->state;
  as_pool(object)->state = nullptr;
  G_OBJECT_CLASS(parent_class)->finalize(object);
}

void class_init(gpointer klass, gpointer /*class_data*/) {
  parent_class = g_type_class_peek_parent(klass);
  G_OBJECT_CLASS(klass)->finalize = finalize;
  GstBufferPoolClass* pool_class = GST_BUFFER_POOL_CLASS(klass);
  pool_class->get_options = get_options;
  pool_class->set_config = set_config;
  pool_class->alloc_buffer = alloc_buffer;
  GST_DEBUG_CATEGORY_INIT(clinvid_host_pool_debug, "clinvidhostpool", 0, "clinvid host frame pool");
}

void instance_init(GTypeInstance* instance, gpointer /*klass*/) {
  try {
    as_pool(instance)->state = new PoolState();
  } catch (const std::bad_alloc&) {
    g_error("clinvid host frame pool: out of memory");
  }
}

GType host_frame_pool_get_type() {
  static const GType type = register_element_type<HostFramePool, HostFramePoolClass>(
      GST_TYPE_BUFFER_POOL, "GstClinvidHostFramePool", class_init, instance_init);
  return type;
}

}  // namespace

GstBufferPool* host_frame_pool_new(std::shared_ptr<gpu::Context> context) {
  auto* pool = static_cast<HostFramePool*>(g_object_new(host_frame_pool_get_type(), nullptr));
  gst_object_ref_sink(pool);  // as gst_buffer_pool_new: the caller owns the one reference
  pool->state->context = std::move(context);
  return GST_BUFFER_POOL(pool);
}

GstBufferPool* host_frame_pool_for(std::shared_ptr<gpu::Context> context, GstCaps* caps,
                                   guint& size) {
  GstVideoInfo info;
  if (!context || caps == nullptr || gst_video_info_from_caps(&info, caps) == FALSE) {
    return nullptr;
  }
  if (!gpu::HostFrameMemory::create(context, 4096)) return nullptr;  // no such memory type
  GstBufferPool* pool = host_frame_pool_new(std::move(context));
  GstStructure* config = gst_buffer_pool_get_config(pool);
  size = static_cast<guint>(info.size);
  gst_buffer_pool_config_set_params(config, caps, size, 0, 0);
  gst_buffer_pool_config_add_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  if (gst_buffer_pool_set_config(pool, config) == FALSE) {
    gst_object_unref(pool);
    return nullptr;
  }
  return pool;
}

}  // namespace clinvid::gst
