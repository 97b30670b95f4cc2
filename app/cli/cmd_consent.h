// `clinvid consent add FORM.json`, `consent show ID` and `consent withdraw ID --purpose P`:
// consent forms ("format": "clinvid.consent/1", see docs/governance.md) stored encrypted in the
// archive. Withdrawal stops future use for the purposes named from its date, and flags every
// film made from the patient's recordings for those purposes.
//
// Exit: 0 done; 2 usage (an invalid form names the field by JSON pointer); 3 runtime error;
// 4 refused (role, wrong passphrase).
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_consent(CLI::App& parent);

}  // namespace clinvid::cli
