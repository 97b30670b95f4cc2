// `clinvid decrypt [-i IDENTITY_FILE]... [-p] [-o OUT] [IN]`: age v1 decryption with age's own
// options; reads what `age -e` and `clinvid encrypt` write, binary or armored.
//
//   clinvid decrypt -i key.txt -o clip.mp4 clip.mp4.age
//   clinvid decrypt -i key.txt < notes.tar.age | tar x
//   CLINVID_PASSPHRASE=... clinvid decrypt -o clip.mp4 clip.age
//
// A file encrypted with a passphrase is detected (its scrypt stanza) and the passphrase asked
// for on /dev/tty (or read from CLINVID_PASSPHRASE) when no -i is given; -p forces that.
// Output to a file appears only if the whole input authenticated (OUT.tmp + rename). Output to
// stdout is released chunk by chunk, each only after it authenticated; on failure the exit
// status is non-zero and what was written must be discarded (as with age).
//
// Exit: 0 done; 1 a failure class (no match, header, HMAC, payload, armor failure);
// 2 usage (no identity, -p with -i); 3 i/o errors.
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_decrypt(CLI::App& parent);

}  // namespace clinvid::cli
