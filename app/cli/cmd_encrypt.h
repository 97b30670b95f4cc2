// `clinvid encrypt [-r RECIPIENT]... [-R RECIPIENTS_FILE]... [-p] [-a] [-o OUT] [IN]`:
// age v1 encryption with age's own options, so `age -d` decrypts the result.
//
//   clinvid encrypt -r age1... -o clip.mp4.age clip.mp4
//   tar c notes/ | clinvid encrypt -R team.txt -a > notes.tar.age
//   CLINVID_PASSPHRASE=... clinvid encrypt -p -o clip.age clip.mp4
//
// IN and OUT default to stdin and stdout ('-' too). A regular file IN is encrypted on every
// core; a file OUT is written through OUT.tmp and renamed only when complete. Binary output
// is refused on a terminal (use -a). -p asks twice on /dev/tty, or reads CLINVID_PASSPHRASE.
//
// Exit: 0 done; 2 usage (bad recipient, -p with -r, binary to a terminal); 3 i/o errors.
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_encrypt(CLI::App& parent);

}  // namespace clinvid::cli
