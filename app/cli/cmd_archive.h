// `clinvid archive …`: the catalogued archive (init, import, list, search, show, export, erase,
// hold, retention). What the archive's commands share (where the archive is, who the user is,
// how the passphrase is given) is in archive_cli_common.h.
//
//   clinvid archive init --user ig.lead            # first user: the IG officer
//   clinvid archive import a.jpg b.mp4 --patient P-… --consent <uuid> --body-site hand:left
//   clinvid archive search "basal cell" --purpose teaching --json
//   clinvid archive export <id> --purpose teaching -o out.age -r age1…
//   clinvid archive export <id> --purpose clinical_record -o out.mp4 --plaintext
//   clinvid archive erase <id> --reason "consent withdrawn"
//   clinvid archive retention [--run] [--on YYYY-MM-DD]
//
// Exit: 0 done; 2 usage; 3 runtime error (no archive, damaged catalogue, unreadable file);
// 4 refused (the consent policy or a role rule, or a wrong passphrase; the audit records it).
#pragma once

#include "archive_cli_common.h"
#include "cli11.h"
#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_archive(CLI::App& parent);

}  // namespace clinvid::cli
