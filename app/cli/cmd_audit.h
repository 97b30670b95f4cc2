// `clinvid audit verify` and `clinvid audit export`: the archive's tamper-evident audit trail.
//
//   clinvid audit verify [--json]     # no passphrase needed: the chain and the signing public key
//   clinvid audit export -o trail.jsonl   # auditor or IG officer; JSON lines for an IG review
//
// Exit (verify): 0 the chain and every signed checkpoint verify; 1 tampering found (each
// problem is listed: an edited, deleted or truncated row, a bad checkpoint); 3 no archive or a
// damaged catalogue. Export: 0 done; 4 refused (role, wrong passphrase).
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_audit(CLI::App& parent);

}  // namespace clinvid::cli
