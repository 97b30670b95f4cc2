// The catalogue's schema and its migrations, one step per PRAGMA user_version.
#include "archive/archive_impl.hpp"

namespace clinvid::archive {
namespace {

// Version 1. Identifiers and consent forms are sealed blobs; everything in clear here is
// catalogue metadata that the search needs (procedure, notes, tags, body sites, dates).
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL);
CREATE TABLE users(
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  created_at TEXT NOT NULL,
  kdf_salt BLOB NOT NULL,
  kdf_ops INTEGER NOT NULL,
  kdf_mem INTEGER NOT NULL,
  sealed_archive_key BLOB NOT NULL);
CREATE TABLE patients(
  id TEXT PRIMARY KEY,
  sealed_identity BLOB NOT NULL,
  nhs_hash BLOB UNIQUE,
  name_hash BLOB,
  dob_hash BLOB,
  created_at TEXT NOT NULL);
CREATE INDEX patients_name ON patients(name_hash);
CREATE TABLE cases(
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  created_at TEXT NOT NULL);
CREATE TABLE sessions(
  id TEXT PRIMARY KEY,
  case_id TEXT REFERENCES cases(id),
  created_at TEXT NOT NULL);
CREATE TABLE consents(
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  sealed_record BLOB NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE TABLE recordings(
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK(status IN ('pending', 'active', 'erased')),
  patient_id TEXT NOT NULL REFERENCES patients(id),
  consent_id TEXT REFERENCES consents(id),
  kind TEXT NOT NULL,
  purposes TEXT NOT NULL,
  recorded_on TEXT NOT NULL,
  case_ref TEXT NOT NULL DEFAULT '',
  session_ref TEXT NOT NULL DEFAULT '',
  view TEXT NOT NULL DEFAULT '',
  procedure TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '[]',
  project TEXT NOT NULL DEFAULT '',
  media_kind TEXT NOT NULL DEFAULT '',
  container TEXT NOT NULL DEFAULT '',
  codec TEXT NOT NULL DEFAULT '',
  camera TEXT NOT NULL DEFAULT '',
  calibration_profile TEXT NOT NULL DEFAULT '',
  delta_e00_mean REAL,
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  duration TEXT NOT NULL DEFAULT '',
  plaintext_bytes INTEGER NOT NULL DEFAULT 0,
  sha256 TEXT NOT NULL DEFAULT '',
  recipient TEXT NOT NULL,
  streams TEXT NOT NULL DEFAULT '[]',
  markers TEXT NOT NULL DEFAULT '[]',
  metadata_removed TEXT NOT NULL DEFAULT '[]',
  quality TEXT NOT NULL DEFAULT '[]',
  manifest TEXT NOT NULL DEFAULT '{}',
  flagged INTEGER NOT NULL DEFAULT 0,
  flag_reason TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX recordings_patient ON recordings(patient_id);
CREATE INDEX recordings_date ON recordings(recorded_on);
CREATE INDEX recordings_consent ON recordings(consent_id);
CREATE TABLE recording_sites(
  recording_id TEXT NOT NULL REFERENCES recordings(id),
  site TEXT NOT NULL,
  laterality TEXT NOT NULL,
  PRIMARY KEY(recording_id, site, laterality));
CREATE INDEX recording_sites_site ON recording_sites(site);
CREATE TABLE recording_keys(
  recording_id TEXT PRIMARY KEY REFERENCES recordings(id),
  sealed_secret BLOB NOT NULL);
CREATE TABLE provenance(
  derived_id TEXT NOT NULL REFERENCES recordings(id),
  source_id TEXT NOT NULL REFERENCES recordings(id),
  project TEXT NOT NULL DEFAULT '',
  purposes TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY(derived_id, source_id));
CREATE INDEX provenance_source ON provenance(source_id);
CREATE TABLE legal_holds(
  id INTEGER PRIMARY KEY,
  recording_id TEXT NOT NULL REFERENCES recordings(id),
  reason TEXT NOT NULL,
  placed_by TEXT NOT NULL,
  placed_at TEXT NOT NULL,
  released_by TEXT,
  released_at TEXT);
CREATE TABLE tombstones(
  recording_id TEXT PRIMARY KEY REFERENCES recordings(id),
  erased_at TEXT NOT NULL,
  erased_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  sha256 TEXT NOT NULL);
CREATE TABLE audit(
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_name TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  outcome TEXT NOT NULL,
  rule TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL);
CREATE TABLE audit_checkpoints(
  seq INTEGER PRIMARY KEY,
  head_hash BLOB NOT NULL,
  at TEXT NOT NULL,
  signature BLOB NOT NULL);
-- Append-only: the application never updates or deletes audit rows. (A person with the file
-- can still drop these triggers; the hash chain is what detects that.)
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
-- Full-text index; its rowid is the recording's rowid (set on insert), so a match yields
-- recordings without reading the index's own copy of the text.
CREATE VIRTUAL TABLE recordings_fts USING fts5(
  procedure, notes, tags, body_sites,
  tokenize = 'unicode61 remove_diacritics 2');
)sql";

// v2: edit projects (timeline JSON), sealed with the archive key: they name recordings and
// carry titles and captions that may describe the patient.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE projects(
  name TEXT PRIMARY KEY,
  sealed_json BLOB NOT NULL,
  revision INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL);
)sql";

struct Migration {
  int to_version;
  std::string_view sql;
};
constexpr Migration kMigrations[] = {{1, kSchemaV1}, {2, kSchemaV2}};

}  // namespace

Result<int> schema_version(Db& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  if (!stmt) return tl::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  return static_cast<int>(stmt->col_int(0));
}

Status migrate(Db& db) {
  auto tx = Transaction::begin(db);
  if (!tx) return tl::unexpected(tx.error());
  auto version = schema_version(db);
  if (!version) return tl::unexpected(version.error());
  if (*version > kSchemaVersion) {
    return fail(Errc::unsupported, "the catalogue has schema version " + std::to_string(*version) +
                                       "; this clinvid knows up to " +
                                       std::to_string(kSchemaVersion) + ": upgrade clinvid");
  }
  for (const Migration& m : kMigrations) {
    if (m.to_version <= *version) continue;
    if (auto ok = db.exec(m.sql); !ok) return with_context(ok.error(), "migration");
    if (auto ok = db.exec("PRAGMA user_version = " + std::to_string(m.to_version)); !ok) {
      return ok;
    }
  }
  return tx->commit();
}

}  // namespace clinvid::archive
