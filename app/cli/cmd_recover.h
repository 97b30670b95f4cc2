// `clinvid recover -i IDENTITY_FILE [-r RECIPIENT]... [-R RECIPIENTS_FILE]... IN -o OUT`: turns
// an age stream cut short (crash, kill -9, power loss, a truncated copy) into a complete file.
//
//   clinvid recover -i session.key -o clip.recovered.age clip.age
//
// Every chunk that authenticates, in order, is re-encrypted (fresh file key and nonce) to the
// -r/-R recipients, or, when none are given, to the recipients of the -i identities; plaintext
// never touches the disk. The damaged tail is dropped and counted. OUT is written through
// OUT.tmp and renamed when complete. Binary streams only (an armored file cannot be recovered).
//
// Recordings (`clinvid record`): a Matroska stream is also finalised, remuxed in memory with
// duration and cues so that it seeks frame-accurately (capture::recover_recording), and goes to
// the recipients in its session's manifest.json unless -r/-R are given. IN may be a session
// directory: every stream is recovered into the new directory OUT with an updated manifest.
//
// Exit: 0 something was recovered (the report says how many bytes were lost and whether the
// final chunk was missing); 1 nothing could be recovered: a failure class (no match, header,
// HMAC failure) or no chunk authenticated (no file is written); 2 usage; 3 i/o errors.
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_recover(CLI::App& parent);

}  // namespace clinvid::cli
