// The consent policy engine: given a policy and a request to do something with patient
// media, decide allow / refuse / needs_signoff, naming the rule and the reason.
//
// Every operation on patient media asks here first (DESIGN invariant 3), and the caller
// writes an audit row for every decision, allowed or not: Decision::audit_required is
// always true so no caller can conclude otherwise.
//
// Evaluation is deterministic and pure (no clock, no I/O, no global state):
//  1. The request is checked and reduced to Facts (derive_facts): age on the day of the
//     recording, where consent for the purpose stands on the day of the request, whether
//     any filmed site is intimate, and so on.
//  2. Rules are tried in file order; the first whose `when` holds and whose `unless` does
//     not hold decides. No applicable rule: refused (policy.default_id).
//  3. A needs_signoff decision is returned only if signing off could help: the engine asks
//     again as if the named role had signed off, and if that answer is refuse it returns
//     the refusal instead (no one is asked to sign off what would be refused anyway).
//
// Thread-safety: all functions are reentrant; a Policy may be shared read-only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "consent/body_site.hpp"
#include "consent/date.hpp"
#include "consent/policy.hpp"
#include "consent/record.hpp"
#include "consent/vocabulary.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

namespace clinvid::consent {

struct Request {
  Operation operation = Operation::invalid;
  // The purpose the operation serves. May be invalid only for erase and audit_review.
  Purpose purpose = Purpose::invalid;
  Role role = Role::invalid;
  // The role of the user who signed this request off; invalid = none. The caller vouches
  // that it is the authenticated role of a *different* user who approved this very request
  // (the engine cannot check identities); both users go in the audit row.
  Role signoff_by = Role::invalid;

  std::string patient_ref;                // must match the consent record's
  std::optional<Date> date_of_birth;      // unknown: the children's rules cannot be applied
  Capacity capacity = Capacity::invalid;  // the patient's capacity now
  std::optional<ConsentRecord> consent;   // the form covering this recording, if any

  RecordingKind recording_kind = RecordingKind::invalid;
  std::vector<SiteRef> sites;  // what was filmed; required for external photo and video
  Identifiability identifiability = Identifiability::invalid;  // of the item as used
  LegalBasis legal_basis = LegalBasis::none;                   // for disclosure

  Date recorded_on;  // the day the recording was (or, for record, is being) made
  Date on;           // the day of the request
};

// What the rules test; see condition_names() for each fact's meaning.
struct Facts {
  Operation operation = Operation::invalid;
  Purpose purpose = Purpose::invalid;
  Role role = Role::invalid;
  RecordingKind recording_kind = RecordingKind::invalid;
  bool implicit_consent_kind = false;
  bool intimate_site = false;
  std::vector<std::string> body_sites;
  std::optional<int> age_years;  // completed years on the day of the recording
  Capacity capacity = Capacity::invalid;
  ConsentState consent = ConsentState::invalid;
  std::optional<ConsentMode> consent_mode;
  std::optional<ConsentGiver> consent_giver;
  std::optional<Capacity> consent_capacity;
  bool sites_on_consent = false;
  bool exceptional_circumstances_recorded = false;
  Identifiability identifiability = Identifiability::invalid;
  LegalBasis legal_basis = LegalBasis::invalid;
  std::optional<Role> signoff_by;

  friend bool operator==(const Facts&, const Facts&) = default;
};

struct Decision {
  Effect effect = Effect::invalid;
  std::string rule_id;                // the deciding rule, or the policy's default_id
  std::string reason;                 // plain words, the rule's text
  std::string guidance;               // what the rule implements
  Role signoff_role = Role::invalid;  // who must sign off (needs_signoff only)
  std::string policy;                 // "<policy_id>@<version>", for the audit row
  bool audit_required = true;         // always: allowed and refused requests are both audited
};

// Errc::invalid_argument naming the field for a malformed request: an invalid enum, an
// unknown body site or wrong laterality, no site for an external recording, dates out of
// order (born after the recording, recording after the request), an invalid consent
// record or one for another patient.
[[nodiscard]] Result<Facts> derive_facts(const Request& request);

[[nodiscard]] bool matches(const Conditions& conditions, const Facts& facts);

[[nodiscard]] Result<Decision> evaluate(const Policy& policy, const Request& request);

// For the audit row: the facts and the decision, stable field names.
[[nodiscard]] Json to_json(const Facts& facts);
[[nodiscard]] Json to_json(const Decision& decision);

}  // namespace clinvid::consent
