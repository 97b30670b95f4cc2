// `clinvid user add NAME --role ROLE` and `clinvid user list`: the archive's users. Adding a
// user (information-governance officer only) wraps the archive key for the new user's
// passphrase (Argon2id). The new passphrase comes from --new-passphrase-file FILE, else
// $CLINVID_NEW_PASSPHRASE, else the terminal (asked twice); yours as for every archive command.
//
// Exit: 0 done; 2 usage; 3 runtime error; 4 refused (not the IG officer, wrong passphrase).
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_user(CLI::App& parent);

}  // namespace clinvid::cli
