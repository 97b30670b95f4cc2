// clinvidagesink: writes its input, as bytes, into an age v1 file (engine/crypto/writer.hpp),
// so a recording is encrypted to its recipients before anything reaches the disk.
//
// Contract:
//  - The file is written directly at `location` (mode 0600), never through a temporary name:
//    a recording cut short by a crash must still be there. Such a file is an unfinished age
//    stream that crypto::recover() / recover_to() turn back into a complete one; at most
//    `fsync-interval` of data that had reached the kernel is lost to a power failure, plus the
//    plaintext not yet sealed into a 64 KiB chunk (at low bitrates that is the larger part).
//  - EOS seals the last chunk and syncs: a file with a final chunk is a finished recording.
//    Stopping without EOS (READY) also finishes the stream unless an error happened before.
//  - Append-only: the sink answers the SEEKING query with "not seekable", so muxers write
//    streamable output (matroskamux and mp4mux do so by themselves); a byte segment that asks
//    to rewrite earlier bytes (a muxer that ignores the answer) is an element error. Streamable
//    Matroska has no duration in its header: players compute it, or remux to store it.
//  - `recipients` is write-only: it is parsed when set, then the string is wiped and never
//    returned. Recipients come from it and/or `recipients-file`; at least one is required.
//  - Errors become element errors (GST_ELEMENT_ERROR); no C++ exception leaves the element.
#pragma once

#include <gst/base/gstbasesink.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_CLINVID_AGE_SINK (gst_clinvid_age_sink_get_type())
G_DECLARE_FINAL_TYPE(GstClinvidAgeSink, gst_clinvid_age_sink, GST, CLINVID_AGE_SINK, GstBaseSink)

GST_ELEMENT_REGISTER_DECLARE(clinvidagesink);

G_END_DECLS
