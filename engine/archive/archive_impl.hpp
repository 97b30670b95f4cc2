// What the archive's .cpp files share: the Archive's state and small helpers. Not installed;
// include only from engine/archive/*.cpp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "archive/archive.hpp"
#include "archive/audit.hpp"
#include "archive/sqlite.hpp"
#include "archive/vault.hpp"

namespace clinvid::archive {

[[nodiscard]] Result<int> schema_version(Db& db);
[[nodiscard]] Status migrate(Db& db);

struct Archive::Impl {
  std::filesystem::path dir;
  Db db;
  consent::Policy policy;
  std::string archive_id;
  std::optional<Vault> vault;
  crypto::SecretBytes signing_secret;
  UserInfo user;
  // Hot statements, prepared once per connection (declared after `db`: finalised first).
  std::map<std::string, Stmt, std::less<>> statements;

  // A prepared statement for `sql`, reset; reset it again when done (ResetOnExit) so that no
  // read transaction stays open.
  [[nodiscard]] Result<Stmt*> cached(std::string_view sql);

  [[nodiscard]] Status require_unlocked() const;
  [[nodiscard]] AuditEntry entry(std::string_view action, std::string_view target,
                                 std::string_view outcome, std::string_view reason) const;
  // Inside a transaction the caller holds.
  [[nodiscard]] Result<std::int64_t> audit_in(AuditEntry e);
  // In a transaction of its own, then the head file.
  [[nodiscard]] Status audit(AuditEntry e);
  // Commits and records the new audit head outside the database.
  [[nodiscard]] Status commit(Transaction& tx);

  [[nodiscard]] std::filesystem::path media_path(std::string_view recording_id) const;
  // Removes the media file and every sidecar (<id>.<ext>.age); the first failure in `ec`.
  void remove_media(std::string_view recording_id, std::error_code& ec) const;
  [[nodiscard]] Result<consent::ConsentRecord> load_consent(std::string_view id);
  [[nodiscard]] Result<Patient> load_patient(std::string_view id);
  [[nodiscard]] Result<RecordingInfo> load_recording(std::string_view id);
  [[nodiscard]] Result<crypto::X25519Identity> load_identity(std::string_view id);
  // Erases inside the caller's transaction; the media file is removed after commit.
  [[nodiscard]] Status erase_in(std::string_view id, std::string_view reason,
                                std::string_view action);
  [[nodiscard]] Result<bool> under_legal_hold(std::string_view id);
};

class ResetOnExit {
 public:
  explicit ResetOnExit(Stmt& stmt) noexcept : stmt_(stmt) {}
  ~ResetOnExit() { stmt_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Stmt& stmt_;
};

[[nodiscard]] std::string join_json(const std::vector<std::string>& values);
[[nodiscard]] std::vector<std::string> json_strings(const std::string& text);

}  // namespace clinvid::archive
