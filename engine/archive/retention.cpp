// Erasure (crypto-shredding), legal holds and retention runs.
#include <algorithm>
#include <system_error>

#include "archive/archive_impl.hpp"

namespace clinvid::archive {

Status Archive::Impl::erase_in(std::string_view id, std::string_view reason,
                               std::string_view action) {
  auto rec = load_recording(id);
  if (!rec) return tl::unexpected(rec.error());
  for (const char* sql :
       {"DELETE FROM recording_keys WHERE recording_id = ?1",
        "DELETE FROM recordings_fts WHERE rowid = (SELECT rowid FROM recordings WHERE id = ?1)",
        "UPDATE recordings SET status = 'erased', notes = '', procedure = '', tags = '[]',"
        " streams = '[]', markers = '[]', manifest = '{}', quality = '[]' WHERE id = ?1"}) {
    auto stmt = db.prepare(sql);
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, id);
    if (auto ok = stmt->run(); !ok) return ok;
  }
  auto tomb = db.prepare(
      "INSERT INTO tombstones(recording_id, erased_at, erased_by, reason, sha256)"
      " VALUES(?1, ?2, ?3, ?4, ?5)");
  if (!tomb) return tl::unexpected(tomb.error());
  tomb->bind(1, id).bind(2, now_utc()).bind(3, user.name).bind(4, reason).bind(5, rec->sha256_hex);
  if (auto ok = tomb->run(); !ok) return ok;
  AuditEntry e = entry(action, id, "done", "recording erased: key destroyed, media deleted");
  e.detail = {{"reason", std::string(reason)}, {"patient", rec->patient_id}};
  if (auto seq = audit_in(std::move(e)); !seq) return tl::unexpected(seq.error());
  return {};
}

Status Archive::erase_recording(std::string_view id, std::string_view reason,
                                const Archive* signed_off_by) {
  auto& I = *impl_;
  if (reason.empty()) return fail(Errc::invalid_argument, "an erasure needs a reason");
  GateRequest g;
  g.operation = consent::Operation::erase;
  g.recording_id = std::string(id);
  g.signed_off_by = signed_off_by;
  g.detail = std::string(reason);
  auto decision = authorize(g);
  if (!decision) return tl::unexpected(decision.error());
  if (decision->effect != consent::Effect::allow) {
    return fail(Errc::permission_denied, refusal_message(*decision));
  }
  auto tx = Transaction::begin(I.db);
  if (!tx) return tl::unexpected(tx.error());
  auto held = I.under_legal_hold(id);
  if (!held) return tl::unexpected(held.error());
  if (*held) {
    const std::string why =
        "A legal hold is in force: the recording may not be erased until it "
        "is released.";
    AuditEntry e = I.entry("erase", id, "refuse", why);
    e.rule = "legal-hold";
    if (auto seq = I.audit_in(std::move(e)); !seq) return tl::unexpected(seq.error());
    if (auto ok = I.commit(*tx); !ok) return ok;
    return fail(Errc::permission_denied, "refused by rule legal-hold: " + why);
  }
  if (auto ok = I.erase_in(id, reason, "erase_done"); !ok) return ok;
  if (auto ok = I.commit(*tx); !ok) return ok;
  std::error_code ec;
  I.remove_media(id, ec);
  if (ec)
    return fail(Errc::io,
                "the key is destroyed but the media file could not be removed: " + ec.message());
  // The sealed key's old page may linger in the write-ahead log: fold it in and truncate it.
  return I.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

Status Archive::place_legal_hold(std::string_view id, std::string_view reason) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return ok;
  if (reason.empty()) return fail(Errc::invalid_argument, "a legal hold needs a reason");
  if (I.user.role != consent::Role::information_governance_officer) {
    const std::string why =
        "Only the information-governance officer places or releases legal holds.";
    AuditEntry e = I.entry("legal_hold", id, "refuse", why);
    e.rule = "legal-hold-by-ig-officer";
    if (auto ok = I.audit(std::move(e)); !ok) return ok;
    return fail(Errc::permission_denied, "refused by rule legal-hold-by-ig-officer: " + why);
  }
  auto rec = I.load_recording(id);
  if (!rec) return tl::unexpected(rec.error());
  auto tx = Transaction::begin(I.db);
  if (!tx) return tl::unexpected(tx.error());
  auto stmt = I.db.prepare(
      "INSERT INTO legal_holds(recording_id, reason, placed_by, placed_at) VALUES(?1, ?2, ?3, ?4)");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, id).bind(2, reason).bind(3, I.user.name).bind(4, now_utc());
  if (auto ok = stmt->run(); !ok) return ok;
  if (auto seq = I.audit_in(I.entry("legal_hold", id, "done", reason)); !seq) {
    return tl::unexpected(seq.error());
  }
  return I.commit(*tx);
}

Status Archive::release_legal_hold(std::string_view id, std::string_view reason) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return ok;
  if (I.user.role != consent::Role::information_governance_officer) {
    return fail(Errc::permission_denied,
                "refused by rule legal-hold-by-ig-officer: only the information-governance "
                "officer releases legal holds");
  }
  auto tx = Transaction::begin(I.db);
  if (!tx) return tl::unexpected(tx.error());
  auto stmt = I.db.prepare(
      "UPDATE legal_holds SET released_by = ?2, released_at = ?3 WHERE recording_id = ?1 AND"
      " released_at IS NULL");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, id).bind(2, I.user.name).bind(3, now_utc());
  if (auto ok = stmt->run(); !ok) return ok;
  if (I.db.changes() == 0) return fail(Errc::not_found, "no legal hold on " + std::string(id));
  if (auto seq = I.audit_in(I.entry("legal_hold_release", id, "done", reason)); !seq) {
    return tl::unexpected(seq.error());
  }
  return I.commit(*tx);
}

Result<std::vector<RetentionItem>> Archive::run_retention(const consent::Date& on, bool apply) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return tl::unexpected(ok.error());
  std::vector<std::string> ids;
  {
    auto stmt = I.db.prepare("SELECT id FROM recordings WHERE status = 'active' ORDER BY id");
    if (!stmt) return tl::unexpected(stmt.error());
    for (;;) {
      auto row = stmt->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      ids.push_back(stmt->col_text(0));
    }
  }
  std::vector<RetentionItem> out;
  for (const std::string& id : ids) {
    auto rec = I.load_recording(id);
    if (!rec) return tl::unexpected(rec.error());
    auto patient = I.load_patient(rec->patient_id);
    if (!patient) return tl::unexpected(patient.error());
    RetentionItem item;
    item.recording_id = id;
    item.review_date = rec->recorded_on;
    std::string error;
    for (const auto purpose : rec->purposes) {
      auto date = consent::retention_review_date(I.policy, purpose, rec->recorded_on,
                                                 patient->identity.date_of_birth);
      if (!date) {
        error = date.error().detail;
        break;
      }
      item.review_date = std::max(item.review_date, *date);
    }
    if (!error.empty()) {
      item.action = "kept (" + error + ")";
    } else if (on < item.review_date) {
      continue;  // not yet due
    } else if (rec->legal_hold) {
      item.action = "held (legal hold)";
    } else if (!apply) {
      item.action = "due";
    } else {
      GateRequest g;
      g.operation = consent::Operation::erase;
      g.recording_id = id;
      g.detail = "retention period ended " + item.review_date.to_string();
      auto decision = authorize(g);
      if (!decision) return tl::unexpected(decision.error());
      if (decision->effect != consent::Effect::allow) {
        item.action = refusal_message(*decision);
      } else {
        auto tx = Transaction::begin(I.db);
        if (!tx) return tl::unexpected(tx.error());
        if (auto ok = I.erase_in(id, "retention period ended " + item.review_date.to_string(),
                                 "retention_erase");
            !ok) {
          return tl::unexpected(ok.error());
        }
        if (auto ok = I.commit(*tx); !ok) return tl::unexpected(ok.error());
        std::error_code ec;
        I.remove_media(id, ec);
        item.action = "erased";
      }
    }
    out.push_back(std::move(item));
  }
  if (apply) {
    AuditEntry e =
        I.entry("retention_run", "", "done",
                "retention run for " + on.to_string() + ": " + std::to_string(out.size()) + " due");
    if (auto ok = I.audit(std::move(e)); !ok) return tl::unexpected(ok.error());
    if (auto ok = I.db.exec("PRAGMA wal_checkpoint(TRUNCATE)"); !ok)
      return tl::unexpected(ok.error());
  }
  return out;
}

}  // namespace clinvid::archive
