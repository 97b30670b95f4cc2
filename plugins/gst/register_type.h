// GType registration for the plugin's elements, written once.
//
// G_DEFINE_TYPE's expansion casts function pointers C-style (-Wold-style-cast), so each
// element registers its type through this helper instead; its class_init and instance_init
// already have GLib's exact signatures.
#pragma once

#include <glib-object.h>

namespace clinvid::gst {

// Registers `name` deriving from `parent`, with instance struct `Instance` and class struct
// `Class`. Call once, from the element's get_type() (e.g. in a function-local static).
template <class Instance, class Class>
GType register_element_type(GType parent, const char* name, GClassInitFunc class_init,
                            GInstanceInitFunc instance_init) {
  GTypeInfo info{};
  info.class_size = static_cast<guint16>(sizeof(Class));
  info.class_init = class_init;
  info.instance_size = static_cast<guint16>(sizeof(Instance));
  info.instance_init = instance_init;
  return g_type_register_static(parent, name, &info, static_cast<GTypeFlags>(0));
}

}  // namespace clinvid::gst
