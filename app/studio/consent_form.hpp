// The consent form as the studio edits it, apart from any UI: the fields as typed (dates as
// text, people as name and role), the purposes with their plain-words explanations, and the
// signature pad's strokes. Turning it into a consent::ConsentRecord, storing the signature and
// the record, and withdrawing purposes happen here, so tests run them without a window.
//
// Errors carry consent::validate()'s JSON pointer ("at /witness: ..."); explain_problem() turns
// one into the form field to fix and what to do next.
//
// UI thread only (it uses the signed-in Archive). Nothing is written in clear: the signature
// PNG lives in memory until Archive::store_signature encrypts it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive.hpp"
#include "consent/record.hpp"
#include "consent/signature.hpp"
#include "core/result.hpp"

namespace clinvid::studio {

// The signature pad's size in pad pixels: strokes are recorded in these units whatever the
// pad's size on screen, so the stored image does not depend on the monitor.
inline constexpr std::uint32_t kSignaturePadWidthPx = 480;
inline constexpr std::uint32_t kSignaturePadHeightPx = 160;

struct PurposeChoice {
  consent::Purpose purpose = consent::Purpose::invalid;
  bool explained = false;  // on the form only when explained to the patient
  consent::Grant grant = consent::Grant::identifiable;
};

struct PersonFields {
  std::string name;
  std::string role;  // job title or relationship
};

struct ConsentForm {
  ConsentForm();  // every purpose listed, unexplained; consented_on today

  std::string patient_id;  // the archive's pseudonymous id, "P-…"
  std::string case_ref;
  std::vector<PurposeChoice> purposes;
  std::string body_sites;  // site ids, separated by commas or spaces
  std::string storage_explained = "Encrypted in the department's clinical archive";
  consent::ConsentGiver giver = consent::ConsentGiver::patient;
  PersonFields giver_person;    // parent/guardian or proxy
  PersonFields decision_maker;  // best interests
  std::string best_interests_reasons;
  consent::Capacity capacity = consent::Capacity::presumed;
  PersonFields assessed_by;
  std::string assessed_on;  // YYYY-MM-DD
  std::string capacity_notes;
  consent::ConsentMode mode = consent::ConsentMode::written;
  PersonFields witness;
  PersonFields taken_by;
  std::string consented_on;  // YYYY-MM-DD
  std::string expires_on;    // YYYY-MM-DD or empty
  std::string comments;
  std::string exceptional_circumstances;
  std::vector<consent::SignatureStroke> strokes;  // in pad pixels
};

// What the purpose means, in the words read to the patient.
[[nodiscard]] std::string_view plain_words(consent::Purpose purpose) noexcept;

// The body-site ids of `text` (commas or spaces between them), in order, without repeats.
[[nodiscard]] std::vector<std::string> split_sites(std::string_view text);
// True when any listed site is intimate (the form then needs the site named and written consent).
[[nodiscard]] bool names_intimate_site(const ConsentForm& form);

// The record the form describes, with `signature` (nullopt before it is stored). Errors name
// the field by JSON pointer, as consent::validate does.
[[nodiscard]] Result<consent::ConsentRecord> to_record(
    const ConsentForm& form, std::optional<consent::SignatureRef> signature);

// Where a problem is on the form, for the person filling it in.
struct FormProblem {
  std::string field;      // the widget's probe name, e.g. "consent.witness_name"; may be empty
  std::string label;      // "Witness"
  std::string message;    // the error as the engine worded it
  std::string next_step;  // what to do about it
};
[[nodiscard]] FormProblem explain_problem(const Error& error);

struct SavedConsent {
  std::string consent_id;
  std::optional<consent::SignatureRef> signature;
};

// Checks the whole form first (so nothing is stored for a form that would be refused), then,
// for written consent, rasterises the strokes to PNG and stores it encrypted
// (Archive::store_signature), then records the form (Archive::add_consent). Both are audited.
[[nodiscard]] Result<SavedConsent> save_consent(archive::Archive& archive, const ConsentForm& form);

struct WithdrawalForm {
  std::string consent_id;
  std::vector<consent::Purpose> purposes;
  std::string withdrawn_on;  // YYYY-MM-DD; empty: today
  std::string notes;
  PersonFields recorded_by;  // empty name: the signed-in user
};

// Records the withdrawal (Archive::withdraw_consent): future use for those purposes stops and
// derived films are flagged; returns what was flagged.
[[nodiscard]] Result<std::vector<consent::FlaggedItem>> withdraw(archive::Archive& archive,
                                                                 const WithdrawalForm& form);

}  // namespace clinvid::studio
