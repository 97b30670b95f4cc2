// `clinvid keygen [-o FILE]` and `clinvid keygen -y [FILE]`: X25519 identities in age-keygen's
// format, so that `age -d -i FILE` reads them and `age-keygen -y` agrees with `keygen -y`.
//
//   clinvid keygen -o key.txt        # mode 0600, never overwrites; "Public key: age1…" on stderr
//   clinvid keygen > key.txt         # the key file text on stdout
//   clinvid keygen -y key.txt        # the recipient(s) of an identity file, one per line
//
// Exit: 0 done; 2 usage (e.g. -o and -y together); 3 the file exists, cannot be written or
// read, or holds no identity.
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_keygen(CLI::App& parent);

}  // namespace clinvid::cli
