// The audit trail: an append-only hash chain in the catalogue with signed checkpoints.
//
// Row n stores hash_n = SHA-256(hash_{n-1} || canonical(row n)), hash_0 = 32 zero bytes, where
// canonical() is the row's fields as one JSON object with sorted keys (the detail column is
// included as the exact text stored). After each append by an unlocked user, the new head
// (seq, hash) is signed with the archive's Ed25519 signing key (its secret sealed by the archive
// key, its public key in the catalogue) and stored as a checkpoint; the newest checkpoint is
// also written to <archive>/audit-head.json, outside the database.
//
// What verify detects: an edited row (its hash no longer matches); a deleted row (a gap in seq
// or a broken prev link); rows truncated from the end (a checkpoint, or the head file, names a
// row that is gone or differs); a forged checkpoint (bad signature). What it cannot detect alone:
// someone who truncates the rows, the checkpoints *and* rolls the head file back to an older
// copy; an exported head kept by the IG reviewer (audit export) closes that gap.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "archive/sqlite.hpp"
#include "archive/vault.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

namespace clinvid::archive {

inline constexpr std::string_view kAuditHeadFile = "audit-head.json";

struct AuditEntry {
  std::int64_t seq = 0;  // assigned on append
  std::string at;        // UTC timestamp
  std::string user;      // who asked ("" before login)
  std::string role;
  std::string action;   // "record", "export", "erase", "consent_withdraw", "login", ...
  std::string target;   // recording, patient or consent id
  std::string outcome;  // "allow", "refuse", "needs_signoff", "done", "failed"
  std::string rule;     // the deciding policy rule, when the policy decided
  std::string reason;   // plain words
  Json detail = Json::object();
};

struct AuditReport {
  bool ok = false;
  std::int64_t rows = 0;
  std::int64_t checkpoints = 0;
  std::int64_t last_checkpoint_seq = 0;
  std::int64_t unanchored_rows = 0;  // appended after the last checkpoint (e.g. failed logins)
  std::string head_hash_hex;
  std::vector<std::string> problems;  // empty when ok
};

// The canonical bytes hashed for a row.
[[nodiscard]] std::string canonical_audit_row(const AuditEntry& entry,
                                              const std::string& detail_text);
[[nodiscard]] Json to_json(const AuditEntry& entry);

// Appends inside the caller's write transaction. With `signing_key`, also checkpoints the new
// head. Returns the new row's seq.
struct AuditSigner {
  const crypto::SecretBytes* secret_key = nullptr;  // Ed25519, 64 bytes
  std::string archive_id;
};
[[nodiscard]] Result<std::int64_t> append_audit(Db& db, AuditEntry entry,
                                                const AuditSigner& signer);
// After commit: records the newest checkpoint in the head file (only ever moves forward).
[[nodiscard]] Status write_audit_head(const std::filesystem::path& archive_dir, Db& db);

[[nodiscard]] Result<AuditReport> verify_audit_chain(Db& db,
                                                     const std::filesystem::path& archive_dir);
[[nodiscard]] Result<std::vector<AuditEntry>> read_audit(Db& db);

}  // namespace clinvid::archive
