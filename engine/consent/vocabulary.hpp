// The words of clinical-photography consent that records, policies and requests share:
// purposes, operations, roles, capacity, who consented and how, legal bases for disclosure.
//
// Every enum has `invalid = 0` (never valid in a record or request; catches uninitialised
// values) and a stable lower_snake_case spelling used in JSON, policy files and the audit log.
// Spellings are append-only: a stored consent form or audit row must keep its meaning.
#pragma once

#include <span>
#include <string_view>

#include "core/result.hpp"

namespace clinvid::consent {

// What a recording is used for. Consent is given, refused and withdrawn per purpose
// (GMC, Making and using visual and audio recordings of patients, 2011/2013).
enum class Purpose {
  invalid = 0,
  clinical_record,            // the patient's own care: part of the health record
  teaching,                   // teaching and training inside the organisation
  research,                   // research (with ethics approval where the law needs it)
  publication,                // journals, books, conferences, web: the public domain
  safeguarding_medico_legal,  // child/adult protection, forensic and medico-legal reports
};

// What a user asks to do with patient media (DESIGN invariant 3).
enum class Operation {
  invalid = 0,
  record,        // make a recording
  view,          // see or play it inside clinvid
  edit,          // change it or its annotations in place (trim, redact, caption)
  derive,        // make a new item from it (a teaching film, a still, a montage)
  export_,       // "export": write a decrypted copy out of the archive for the purpose
  disclose,      // release it to a third party outside the care team (court, police, journal)
  erase,         // destroy it (crypto-shredding)
  audit_review,  // read the audit trail about it (not the media)
};

// A user's role in the organisation. Supervised roles act within their scope; beyond it
// their request waits for a supervisor's sign-off.
enum class Role {
  invalid = 0,
  photographer,                    // registered clinical photographer / medical illustrator
  clinician,                       // doctor, nurse or AHP responsible for the patient's care
  educator,                        // makes teaching films
  researcher,                      // works on an approved study
  information_governance_officer,  // IG lead / Caldicott delegate: disclosure and erasure
  auditor,                         // reads the audit trail; never the media
  trainee,                         // supervised: doctor in training, trainee photographer
  assistant_practitioner,          // supervised: assistant practitioner in medical illustration
};

// The outcome of a capacity assessment (Mental Capacity Act 2005; Gillick competence for
// children). Adults are presumed to have capacity unless assessed otherwise; a child's
// own consent needs an assessment that they are competent.
enum class Capacity {
  invalid = 0,
  presumed,        // no reason to doubt (adults only), nothing assessed
  has_capacity,    // assessed: has capacity / Gillick-competent for this decision
  lacks_capacity,  // assessed: lacks capacity for this decision
};

// Who gave (or refused) the consent.
enum class ConsentGiver {
  invalid = 0,
  patient,          // the patient themself (an adult, or a competent child)
  parent_guardian,  // a person with parental responsibility for a child
  legal_proxy,      // a health and welfare attorney or court-appointed deputy
  best_interests,   // no consent possible: a best-interests decision by a named decision-maker
};

enum class ConsentMode {
  invalid = 0,
  written,  // signed form
  verbal,   // oral consent, recorded and witnessed
};

// What the patient agreed to for one purpose.
enum class Grant {
  invalid = 0,
  identifiable,     // may be used in a form that identifies the patient
  anonymised_only,  // may be used only once anonymised
  refused,          // explained and refused
};

// Why media may be disclosed without consent (GMC recordings para 15-16).
enum class LegalBasis {
  invalid = 0,
  none,             // no basis stated: consent is needed
  court_order,      // directed by a judge or other presiding officer
  required_by_law,  // a statute requires it (e.g. a coroner's request)
  public_interest,  // justified in the public interest, decided case by case
};

enum class Identifiability {
  invalid = 0,
  identifiable,  // the patient is or may be identifiable
  anonymised,    // identifying features removed or coded before use
};

[[nodiscard]] std::string_view to_string(Purpose value) noexcept;
[[nodiscard]] std::string_view to_string(Operation value) noexcept;
[[nodiscard]] std::string_view to_string(Role value) noexcept;
[[nodiscard]] std::string_view to_string(Capacity value) noexcept;
[[nodiscard]] std::string_view to_string(ConsentGiver value) noexcept;
[[nodiscard]] std::string_view to_string(ConsentMode value) noexcept;
[[nodiscard]] std::string_view to_string(Grant value) noexcept;
[[nodiscard]] std::string_view to_string(LegalBasis value) noexcept;
[[nodiscard]] std::string_view to_string(Identifiability value) noexcept;

// Errc::invalid_argument naming the text and every accepted spelling.
[[nodiscard]] Result<Purpose> parse_purpose(std::string_view text);
[[nodiscard]] Result<Operation> parse_operation(std::string_view text);
[[nodiscard]] Result<Role> parse_role(std::string_view text);
[[nodiscard]] Result<Capacity> parse_capacity(std::string_view text);
[[nodiscard]] Result<ConsentGiver> parse_consent_giver(std::string_view text);
[[nodiscard]] Result<ConsentMode> parse_consent_mode(std::string_view text);
[[nodiscard]] Result<Grant> parse_grant(std::string_view text);
[[nodiscard]] Result<LegalBasis> parse_legal_basis(std::string_view text);
[[nodiscard]] Result<Identifiability> parse_identifiability(std::string_view text);

// Every valid value, in declaration order (for UIs and exhaustive tests).
[[nodiscard]] std::span<const Purpose> all_purposes() noexcept;
[[nodiscard]] std::span<const Role> all_roles() noexcept;
[[nodiscard]] std::span<const Operation> all_operations() noexcept;

// Words for people: "Teaching (internal)", "Information-governance officer".
[[nodiscard]] std::string_view label(Purpose value) noexcept;
[[nodiscard]] std::string_view label(Role value) noexcept;

}  // namespace clinvid::consent
