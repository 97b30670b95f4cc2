// clinvidagesrc: reads the plaintext of a finished age v1 file
// (engine/crypto/random_access.hpp), for demuxers, in pull mode (random access) or push mode.
//
// Contract:
//  - `identity` names an identity file (age-keygen's format); it is read in start(), its
//    secrets held only in locked memory, and used to open `location`. A file no identity
//    opens, a damaged header, or an unfinished (crashed) recording is an element error at
//    start: recover it first with crypto::recover_to().
//  - Byte format, seekable, size known: a demuxer may pull any range (matroskademux, qtdemux),
//    and seeks (FLUSH with KEY_UNIT or ACCURATE) work in either scheduling mode.
//  - Every byte handed out has authenticated; a chunk that fails later (the file changed under
//    us) is an element error, never unauthenticated data.
//  - Errors become element errors; no C++ exception leaves the element.
#pragma once

#include <gst/base/gstbasesrc.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_CLINVID_AGE_SRC (gst_clinvid_age_src_get_type())
G_DECLARE_FINAL_TYPE(GstClinvidAgeSrc, gst_clinvid_age_src, GST, CLINVID_AGE_SRC, GstBaseSrc)

GST_ELEMENT_REGISTER_DECLARE(clinvidagesrc);

G_END_DECLS
