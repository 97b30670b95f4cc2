// A consent record: the clinical consent form for recordings, as a plain value the archive
// stores (SQLite, JSON column) and the policy engine reads.
//
// It mirrors the form: the purposes explained and what was granted for each, how the
// recording will be stored, who consented (the patient; a parent or guardian and their
// relationship; a legal proxy; or a best-interests decision and its decision-maker), the
// capacity assessment, written or verbal, signature, witness, dates, comments, the
// exceptional circumstances (children, intimate sites) and any withdrawals.
//
// Personal data: names of givers, witnesses and staff are personal data and the archive
// stores the record encrypted. The patient appears only as a pseudonymous reference,
// never a name or NHS number (validate() refuses a reference that looks like one).
//
// JSON: "format": "clinvid.consent/1"; unknown fields are errors; every error names the
// JSON pointer of the offending value ("at /withdrawals/0/purposes/1: unknown purpose ...").
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "consent/date.hpp"
#include "consent/vocabulary.hpp"
#include "core/id.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

namespace clinvid::consent {

inline constexpr std::string_view kConsentFormat = "clinvid.consent/1";

struct Person {
  std::string name;
  std::string role;  // job title or relationship as written on the form

  friend bool operator==(const Person&, const Person&) = default;
};

struct PurposeConsent {
  Purpose purpose = Purpose::invalid;
  Grant grant = Grant::invalid;

  friend bool operator==(const PurposeConsent&, const PurposeConsent&) = default;
};

struct CapacityAssessment {
  Capacity outcome = Capacity::invalid;
  std::optional<Person> assessed_by;  // required unless outcome is presumed
  std::optional<Date> assessed_on;    // required unless outcome is presumed
  std::string notes;

  friend bool operator==(const CapacityAssessment&, const CapacityAssessment&) = default;
};

// Required when the giver is best_interests (GMC recordings para 31; MCA 2005 s4).
struct BestInterestsDecision {
  Person decision_maker;
  std::string reasons;  // why the recording is necessary and in the patient's best interests

  friend bool operator==(const BestInterestsDecision&, const BestInterestsDecision&) = default;
};

// The signed form's image is media like any other: stored encrypted by the archive and
// referenced here with the SHA-256 of its bytes, so a swapped image is detected.
struct SignatureRef {
  std::string media_ref;   // archive id of the scanned or captured signature
  std::string sha256_hex;  // 64 lower-case hex digits

  friend bool operator==(const SignatureRef&, const SignatureRef&) = default;
};

struct Withdrawal {
  Date withdrawn_on;              // no use for these purposes from this date (inclusive)
  std::vector<Purpose> purposes;  // non-empty; each must be on the form
  Person recorded_by;
  std::string notes;

  friend bool operator==(const Withdrawal&, const Withdrawal&) = default;
};

struct ConsentRecord {
  Uuid id;
  std::string patient_ref;  // pseudonymous patient id
  std::string case_ref;
  std::vector<PurposeConsent> purposes;  // the purposes explained, each once
  std::vector<std::string> body_sites;   // body-site ids the consent names (may be empty)
  std::string storage_explained;         // how the patient was told it will be stored
  ConsentGiver giver = ConsentGiver::invalid;
  std::optional<Person> giver_person;  // parent/guardian or proxy: name and relationship
  std::optional<BestInterestsDecision> best_interests;
  CapacityAssessment capacity;
  ConsentMode mode = ConsentMode::invalid;
  std::optional<SignatureRef> signature;  // required for written consent
  std::optional<Person> witness;          // required for verbal consent
  Person taken_by;                        // the professional who took consent
  Date consented_on;
  std::optional<Date> expires_on;  // last day the consent is in force
  std::string comments;
  std::string exceptional_circumstances;  // why a child / intimate recording is needed
  std::vector<Withdrawal> withdrawals;

  friend bool operator==(const ConsentRecord&, const ConsentRecord&) = default;
};

// Errc::invalid_argument naming the field by JSON pointer when the record is not a complete,
// coherent form: missing id/patient/taker, duplicate or invalid purposes, an unknown body
// site, a giver without the details their route needs (relationship; decision-maker; an
// assessment that the patient lacks capacity for a proxy or best-interests route, or that
// they do not for their own consent), written without signature, verbal without witness,
// expiry before consent, a withdrawal before consent or naming a purpose not on the form.
[[nodiscard]] Status validate(const ConsentRecord& record);

// The grant for `purpose`, or nullopt when the purpose was not explained on the form.
[[nodiscard]] std::optional<Grant> grant_for(const ConsentRecord& record, Purpose purpose);

// Where the consent for one purpose stands on a given day, in the order the engine asks:
// not yet given (dated after `on`), withdrawn (a withdrawal dated on or before `on` names
// the purpose), expired (`on` after expires_on), then what the form says.
enum class ConsentState {
  invalid = 0,
  none,  // no consent record at all (set by the engine, never by consent_state)
  not_yet_given,
  withdrawn,
  expired,
  not_asked,  // the purpose was not explained on the form
  refused,
  anonymised_only,
  identifiable,
};

[[nodiscard]] std::string_view to_string(ConsentState value) noexcept;
[[nodiscard]] Result<ConsentState> parse_consent_state(std::string_view text);

[[nodiscard]] ConsentState consent_state(const ConsentRecord& record, Purpose purpose,
                                         const Date& on);

// Withdrawal and what was made from the recording. The archive passes every item derived
// (by provenance) from recordings under the withdrawn consent, with the purposes each is
// catalogued for; every item used for a withdrawn purpose, or catalogued with no purpose,
// must be flagged: its future use is refused by the policy (it inherits the withdrawal) and
// a person must review copies already outside the archive (published, given out).
struct DerivedItem {
  std::string id;
  std::vector<Purpose> purposes;
};

struct FlaggedItem {
  std::string id;
  std::vector<Purpose> withdrawn_purposes;  // empty when flagged for having no purpose
  std::string reason;                       // for the audit row and the library view
};

[[nodiscard]] std::vector<FlaggedItem> derived_items_to_flag(const Withdrawal& withdrawal,
                                                             std::span<const DerivedItem> items);

// JSON, "format": "clinvid.consent/1". to_json writes every field (absent optionals are
// omitted); from_json validates structure and then validate(), errors naming the pointer.
[[nodiscard]] Json to_json(const ConsentRecord& record);
[[nodiscard]] Result<ConsentRecord> consent_record_from_json(const Json& doc);

}  // namespace clinvid::consent
