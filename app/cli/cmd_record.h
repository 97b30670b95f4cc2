// `clinvid record --source URI [--source URI]… [--audio URI] [--profile P]… [--seconds N]
//  [--preset NAME] [--encoder E] --out DIR (-r RECIPIENT | -R FILE)…`: records cameras (and a
// microphone) in one synchronised session, every stream encrypted into DIR/<stream>.mkv.age,
// with DIR/manifest.json describing them.
//
//   clinvid record --source test://theatre --source test://flash --seconds 5 --out take1 -r age1…
//
// Without --seconds it records until Ctrl-C (SIGINT/SIGTERM stop it cleanly). Once a second
// it prints each stream's fps, dropped frames and bytes written; at the end where the files
// are. Markers: --marker SECONDS:LABEL (scheduled), or --stdin-markers (each line typed is a
// marker at that moment).
//
// Exit: 0 every stream complete; 1 the recording ran but a stream failed or storage stopped it
// (what was written is kept; see the message and the manifest); 2 usage; 3 could not start.
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_record(CLI::App& parent);

}  // namespace clinvid::cli
