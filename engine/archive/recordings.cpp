// Recordings: registration with a per-recording key, cataloguing, export, erasure, legal
// holds and retention.
#include <algorithm>
#include <cctype>
#include <map>
#include <system_error>

#include "archive/archive_impl.hpp"
#include "crypto/io.hpp"
#include "crypto/reader.hpp"
#include "crypto/writer.hpp"

namespace clinvid::archive {
namespace {

std::string sites_text(const std::vector<consent::SiteRef>& sites) {
  std::string out;
  for (const auto& s : sites) {
    if (!out.empty()) out += ' ';
    out += s.id;
    if (auto site = consent::find_body_site(s.id)) out += " " + std::string(site->label);
  }
  return out;
}

std::string tags_text(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : " ") + t;
  return out;
}

Status index_for_search(Db& db, std::string_view id, const RecordingInfo& r) {
  auto del = db.prepare(
      "DELETE FROM recordings_fts WHERE rowid = (SELECT rowid FROM recordings WHERE id = ?1)");
  if (!del) return tl::unexpected(del.error());
  del->bind(1, id);
  if (auto ok = del->run(); !ok) return ok;
  auto ins = db.prepare(
      "INSERT INTO recordings_fts(rowid, procedure, notes, tags, body_sites)"
      " VALUES((SELECT rowid FROM recordings WHERE id = ?1), ?2, ?3, ?4, ?5)");
  if (!ins) return tl::unexpected(ins.error());
  ins->bind(1, id).bind(2, r.procedure).bind(3, r.notes).bind(4, tags_text(r.tags));
  ins->bind(5, sites_text(r.sites));
  return ins->run();
}

}  // namespace

std::string refusal_message(const consent::Decision& d) {
  if (d.effect == consent::Effect::needs_signoff) {
    return "needs sign-off by a " + std::string(consent::to_string(d.signoff_role)) + " (rule " +
           d.rule_id + "): " + d.reason;
  }
  return "refused by rule " + d.rule_id + ": " + d.reason;
}

Result<RecordingInfo> Archive::Impl::load_recording(std::string_view id) {
  auto prepared = cached(
      "SELECT status, patient_id, IFNULL(consent_id, ''), kind, purposes, recorded_on, case_ref,"
      " session_ref, view, procedure, notes, tags, project, media_kind, container, codec, camera,"
      " calibration_profile, delta_e00_mean, width, height, duration, plaintext_bytes, sha256,"
      " recipient, streams, markers, metadata_removed, quality, flagged, flag_reason, created_by,"
      " created_at FROM recordings WHERE id = ?1");
  if (!prepared) return tl::unexpected(prepared.error());
  Stmt& q = **prepared;
  std::optional<ResetOnExit> done_q(std::in_place, q);
  q.bind(1, id);
  auto row = q.step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return fail(Errc::not_found, "no recording " + std::string(id));
  RecordingInfo r;
  r.id = id;
  const std::string status = q.col_text(0);
  r.status = status == "active"    ? RecordingStatus::active
             : status == "pending" ? RecordingStatus::pending
                                   : RecordingStatus::erased;
  r.patient_id = q.col_text(1);
  r.consent_id = q.col_text(2);
  r.kind = consent::parse_recording_kind(q.col_text(3)).value_or(consent::RecordingKind::invalid);
  for (const auto& p : json_strings(q.col_text(4))) {
    if (auto purpose = consent::parse_purpose(p)) r.purposes.push_back(*purpose);
  }
  auto date = consent::Date::parse(q.col_text(5));
  if (!date) return fail(Errc::corrupt, "recording " + std::string(id) + ": bad date");
  r.recorded_on = *date;
  r.case_ref = q.col_text(6);
  r.session_ref = q.col_text(7);
  r.view = q.col_text(8);
  r.procedure = q.col_text(9);
  r.notes = q.col_text(10);
  r.tags = json_strings(q.col_text(11));
  r.project = q.col_text(12);
  r.media_kind = q.col_text(13);
  r.container = q.col_text(14);
  r.codec = q.col_text(15);
  r.camera = q.col_text(16);
  r.calibration_profile = q.col_text(17);
  if (!q.is_null(18)) r.delta_e00_mean = q.col_double(18);
  r.width = static_cast<int>(q.col_int(19));
  r.height = static_cast<int>(q.col_int(20));
  r.duration = q.col_text(21);
  r.plaintext_bytes = static_cast<std::uint64_t>(q.col_int(22));
  r.sha256_hex = q.col_text(23);
  r.recipient = q.col_text(24);
  auto json_or = [](const std::string& text) {
    auto doc = parse_json(text);
    return doc ? *doc : Json::array();
  };
  r.streams = json_or(q.col_text(25));
  r.markers = json_or(q.col_text(26));
  r.metadata_removed = json_or(q.col_text(27));
  r.quality = json_or(q.col_text(28));
  r.flagged = q.col_int(29) != 0;
  r.flag_reason = q.col_text(30);
  r.created_by = q.col_text(31);
  r.created_at = q.col_text(32);
  done_q.reset();

  auto sites_stmt = cached("SELECT site, laterality FROM recording_sites WHERE recording_id = ?1");
  if (!sites_stmt) return tl::unexpected(sites_stmt.error());
  Stmt* sites = *sites_stmt;
  const ResetOnExit done_sites(*sites);
  sites->bind(1, id);
  for (;;) {
    auto more = sites->step();
    if (!more) return tl::unexpected(more.error());
    if (!*more) break;
    consent::SiteRef s;
    s.id = sites->col_text(0);
    s.laterality =
        consent::parse_laterality(sites->col_text(1)).value_or(consent::Laterality::invalid);
    r.sites.push_back(std::move(s));
  }
  auto prov_stmt =
      cached("SELECT source_id FROM provenance WHERE derived_id = ?1 ORDER BY source_id");
  if (!prov_stmt) return tl::unexpected(prov_stmt.error());
  Stmt* prov = *prov_stmt;
  const ResetOnExit done_prov(*prov);
  prov->bind(1, id);
  for (;;) {
    auto more = prov->step();
    if (!more) return tl::unexpected(more.error());
    if (!*more) break;
    r.derived_from.push_back(prov->col_text(0));
  }
  auto hold = under_legal_hold(id);
  if (!hold) return tl::unexpected(hold.error());
  r.legal_hold = *hold;
  return r;
}

Result<bool> Archive::Impl::under_legal_hold(std::string_view id) {
  auto prepared =
      cached("SELECT 1 FROM legal_holds WHERE recording_id = ?1 AND released_at IS NULL LIMIT 1");
  if (!prepared) return tl::unexpected(prepared.error());
  Stmt& q = **prepared;
  const ResetOnExit done(q);
  q.bind(1, id);
  return q.step();
}

Result<crypto::X25519Identity> Archive::Impl::load_identity(std::string_view id) {
  if (auto ok = require_unlocked(); !ok) return tl::unexpected(ok.error());
  auto stmt = db.prepare("SELECT sealed_secret FROM recording_keys WHERE recording_id = ?1");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, id);
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) {
    return fail(Errc::not_found, "recording " + std::string(id) + " has no key (it was erased)");
  }
  auto secret =
      vault->open(KeyUse::recording_keys, stmt->col_blob(0), "recording:" + std::string(id));
  if (!secret)
    return fail(Errc::corrupt, "the key of recording " + std::string(id) + " does not open");
  return crypto::X25519Identity::parse(secret->chars());
}

Result<RegisteredRecording> Archive::register_recording(const NewRecording& rec) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return tl::unexpected(ok.error());
  if (rec.purposes.empty()) return fail(Errc::invalid_argument, "name at least one purpose");
  const consent::Date on = today_utc();
  const consent::Date recorded_on = rec.recorded_on.value_or(on);
  for (const consent::Purpose purpose : rec.purposes) {
    GateRequest g;
    g.operation = consent::Operation::record;
    g.purpose = purpose;
    g.patient_id = rec.patient_id;
    if (!rec.consent_id.empty()) g.consent_id = rec.consent_id;
    g.kind = rec.kind;
    g.sites = rec.sites;
    g.recorded_on = recorded_on;
    g.on = on;
    g.identifiability = rec.identifiability;
    g.detail =
        rec.derived_from.empty() ? "new recording" : "derived from " + tags_text(rec.derived_from);
    auto decision = authorize(g);
    if (!decision) return tl::unexpected(decision.error());
    if (decision->effect != consent::Effect::allow) {
      return fail(Errc::permission_denied, refusal_message(*decision));
    }
  }
  for (const std::string& source : rec.derived_from) {
    auto src = I.load_recording(source);
    if (!src) return tl::unexpected(src.error());
    if (src->patient_id != rec.patient_id) {
      return fail(Errc::invalid_argument, "source " + source + " is another patient's recording");
    }
  }

  const crypto::X25519Identity identity = crypto::X25519Identity::generate();
  RegisteredRecording out;
  out.id = Uuid::random().to_string();
  out.recipient = identity.recipient().to_string();
  out.media_path = I.media_path(out.id);

  std::vector<std::string> purposes;
  for (const auto p : rec.purposes) purposes.emplace_back(consent::to_string(p));
  auto tx = Transaction::begin(I.db);
  if (!tx) return tl::unexpected(tx.error());
  if (!rec.case_ref.empty()) {
    auto c =
        I.db.prepare("INSERT OR IGNORE INTO cases(id, patient_id, created_at) VALUES(?1, ?2, ?3)");
    if (!c) return tl::unexpected(c.error());
    c->bind(1, rec.case_ref).bind(2, rec.patient_id).bind(3, now_utc());
    if (auto ok = c->run(); !ok) return tl::unexpected(ok.error());
  }
  if (!rec.session_ref.empty()) {
    auto s =
        I.db.prepare("INSERT OR IGNORE INTO sessions(id, case_id, created_at) VALUES(?1, ?2, ?3)");
    if (!s) return tl::unexpected(s.error());
    s->bind(1, rec.session_ref);
    if (rec.case_ref.empty()) {
      s->bind_null(2);
    } else {
      s->bind(2, rec.case_ref);
    }
    s->bind(3, now_utc());
    if (auto ok = s->run(); !ok) return tl::unexpected(ok.error());
  }
  {
    auto stmt = I.db.prepare(
        "INSERT INTO recordings(id, status, patient_id, consent_id, kind, purposes, recorded_on,"
        " case_ref, session_ref, view, procedure, notes, tags, project, recipient, created_by,"
        " created_at) VALUES(?1, 'pending', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
        " ?14, ?15, ?16)");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, out.id).bind(2, rec.patient_id);
    if (rec.consent_id.empty()) {
      stmt->bind_null(3);
    } else {
      stmt->bind(3, rec.consent_id);
    }
    stmt->bind(4, consent::to_string(rec.kind))
        .bind(5, join_json(purposes))
        .bind(6, recorded_on.to_string())
        .bind(7, rec.case_ref)
        .bind(8, rec.session_ref)
        .bind(9, rec.view)
        .bind(10, rec.procedure)
        .bind(11, rec.notes)
        .bind(12, join_json(rec.tags))
        .bind(13, rec.project)
        .bind(14, out.recipient)
        .bind(15, I.user.name)
        .bind(16, now_utc());
    if (auto ok = stmt->run(); !ok) return tl::unexpected(ok.error());
  }
  for (const auto& site : rec.sites) {
    auto stmt = I.db.prepare(
        "INSERT OR IGNORE INTO recording_sites(recording_id, site, laterality) VALUES(?1, ?2, ?3)");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, out.id).bind(2, site.id).bind(3, consent::to_string(site.laterality));
    if (auto ok = stmt->run(); !ok) return tl::unexpected(ok.error());
  }
  for (const std::string& source : rec.derived_from) {
    auto stmt = I.db.prepare(
        "INSERT INTO provenance(derived_id, source_id, project, purposes) VALUES(?1, ?2, ?3, ?4)");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, out.id).bind(2, source).bind(3, rec.project).bind(4, join_json(purposes));
    if (auto ok = stmt->run(); !ok) return tl::unexpected(ok.error());
  }
  {
    // The identity's secret-key text (AGE-SECRET-KEY-1…), the form crypto/keys.hpp exposes.
    const crypto::SecretBytes secret_text = identity.to_string();
    auto stmt =
        I.db.prepare("INSERT INTO recording_keys(recording_id, sealed_secret) VALUES(?1, ?2)");
    if (!stmt) return tl::unexpected(stmt.error());
    const auto sealed =
        I.vault->seal(KeyUse::recording_keys, secret_text.bytes(), "recording:" + out.id);
    stmt->bind(1, out.id).bind(2, std::span<const std::uint8_t>(sealed));
    if (auto ok = stmt->run(); !ok) return tl::unexpected(ok.error());
  }
  RecordingInfo for_index;
  for_index.procedure = rec.procedure;
  for_index.notes = rec.notes;
  for_index.tags = rec.tags;
  for_index.sites = rec.sites;
  if (auto ok = index_for_search(I.db, out.id, for_index); !ok) return tl::unexpected(ok.error());
  AuditEntry e = I.entry("register", out.id, "done", "recording registered; key created");
  e.detail = {{"patient", rec.patient_id},
              {"consent", rec.consent_id},
              {"purposes", purposes},
              {"kind", consent::to_string(rec.kind)},
              {"derived_from", rec.derived_from},
              {"project", rec.project}};
  if (auto seq = I.audit_in(std::move(e)); !seq) return tl::unexpected(seq.error());
  if (auto ok = I.commit(*tx); !ok) return tl::unexpected(ok.error());
  return out;
}

Status Archive::catalogue_manifest(std::string_view recording_id, const Json& manifest) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return ok;
  if (!manifest.is_object())
    return fail(Errc::invalid_argument, "the manifest must be a JSON object");
  auto rec = I.load_recording(recording_id);
  if (!rec) return tl::unexpected(rec.error());
  if (rec->status != RecordingStatus::pending) {
    return fail(Errc::invalid_argument, "recording " + rec->id + " is " +
                                            std::string(to_string(rec->status)) + ", not pending");
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(I.media_path(recording_id), ec)) {
    return fail(Errc::not_found, "the media of recording " + rec->id + " is missing at " +
                                     I.media_path(recording_id).string());
  }
  auto text = [&](const char* key, const std::string& fallback) -> Result<std::string> {
    return json_get_or<std::string>(manifest, key, "", fallback);
  };
  auto camera = text("camera", "");
  auto profile = text("calibration_profile", "");
  auto container = text("container", "");
  auto codec = text("codec", "");
  auto procedure = text("procedure", rec->procedure);
  auto notes = text("notes", rec->notes);
  auto view = text("view", rec->view);
  auto width = json_get_or<std::int64_t>(manifest, "width", "", 0);
  auto height = json_get_or<std::int64_t>(manifest, "height", "", 0);
  for (const auto* r : {&camera, &profile, &container, &codec, &procedure, &notes, &view}) {
    if (!*r) return tl::unexpected(r->error());
  }
  if (!width) return tl::unexpected(width.error());
  if (!height) return tl::unexpected(height.error());
  std::string duration;
  if (manifest.contains("duration")) {
    auto d = rational_from_json(manifest["duration"], "/duration");
    if (!d) return tl::unexpected(d.error());
    duration = manifest["duration"].get<std::string>();
  }
  std::optional<double> delta_e;
  if (manifest.contains("delta_e00_mean")) {
    if (!manifest["delta_e00_mean"].is_number()) {
      return fail(Errc::invalid_argument, "at /delta_e00_mean: expected number");
    }
    delta_e = manifest["delta_e00_mean"].get<double>();
  }
  const Json streams = manifest.value("streams", Json::array());
  const Json markers = manifest.value("markers", Json::array());
  std::vector<std::string> tags = rec->tags;
  if (manifest.contains("tags")) {
    if (!manifest["tags"].is_array())
      return fail(Errc::invalid_argument, "at /tags: expected array");
    for (const Json& t : manifest["tags"]) {
      if (t.is_string()) tags.push_back(t.get<std::string>());
    }
  }
  const std::uint64_t bytes = std::filesystem::file_size(I.media_path(recording_id), ec);

  auto tx = Transaction::begin(I.db);
  if (!tx) return tl::unexpected(tx.error());
  auto stmt = I.db.prepare(
      "UPDATE recordings SET status = 'active', camera = ?2, calibration_profile = ?3,"
      " container = ?4, codec = ?5, procedure = ?6, notes = ?7, view = ?8, width = ?9,"
      " height = ?10, duration = ?11, delta_e00_mean = ?12, streams = ?13, markers = ?14,"
      " tags = ?15, manifest = ?16, media_kind = 'video', plaintext_bytes = ?17"
      " WHERE id = ?1 AND status = 'pending'");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, recording_id)
      .bind(2, *camera)
      .bind(3, *profile)
      .bind(4, *container)
      .bind(5, *codec)
      .bind(6, *procedure)
      .bind(7, *notes)
      .bind(8, *view)
      .bind(9, *width)
      .bind(10, *height)
      .bind(11, duration);
  if (delta_e) {
    stmt->bind_real(12, *delta_e);
  } else {
    stmt->bind_null(12);
  }
  stmt->bind(13, streams.dump()).bind(14, markers.dump()).bind(15, join_json(tags));
  stmt->bind(16, manifest.dump()).bind(17, static_cast<std::int64_t>(bytes));
  if (auto ok = stmt->run(); !ok) return tl::unexpected(ok.error());
  RecordingInfo for_index = *rec;
  for_index.procedure = *procedure;
  for_index.notes = *notes;
  for_index.tags = tags;
  if (auto ok = index_for_search(I.db, recording_id, for_index); !ok) return ok;
  AuditEntry e =
      I.entry("catalogue", recording_id, "done", "recording catalogued from its manifest");
  e.detail = {{"camera", *camera}, {"calibration_profile", *profile}, {"bytes", bytes}};
  if (auto seq = I.audit_in(std::move(e)); !seq) return tl::unexpected(seq.error());
  return I.commit(*tx);
}

Status Archive::catalogue_import(std::string_view recording_id, const ImportedMedia& media) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return ok;
  auto rec = I.load_recording(recording_id);
  if (!rec) return tl::unexpected(rec.error());
  if (rec->status != RecordingStatus::pending) {
    return fail(Errc::invalid_argument, "recording " + rec->id + " is not pending");
  }
  const char* kind = media.kind == MediaKind::image   ? "image"
                     : media.kind == MediaKind::video ? "video"
                     : media.kind == MediaKind::audio ? "audio"
                                                      : "invalid";
  Json quality = Json::array();
  for (const QualityFinding& q : media.quality) {
    quality.push_back(
        {{"check", q.check}, {"value", q.value}, {"threshold", q.threshold}, {"advice", q.advice}});
  }
  const std::string duration =
      media.duration_s ? to_json(*media.duration_s).get<std::string>() : "";
  auto tx = Transaction::begin(I.db);
  if (!tx) return tl::unexpected(tx.error());
  auto stmt = I.db.prepare(
      "UPDATE recordings SET status = 'active', media_kind = ?2, container = ?3, codec = ?4,"
      " width = ?5, height = ?6, duration = ?7, plaintext_bytes = ?8, sha256 = ?9,"
      " metadata_removed = ?10, quality = ?11 WHERE id = ?1 AND status = 'pending'");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, recording_id)
      .bind(2, std::string_view(kind))
      .bind(3, media.container)
      .bind(4, media.codec)
      .bind(5, std::int64_t{media.width})
      .bind(6, std::int64_t{media.height})
      .bind(7, duration)
      .bind(8, static_cast<std::int64_t>(media.plaintext_bytes))
      .bind(9, to_hex(media.sha256))
      .bind(10, join_json(media.metadata_removed))
      .bind(11, quality.dump());
  if (auto ok = stmt->run(); !ok) return ok;
  AuditEntry e =
      I.entry("import", recording_id, "done", "external file imported, encrypted and catalogued");
  e.detail = {{"kind", kind},
              {"container", media.container},
              {"sha256", to_hex(media.sha256)},
              {"metadata_removed", media.metadata_removed},
              {"retake_advice", quality}};
  if (auto seq = I.audit_in(std::move(e)); !seq) return tl::unexpected(seq.error());
  return I.commit(*tx);
}

Status Archive::abandon_recording(std::string_view recording_id) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return ok;
  auto tx = Transaction::begin(I.db);
  if (!tx) return tl::unexpected(tx.error());
  auto rec = I.load_recording(recording_id);
  if (!rec) return tl::unexpected(rec.error());
  if (rec->status != RecordingStatus::pending) {
    return fail(Errc::invalid_argument, "only a pending recording can be abandoned");
  }
  for (const char* sql :
       {"DELETE FROM recording_keys WHERE recording_id = ?1",
        "DELETE FROM recording_sites WHERE recording_id = ?1",
        "DELETE FROM provenance WHERE derived_id = ?1",
        "DELETE FROM recordings_fts WHERE rowid = (SELECT rowid FROM recordings WHERE id = ?1)",
        "DELETE FROM recordings WHERE id = ?1"}) {
    auto stmt = I.db.prepare(sql);
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, recording_id);
    if (auto ok = stmt->run(); !ok) return ok;
  }
  if (auto seq = I.audit_in(I.entry("abandon", recording_id, "done",
                                    "registration dropped: the media was never stored"));
      !seq) {
    return tl::unexpected(seq.error());
  }
  if (auto ok = I.commit(*tx); !ok) return ok;
  std::error_code ec;
  I.remove_media(recording_id, ec);  // the media and any sidecar
  std::filesystem::remove(I.media_path(recording_id).string() + ".tmp", ec);
  return {};
}

Result<RecordingInfo> Archive::import_file(const std::filesystem::path& source,
                                           const NewRecording& recording, bool delete_original,
                                           const ImportOptions& options) {
  auto& I = *impl_;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source, ec)) {
    return fail(Errc::not_found, "cannot import " + source.string() + ": not a readable file");
  }
  auto reg = register_recording(recording);
  if (!reg) return tl::unexpected(reg.error());
  auto recipient = crypto::X25519Recipient::parse(reg->recipient);
  if (!recipient) return tl::unexpected(recipient.error());
  std::vector<crypto::Recipient> recipients;
  recipients.emplace_back(*recipient);
  auto media = import_media(source, recipients, reg->media_path, options);
  if (!media) {
    AuditEntry e = I.entry("import", reg->id, "failed", media.error().message());
    (void)I.audit(std::move(e));
    (void)abandon_recording(reg->id);
    return with_context(media.error(), "import " + source.filename().string());
  }
  if (auto ok = catalogue_import(reg->id, *media); !ok) return tl::unexpected(ok.error());
  if (delete_original) {
    auto identity = I.load_identity(reg->id);
    if (!identity) return tl::unexpected(identity.error());
    std::vector<crypto::Identity> identities;
    identities.emplace_back(std::move(*identity));
    auto deleted = delete_original_after_verify(source, reg->media_path, identities, *media);
    AuditEntry e = I.entry("delete_original", reg->id, deleted ? "done" : "failed",
                           deleted ? "original deleted from the source after the encrypted copy "
                                     "verified"
                                   : "original kept: " + deleted.error().message());
    if (auto ok = I.audit(std::move(e)); !ok) return tl::unexpected(ok.error());
    if (!deleted) return tl::unexpected(deleted.error());
  }
  return I.load_recording(reg->id);
}

Result<RecordingInfo> Archive::get_recording(std::string_view id) {
  if (auto ok = impl_->require_unlocked(); !ok) return tl::unexpected(ok.error());
  return impl_->load_recording(id);
}

Result<crypto::X25519Identity> Archive::recording_identity(std::string_view id) {
  return impl_->load_identity(id);
}

Status Archive::export_recording(std::string_view id, consent::Purpose purpose,
                                 const std::filesystem::path& out, ExportForm form,
                                 std::span<const crypto::Recipient> recipients,
                                 const ExportOptions& options) {
  auto& I = *impl_;
  if (form == ExportForm::encrypted && recipients.empty()) {
    return fail(Errc::invalid_argument, "an encrypted export needs at least one recipient");
  }
  GateRequest g;
  g.operation = options.legal_basis == consent::LegalBasis::none ? consent::Operation::export_
                                                                 : consent::Operation::disclose;
  g.purpose = purpose;
  g.recording_id = std::string(id);
  g.identifiability = options.identifiability;
  g.legal_basis = options.legal_basis;
  g.signed_off_by = options.signed_off_by;
  g.detail = std::string(form == ExportForm::plaintext ? "plaintext" : "encrypted") + " to " +
             out.filename().string();
  auto decision = authorize(g);
  if (!decision) return tl::unexpected(decision.error());
  if (decision->effect != consent::Effect::allow) {
    return fail(Errc::permission_denied, refusal_message(*decision));
  }
  auto identity = I.load_identity(id);
  if (!identity) return tl::unexpected(identity.error());
  std::vector<crypto::Identity> identities;
  identities.emplace_back(std::move(*identity));
  auto source = crypto::FdSource::open(I.media_path(id));
  if (!source) return tl::unexpected(source.error());
  auto decryptor = crypto::Decryptor::open(std::move(*source), identities);
  if (!decryptor) return tl::unexpected(decryptor.error());
  auto sink = crypto::AtomicFileSink::create(out);
  if (!sink) return tl::unexpected(sink.error());
  Status result;
  if (form == ExportForm::plaintext) {
    crypto::AtomicFileSink& file = **sink;
    for (;;) {
      auto chunk = decryptor->next_chunk();
      if (!chunk) {
        result = tl::unexpected(chunk.error());
        break;
      }
      if (chunk->empty()) {
        result = file.close();
        break;
      }
      if (auto ok = file.write(*chunk); !ok) {
        result = ok;
        break;
      }
    }
  } else {
    auto encryptor = crypto::Encryptor::create(recipients, std::move(*sink));
    if (!encryptor) return tl::unexpected(encryptor.error());
    for (;;) {
      auto chunk = decryptor->next_chunk();
      if (!chunk) {
        result = tl::unexpected(chunk.error());
        break;
      }
      if (chunk->empty()) {
        result = encryptor->finish();
        break;
      }
      if (auto ok = encryptor->write(*chunk); !ok) {
        result = ok;
        break;
      }
    }
  }
  AuditEntry e = I.entry("export_written", id, result ? "done" : "failed",
                         result ? "export written" : result.error().message());
  e.detail = {{"purpose", consent::to_string(purpose)},
              {"form", form == ExportForm::plaintext ? "plaintext" : "encrypted"},
              {"file", out.filename().string()}};
  if (auto ok = I.audit(std::move(e)); !ok) return ok;
  return result;
}

}  // namespace clinvid::archive
