// `clinvid patient add --name N [--nhs-number D] [--dob YYYY-MM-DD]` and `clinvid patient find`:
// patients get a pseudonymous id (P-…) used everywhere else; their identifiers are stored
// encrypted and found by keyed hash. NHS numbers must pass the modulus-11 check.
//
// Exit: 0 done (find: also when nothing matched; --json prints []); 2 usage (bad NHS number
// or date); 3 runtime error; 4 refused (role, wrong passphrase).
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_patient(CLI::App& parent);

}  // namespace clinvid::cli
