#include "archive/audit.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <string>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "crypto/io.hpp"

namespace clinvid::archive {
namespace {

constexpr std::string_view kCheckpointTag = "clinvid.audit.checkpoint/1";

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string checkpoint_message(std::string_view archive_id, std::int64_t seq,
                               std::span<const std::uint8_t> head) {
  return std::string(kCheckpointTag) + "\n" + std::string(archive_id) + "\n" + std::to_string(seq) +
         "\n" + to_hex(head);
}

Digest chain_hash(std::span<const std::uint8_t> prev, const std::string& canonical) {
  std::vector<std::uint8_t> message(prev.begin(), prev.end());
  message.insert(message.end(), canonical.begin(), canonical.end());
  return sha256(message);
}

Result<std::string> meta_text(Db& db, std::string_view key) {
  auto stmt = db.prepare("SELECT value FROM meta WHERE key = ?1");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, key);
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return fail(Errc::corrupt, "catalogue has no " + std::string(key));
  return stmt->col_text(0);
}

struct Head {
  std::int64_t seq = 0;
  std::string hash_hex;
  std::string signature_hex;
};

Result<std::optional<Head>> read_head_file(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) return std::optional<Head>{};
  auto doc = read_json_file(file);
  if (!doc) return tl::unexpected(doc.error());
  auto seq = json_get<std::int64_t>(*doc, "seq", "");
  auto hash = json_get<std::string>(*doc, "head_hash", "");
  auto sig = json_get<std::string>(*doc, "signature", "");
  if (!seq || !hash || !sig) return fail(Errc::corrupt, "audit head file is malformed");
  return std::optional<Head>(Head{*seq, *hash, *sig});
}

// The audit columns seq … reason (0-8) of the current row; `detail` is left to the caller,
// which either parses it or hashes it as stored.
AuditEntry entry_of_row(const Stmt& stmt) {
  AuditEntry e;
  e.seq = stmt.col_int(0);
  e.at = stmt.col_text(1);
  e.user = stmt.col_text(2);
  e.role = stmt.col_text(3);
  e.action = stmt.col_text(4);
  e.target = stmt.col_text(5);
  e.outcome = stmt.col_text(6);
  e.rule = stmt.col_text(7);
  e.reason = stmt.col_text(8);
  return e;
}

}  // namespace

std::string canonical_audit_row(const AuditEntry& e, const std::string& detail_text) {
  const Json row = {{"seq", e.seq},         {"at", e.at},         {"user", e.user},
                    {"role", e.role},       {"action", e.action}, {"target", e.target},
                    {"outcome", e.outcome}, {"rule", e.rule},     {"reason", e.reason},
                    {"detail", detail_text}};
  return row.dump();
}

Json to_json(const AuditEntry& e) {
  return {{"seq", e.seq},       {"at", e.at},         {"user", e.user},       {"role", e.role},
          {"action", e.action}, {"target", e.target}, {"outcome", e.outcome}, {"rule", e.rule},
          {"reason", e.reason}, {"detail", e.detail}};
}

Result<std::int64_t> append_audit(Db& db, AuditEntry entry, const AuditSigner& signer) {
  std::vector<std::uint8_t> prev(32, 0);
  std::int64_t seq = 1;
  {
    auto last = db.prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (!last) return tl::unexpected(last.error());
    auto row = last->step();
    if (!row) return tl::unexpected(row.error());
    if (*row) {
      seq = last->col_int(0) + 1;
      prev = last->col_blob(1);
    }
  }
  entry.seq = seq;
  const std::string detail_text = entry.detail.dump();
  const std::string canonical = canonical_audit_row(entry, detail_text);
  const Digest hash = chain_hash(prev, canonical);
  auto insert = db.prepare(
      "INSERT INTO audit(seq, at, user_name, role, action, target, outcome, rule, reason, detail,"
      " prev_hash, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  if (!insert) return tl::unexpected(insert.error());
  insert->bind(1, seq)
      .bind(2, entry.at)
      .bind(3, entry.user)
      .bind(4, entry.role)
      .bind(5, entry.action)
      .bind(6, entry.target)
      .bind(7, entry.outcome)
      .bind(8, entry.rule)
      .bind(9, entry.reason)
      .bind(10, detail_text)
      .bind(11, std::span<const std::uint8_t>(prev))
      .bind(12, std::span<const std::uint8_t>(hash));
  if (auto ok = insert->run(); !ok) return tl::unexpected(ok.error());

  if (signer.secret_key != nullptr) {
    const std::string message = checkpoint_message(signer.archive_id, seq, hash);
    const auto signature = sign(*signer.secret_key, bytes_of(message));
    auto cp = db.prepare(
        "INSERT INTO audit_checkpoints(seq, head_hash, at, signature) VALUES(?1, ?2, ?3, ?4)");
    if (!cp) return tl::unexpected(cp.error());
    cp->bind(1, seq)
        .bind(2, std::span<const std::uint8_t>(hash))
        .bind(3, entry.at)
        .bind(4, std::span<const std::uint8_t>(signature));
    if (auto ok = cp->run(); !ok) return tl::unexpected(ok.error());
  }
  return seq;
}

Status write_audit_head(const std::filesystem::path& archive_dir, Db& db) {
  auto stmt = db.prepare(
      "SELECT seq, head_hash, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1");
  if (!stmt) return tl::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return {};
  const Head head{stmt->col_int(0), to_hex(stmt->col_blob(1)), to_hex(stmt->col_blob(2))};

  // Several processes may finish transactions in any order: under an exclusive lock on the
  // head file, only a newer checkpoint replaces the one there.
  const std::filesystem::path file = archive_dir / kAuditHeadFile;
  crypto::UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) return fail(Errc::io, "open " + file.string() + ": " + std::strerror(errno));
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return fail(Errc::io, "lock " + file.string());
  }
  std::string current;
  char buffer[512];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    current.append(buffer, static_cast<std::size_t>(n));
  }
  if (!current.empty()) {
    if (auto doc = parse_json(current); doc && doc->is_object() && doc->contains("seq") &&
                                        (*doc)["seq"].is_number_integer() &&
                                        (*doc)["seq"].get<std::int64_t>() >= head.seq) {
      return {};
    }
  }
  const std::string text = Json{{"format", "clinvid.audit-head/1"},
                                {"seq", head.seq},
                                {"head_hash", head.hash_hex},
                                {"signature", head.signature_hex}}
                               .dump() +
                           "\n";
  if (::ftruncate(fd.get(), 0) != 0) return fail(Errc::io, "truncate " + file.string());
  if (auto ok = crypto::pwrite_full(fd.get(), bytes_of(text), 0); !ok) return ok;
  if (::fsync(fd.get()) != 0) return fail(Errc::io, "fsync " + file.string());
  return fd.close();
}

Result<std::vector<AuditEntry>> read_audit(Db& db) {
  auto stmt = db.prepare(
      "SELECT seq, at, user_name, role, action, target, outcome, rule, reason, detail FROM audit"
      " ORDER BY seq");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<AuditEntry> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    AuditEntry e = entry_of_row(*stmt);
    auto detail = parse_json(stmt->col_text(9));
    e.detail = detail ? *detail : Json(stmt->col_text(9));
    out.push_back(std::move(e));
  }
  return out;
}

Result<AuditReport> verify_audit_chain(Db& db, const std::filesystem::path& archive_dir) {
  AuditReport report;
  auto archive_id = meta_text(db, "archive_id");
  if (!archive_id) return tl::unexpected(archive_id.error());
  auto public_hex = meta_text(db, "signing_public_key");
  if (!public_hex) return tl::unexpected(public_hex.error());
  auto public_key = from_hex(*public_hex);
  if (!public_key) return fail(Errc::corrupt, "catalogue signing key is not hex");

  // Pass 1: the chain itself.
  std::map<std::int64_t, std::vector<std::uint8_t>> hashes;  // only rows named by checkpoints
  std::vector<std::uint8_t> running(32, 0);
  std::int64_t expected_seq = 1;
  {
    auto stmt = db.prepare(
        "SELECT seq, at, user_name, role, action, target, outcome, rule, reason, detail,"
        " prev_hash, hash FROM audit ORDER BY seq");
    if (!stmt) return tl::unexpected(stmt.error());
    for (;;) {
      auto row = stmt->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      AuditEntry e = entry_of_row(*stmt);
      const std::string detail = stmt->col_text(9);
      const std::vector<std::uint8_t> prev = stmt->col_blob(10);
      const std::vector<std::uint8_t> stored = stmt->col_blob(11);
      ++report.rows;
      if (e.seq != expected_seq) {
        report.problems.push_back("row " + std::to_string(expected_seq) +
                                  (e.seq > expected_seq
                                       ? " to " + std::to_string(e.seq - 1) + " deleted"
                                       : " out of order"));
      }
      if (prev != running) {
        report.problems.push_back("row " + std::to_string(e.seq) +
                                  ": does not follow the row before it (a row was deleted or "
                                  "reordered)");
      }
      const Digest computed = chain_hash(prev, canonical_audit_row(e, detail));
      if (!std::equal(computed.begin(), computed.end(), stored.begin(), stored.end())) {
        report.problems.push_back("row " + std::to_string(e.seq) +
                                  ": contents do not match its hash (the row was edited)");
      }
      running = stored;
      hashes[e.seq] = stored;
      expected_seq = e.seq + 1;
    }
  }
  const std::int64_t last_seq = expected_seq - 1;
  report.head_hash_hex = to_hex(running);

  // Pass 2: every checkpoint is signed by the archive and names a row that is still there.
  auto check_anchor = [&](std::int64_t seq, const std::vector<std::uint8_t>& head,
                          const std::vector<std::uint8_t>& signature, const std::string& what) {
    const std::string message = checkpoint_message(*archive_id, seq, head);
    if (!verify_signature(*public_key, bytes_of(message), signature)) {
      report.problems.push_back(what + " at row " + std::to_string(seq) +
                                ": signature does not verify");
      return;
    }
    const auto it = hashes.find(seq);
    if (it == hashes.end()) {
      report.problems.push_back(what + " names row " + std::to_string(seq) +
                                ", which is missing (rows were deleted or truncated)");
    } else if (it->second != head) {
      report.problems.push_back(what + " at row " + std::to_string(seq) +
                                ": head differs from the chain (rows were edited)");
    }
  };
  {
    auto stmt = db.prepare("SELECT seq, head_hash, signature FROM audit_checkpoints ORDER BY seq");
    if (!stmt) return tl::unexpected(stmt.error());
    for (;;) {
      auto row = stmt->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      ++report.checkpoints;
      const std::int64_t seq = stmt->col_int(0);
      report.last_checkpoint_seq = std::max(report.last_checkpoint_seq, seq);
      check_anchor(seq, stmt->col_blob(1), stmt->col_blob(2), "checkpoint");
    }
  }
  auto head = read_head_file(archive_dir / kAuditHeadFile);
  if (!head) {
    report.problems.push_back("audit head file: " + head.error().detail);
  } else if (*head) {
    auto hash = from_hex((*head)->hash_hex);
    auto sig = from_hex((*head)->signature_hex);
    if (!hash || !sig) {
      report.problems.push_back("audit head file is not hex");
    } else {
      check_anchor((*head)->seq, *hash, *sig, "audit head file");
      if ((*head)->seq > report.last_checkpoint_seq) {
        report.problems.push_back("audit head file names checkpoint " +
                                  std::to_string((*head)->seq) + " but the catalogue's newest is " +
                                  std::to_string(report.last_checkpoint_seq) +
                                  " (checkpoints were deleted)");
      }
    }
  } else if (report.checkpoints > 0) {
    report.problems.push_back("audit head file " + std::string(kAuditHeadFile) + " is missing");
  }
  report.unanchored_rows = last_seq - std::min(last_seq, report.last_checkpoint_seq);
  report.ok = report.problems.empty();
  return report;
}

}  // namespace clinvid::archive
