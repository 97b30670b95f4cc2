// The catalogued archive (DESIGN "Catalogue" and "Keys"): one directory holding a SQLite
// catalogue (catalogue.db) and the encrypted media (media/<uuid>.age).
//
// Every operation on patient media asks the consent policy first and appends an audit row,
// allowed or refused (DESIGN invariant 3). Identifiers (name, NHS number, date of birth) and
// consent forms are stored sealed with subkeys of the archive key; patients are found by keyed
// hash. Each recording has its own X25519 identity whose secret is sealed by the archive key;
// erasing a recording deletes that sealed secret and the media, leaving a tombstone
// (crypto-shredding: copies of the media elsewhere cannot be opened with anything the archive
// holds).
//
// Opening: open() checks the file (PRAGMA integrity_check, or quick_check above 256 MiB) and
// refuses a damaged catalogue with Errc::corrupt before anything is written to it; it then
// migrates the schema (PRAGMA user_version). Operations other than audit verification need a
// user unlocked with their passphrase.
//
// Concurrency: any number of processes may use one archive. Writes are BEGIN IMMEDIATE
// transactions with a busy timeout; the audit head is read and extended inside the same
// transaction, so concurrent appends never fork the chain. One Archive object belongs to one
// thread at a time.
//
// For capture (`clinvid record`): unlock as the user, then
//   auto reg = archive.register_recording(new_recording);  // asks the gate per purpose;
//       // refused: Errc::permission_denied "refused by rule <id>: <reason>", already audited
//   ... write the media encrypted to reg->recipient at reg->media_path ...
//   archive.catalogue_manifest(reg->id, manifest);  // or abandon_recording(reg->id) on failure
// To ask "may this user do X for purpose P" without acting: authorize(GateRequest) returns
// the Decision (allow / refuse / needs_signoff with rule and reason) and audits it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "archive/audit.hpp"
#include "archive/import_media.hpp"
#include "archive/vault.hpp"
#include "consent/body_site.hpp"
#include "consent/date.hpp"
#include "consent/evaluate.hpp"
#include "consent/policy.hpp"
#include "consent/record.hpp"
#include "core/id.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "crypto/secret.hpp"

namespace clinvid::archive {

class Archive;

inline constexpr int kSchemaVersion = 2;
inline constexpr std::string_view kCatalogueFile = "catalogue.db";
inline constexpr std::string_view kMediaDir = "media";

// Today's date in UTC (the day an operation is asked for).
[[nodiscard]] consent::Date today_utc();
// An ISO 8601 UTC timestamp to the second: "2026-11-22T22:10:00Z".
[[nodiscard]] std::string now_utc();

// NHS number: 10 digits, spaces or dashes allowed, modulus-11 check digit. Returns the 10
// digits; Errc::invalid_argument naming what is wrong (never echoing the number).
[[nodiscard]] Result<std::string> normalise_nhs_number(std::string_view text);

// The FTS5 query for user search text: each whitespace-separated word becomes a quoted string
// (inner quotes doubled), so FTS5 syntax in user input is matched as words, never obeyed; a
// trailing '*' on a word asks for a prefix match. Empty when there are no words.
[[nodiscard]] std::string fts_query(std::string_view text);

// How a refusal is worded everywhere (archive errors, the film gate, the CLI):
// "refused by rule <id>: <reason>" or "needs sign-off by a <role> (rule <id>): <reason>".
[[nodiscard]] std::string refusal_message(const consent::Decision& decision);

struct UserInfo {
  std::string name;
  consent::Role role = consent::Role::invalid;
  std::string created_at;
};

struct PatientIdentity {
  std::string name;
  std::string nhs_number;  // may be empty (e.g. overseas visitor)
  std::optional<consent::Date> date_of_birth;
};

struct Patient {
  std::string id;  // pseudonymous, "P-" + 12 base32 characters
  PatientIdentity identity;
  std::string created_at;
};

// Every given field must match (names compare case- and space-insensitively).
struct PatientQuery {
  std::optional<std::string> name;
  std::optional<std::string> nhs_number;
  std::optional<consent::Date> date_of_birth;
};

enum class RecordingStatus {
  invalid = 0,
  pending,  // registered, media being written
  active,   // catalogued
  erased,   // key and media destroyed; a tombstone remains
};
[[nodiscard]] std::string_view to_string(RecordingStatus status) noexcept;

// What a new recording (or derived film, or imported file) is, before its media exists.
struct NewRecording {
  std::string patient_id;
  std::string consent_id;
  consent::RecordingKind kind = consent::RecordingKind::invalid;
  std::vector<consent::SiteRef> sites;
  std::vector<consent::Purpose> purposes;    // what it is catalogued for; non-empty
  std::optional<consent::Date> recorded_on;  // default: today
  std::string case_ref;
  std::string session_ref;
  std::string view;       // "anterior", "lateral", ...
  std::string procedure;  // free text, searchable
  std::string notes;      // free text, searchable: no identifiers (they are not encrypted)
  std::vector<std::string> tags;
  // Provenance, for derived media: the recordings it was made from and the project.
  std::vector<std::string> derived_from;
  std::string project;
  // Whether the media identifies the patient: a derived film whose marked faces are all
  // redacted is anonymised, which is what an anonymised-only consent allows.
  consent::Identifiability identifiability = consent::Identifiability::identifiable;
};

struct RegisteredRecording {
  std::string id;                    // UUID
  std::string recipient;             // "age1…": encrypt the media to this
  std::filesystem::path media_path;  // <archive>/media/<id>.age
};

struct RecordingInfo {
  std::string id;
  RecordingStatus status = RecordingStatus::invalid;
  std::string patient_id;
  std::string consent_id;
  consent::RecordingKind kind = consent::RecordingKind::invalid;
  std::vector<consent::SiteRef> sites;
  std::vector<consent::Purpose> purposes;
  consent::Date recorded_on;
  std::string case_ref, session_ref, view, procedure, notes, project;
  std::vector<std::string> tags;
  std::vector<std::string> derived_from;
  std::string media_kind, container, codec, camera, calibration_profile;
  std::optional<double> delta_e00_mean;
  int width = 0, height = 0;
  std::string duration;  // rational seconds "n/d", or empty
  std::uint64_t plaintext_bytes = 0;
  std::string sha256_hex;
  std::string recipient;
  Json streams = Json::array();
  Json markers = Json::array();
  Json metadata_removed = Json::array();
  Json quality = Json::array();
  bool flagged = false;
  std::string flag_reason;
  bool legal_hold = false;
  std::string created_by, created_at;
};

struct SearchQuery {
  std::string text;  // words, each matched as a literal token (prefix* allowed at the end)
  std::optional<std::string> patient_id;
  std::optional<consent::Date> from, to;  // recorded_on, inclusive
  std::optional<consent::Purpose> purpose;
  std::optional<consent::ConsentState> consent_state;  // for `purpose` (or clinical_record)
  std::optional<std::string> body_site;
  bool include_erased = false;
  int limit = 100;
};

// A question to the consent gate. For an existing recording give recording_id and the rest
// comes from the catalogue; for a new one give patient, consent, kind and sites.
struct GateRequest {
  consent::Operation operation = consent::Operation::invalid;
  consent::Purpose purpose = consent::Purpose::invalid;
  std::optional<std::string> recording_id;
  std::string patient_id;
  std::optional<std::string> consent_id;
  consent::RecordingKind kind = consent::RecordingKind::invalid;
  std::vector<consent::SiteRef> sites;
  consent::Identifiability identifiability = consent::Identifiability::identifiable;
  consent::LegalBasis legal_basis = consent::LegalBasis::none;
  std::optional<consent::Date> recorded_on;  // default: today
  std::optional<consent::Date> on;           // default: today
  std::string detail;                        // for the audit row (e.g. the output file)
  // A second user who signs this request off (a supervisor for a trainee; the IG officer for
  // an erasure or disclosure): their own Archive on the same archive, unlocked with their
  // passphrase. Their role goes to the policy; both users go in the audit row.
  const Archive* signed_off_by = nullptr;
};

enum class ExportForm {
  invalid = 0,
  encrypted,  // re-encrypted to the given recipients (age v1)
  plaintext,  // decrypted: the one way plaintext leaves the archive, audited as such
};

struct ExportOptions {
  consent::Identifiability identifiability = consent::Identifiability::identifiable;
  consent::LegalBasis legal_basis = consent::LegalBasis::none;
  const Archive* signed_off_by = nullptr;  // see GateRequest::signed_off_by
};

// A saved edit project (its JSON is sealed in the catalogue).
struct ProjectInfo {
  std::string name;
  std::int64_t revision = 0;  // 1 on first save, +1 on each save
  std::string created_by, created_at, updated_by, updated_at;
};

struct RetentionItem {
  std::string recording_id;
  consent::Date review_date;  // latest over the purposes it is held for
  std::string action;         // "erased", "due", "held (legal hold)", "kept", "error: ..."
};

enum class SessionEvent { invalid = 0, locked, unlocked, unlock_refused };

class Archive {
 public:
  // Creates a new archive in `dir` (which must be empty or absent) with its first user, who
  // should be the information-governance officer.
  [[nodiscard]] static Result<Archive> create(const std::filesystem::path& dir,
                                              std::string_view user, consent::Role role,
                                              const crypto::SecretBytes& passphrase,
                                              KdfStrength strength = kdf_strength_from_env());
  // Opens an existing archive (integrity check, migrations). Locked: only audit verification
  // and user listing work until unlock().
  [[nodiscard]] static Result<Archive> open(const std::filesystem::path& dir);

  ~Archive();
  Archive(Archive&&) noexcept;
  Archive& operator=(Archive&&) noexcept;
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  // Errc::crypto for a wrong passphrase, Errc::not_found for an unknown user; both are
  // audited as refused logins.
  [[nodiscard]] Status unlock(std::string_view user, const crypto::SecretBytes& passphrase);
  [[nodiscard]] bool unlocked() const noexcept;
  [[nodiscard]] const UserInfo& user() const;
  [[nodiscard]] const std::filesystem::path& dir() const noexcept;
  [[nodiscard]] const consent::Policy& policy() const noexcept;
  // Replaces the default policy (an organisation's file, already checked by load_policy_file).
  void set_policy(consent::Policy policy);

  // --- users (information-governance officer only; refusals audited)
  [[nodiscard]] Status add_user(std::string_view name, consent::Role role,
                                const crypto::SecretBytes& passphrase,
                                KdfStrength strength = kdf_strength_from_env());
  [[nodiscard]] Result<std::vector<UserInfo>> list_users();

  // --- patients
  [[nodiscard]] Result<std::string> add_patient(const PatientIdentity& identity);
  [[nodiscard]] Result<std::vector<Patient>> find_patients(const PatientQuery& query);
  [[nodiscard]] Result<Patient> get_patient(std::string_view id);

  // --- consent forms (record.patient_ref must be the archive's patient id)
  [[nodiscard]] Result<std::string> add_consent(consent::ConsentRecord record);
  [[nodiscard]] Result<consent::ConsentRecord> get_consent(std::string_view id);
  // Records the withdrawal and flags every recording derived from recordings under this
  // consent that is used for a withdrawn purpose. Returns what was flagged.
  [[nodiscard]] Result<std::vector<consent::FlaggedItem>> withdraw_consent(
      std::string_view id, consent::Withdrawal withdrawal);

  // --- signatures on written consent forms: the signed image (PNG) is stored age-encrypted at
  // <archive>/signatures/<id>.age, to an X25519 identity derived from the archive key and the
  // id (Vault::derive_secret), so nothing needs a new catalogue table. store_signature refuses
  // bytes that are not a PNG, over 8 MiB, or for an unknown patient; both calls are audited.
  // The returned reference (id + SHA-256 of the PNG) goes into ConsentRecord::signature.
  [[nodiscard]] Result<consent::SignatureRef> store_signature(std::string_view patient_id,
                                                              std::span<const std::uint8_t> png);
  // Decrypts the image; Errc::corrupt when its SHA-256 differs from the form's (swapped or
  // altered), Errc::not_found when there is no such signature.
  [[nodiscard]] Result<std::vector<std::uint8_t>> load_signature(const consent::SignatureRef& ref);
  [[nodiscard]] std::filesystem::path signature_path(std::string_view media_ref) const;

  // --- the studio's screen lock: an audit row when a signed-in session is locked, unlocked or
  // refused an unlock (a wrong passphrase), so an IG review sees unattended workstations.
  [[nodiscard]] Status record_session_event(SessionEvent event, std::string_view reason);

  // --- the consent gate: "may this user do OPERATION for PURPOSE". Writes one audit row
  // whatever the answer; a refusal is a Decision, not an error.
  [[nodiscard]] Result<consent::Decision> authorize(const GateRequest& request);

  // --- recordings
  // Asks the gate to `record` for every purpose; Errc::permission_denied naming the rule on
  // refusal. Then creates the recording's X25519 identity (secret sealed by the archive key)
  // and a pending catalogue row. Encrypt the media to `recipient` at `media_path`.
  [[nodiscard]] Result<RegisteredRecording> register_recording(const NewRecording& recording);
  // Catalogues a registered recording from its capture manifest (JSON object; known fields:
  // streams, camera, calibration_profile, delta_e00_mean, markers, width, height, duration,
  // container, codec, notes, procedure, view, tags). The media file must exist.
  [[nodiscard]] Status catalogue_manifest(std::string_view recording_id, const Json& manifest);
  // Catalogues a registered recording from what import_media() reported.
  [[nodiscard]] Status catalogue_import(std::string_view recording_id, const ImportedMedia& media);
  // Drops a pending recording whose media was never written (import failed): key, row, file.
  [[nodiscard]] Status abandon_recording(std::string_view recording_id);
  // register_recording + import_media + catalogue_import, and on request verify and delete
  // the original. Nothing is catalogued if the import fails.
  [[nodiscard]] Result<RecordingInfo> import_file(const std::filesystem::path& source,
                                                  const NewRecording& recording,
                                                  bool delete_original,
                                                  const ImportOptions& options = {});

  [[nodiscard]] Result<RecordingInfo> get_recording(std::string_view id);
  [[nodiscard]] Result<std::vector<RecordingInfo>> search(const SearchQuery& query);
  // The recording's identity, for a caller that was allowed to view it (authorize first).
  [[nodiscard]] Result<crypto::X25519Identity> recording_identity(std::string_view id);

  // Gate (export_) then writes the media to `out` (through out.tmp), re-encrypted to
  // `recipients` or in plaintext. Errc::permission_denied naming the rule on refusal.
  // With a legal basis other than none it is a disclosure to a third party (operation
  // disclose: GMC-REC 15-16), decided and audited as such.
  [[nodiscard]] Status export_recording(std::string_view id, consent::Purpose purpose,
                                        const std::filesystem::path& out, ExportForm form,
                                        std::span<const crypto::Recipient> recipients,
                                        const ExportOptions& options = {});

  // Gate (erase), refused under a legal hold; deletes the sealed key and the media, leaves a
  // tombstone and an audit row.
  [[nodiscard]] Status erase_recording(std::string_view id, std::string_view reason,
                                       const Archive* signed_off_by = nullptr);
  [[nodiscard]] Status place_legal_hold(std::string_view id, std::string_view reason);
  [[nodiscard]] Status release_legal_hold(std::string_view id, std::string_view reason);
  // Recordings past the retention period of every purpose they are held for on `on`; with
  // `apply`, each is erased (unless held), audited as a retention erasure.
  [[nodiscard]] Result<std::vector<RetentionItem>> run_retention(const consent::Date& on,
                                                                 bool apply);

  // --- edit projects: timeline JSON sealed with the archive key (never in clear on disk).
  // save_project creates or replaces; each save and open is audited. Names are 1-100
  // characters of letters, digits, space, '-', '_' and '.'.
  [[nodiscard]] Result<ProjectInfo> save_project(std::string_view name, std::string_view json_text);
  [[nodiscard]] Result<std::string> load_project(std::string_view name);
  [[nodiscard]] Result<std::vector<ProjectInfo>> list_projects();

  // Where a recording's encrypted media is: <archive>/media/<id>.age.
  [[nodiscard]] std::filesystem::path media_path(std::string_view recording_id) const;
  // Where a sidecar of a recording (e.g. "vtt" captions of a film) is kept, encrypted to the
  // recording's recipient: <archive>/media/<id>.<ext>.age. Erasure removes it with the media.
  [[nodiscard]] std::filesystem::path sidecar_path(std::string_view recording_id,
                                                   std::string_view ext) const;

  // --- audit
  // Verification needs no unlocked user: the chain and the public signing key suffice.
  [[nodiscard]] Result<AuditReport> verify_audit();
  // Every audit row as a JSON line (for an IG review); gated as audit_review, and audited.
  [[nodiscard]] Status export_audit(const std::function<void(const std::string&)>& line);

 private:
  struct Impl;
  explicit Archive(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clinvid::archive
