// Consent policy as data: a versioned file ("clinvid.policy/1") that an organisation's
// information-governance lead reviews and adjusts, evaluated by consent/evaluate.hpp.
//
// A policy is an ordered list of rules. Each rule has an id, plain-language text (the reason
// users see), the guidance it implements, conditions (`when`, and optionally `unless`) and
// an effect: allow, refuse, or needs_signoff naming the role that must sign off. The FIRST
// rule whose `when` holds and whose `unless` does not hold decides; when none applies the
// request is refused (fail closed; the `default` entry only names and words that refusal).
// Conditions test facts derived from the request (see condition_names()); within `when`
// every condition must hold, and a list condition holds when the fact is any of its values.
//
// Retention periods are per purpose. Locked rules are the floor an organisation may not
// lower: load_policy_file() refuses a file that drops or changes one, or that puts a new
// allow/needs_signoff rule in front of one (see check_locked_rules).
//
// The default policy is assets/policy/default-policy.json, embedded at build time.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "consent/body_site.hpp"
#include "consent/date.hpp"
#include "consent/record.hpp"
#include "consent/vocabulary.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

namespace clinvid::consent {

inline constexpr std::string_view kPolicyFormat = "clinvid.policy/1";

enum class Effect {
  invalid = 0,
  allow,
  refuse,
  needs_signoff,  // allowed once a user in `signoff_role` signs off
};

[[nodiscard]] std::string_view to_string(Effect value) noexcept;
[[nodiscard]] Result<Effect> parse_effect(std::string_view text);

// Every member present must hold. Facts are described in condition_names().
struct Conditions {
  std::optional<std::vector<Operation>> operation;
  std::optional<std::vector<Purpose>> purpose;
  std::optional<std::vector<Role>> role;
  std::optional<std::vector<RecordingKind>> recording_kind;
  std::optional<bool> implicit_consent_kind;
  std::optional<bool> intimate_site;
  std::optional<std::vector<std::string>> body_site;
  std::optional<bool> age_known;
  std::optional<int> age_under_years;
  std::optional<std::vector<Capacity>> capacity;
  std::optional<std::vector<ConsentState>> consent;
  std::optional<std::vector<ConsentMode>> consent_mode;
  std::optional<std::vector<ConsentGiver>> consent_giver;
  std::optional<std::vector<Capacity>> consent_capacity;
  std::optional<bool> sites_on_consent;
  std::optional<bool> exceptional_circumstances_recorded;
  std::optional<std::vector<Identifiability>> identifiability;
  std::optional<std::vector<LegalBasis>> legal_basis;
  std::optional<std::vector<Role>> signoff_by;

  friend bool operator==(const Conditions&, const Conditions&) = default;
};

struct ConditionInfo {
  std::string_view name;     // as written in a policy file
  std::string_view meaning;  // for the policy reviewer
};
// Every condition a policy may use, in the order the documentation lists them.
[[nodiscard]] std::span<const ConditionInfo> condition_names() noexcept;

struct Rule {
  std::string id;        // lower-case letters, digits and '-', unique in the policy
  std::string text;      // the reason shown to users and written to the audit log
  std::string guidance;  // the guidance it implements ("GMC recordings para 12")
  std::string notes;     // for reviewers; not shown to users
  Conditions when;
  std::optional<Conditions> unless;
  Effect effect = Effect::invalid;
  Role signoff_role = Role::invalid;  // needs_signoff only
  bool locked = false;                // part of the floor an organisation may not lower

  friend bool operator==(const Rule&, const Rule&) = default;
};

// How long recordings held for a purpose are kept before review for disposal: `years` and
// `days` after the recording date, and for a patient who was a child at least until their
// `until_age_years` birthday, whichever is later.
struct Retention {
  Purpose purpose = Purpose::invalid;
  int years = 0;
  int days = 0;
  std::optional<int> until_age_years;
  std::string text;
  std::string guidance;

  friend bool operator==(const Retention&, const Retention&) = default;
};

struct Policy {
  std::string policy_id;  // "clinvid-default", or the organisation's
  std::string version;    // the organisation's own version label; written to every audit row
  std::string title;
  std::string owner;  // who is accountable for it (role, not a person)
  Date effective_from;
  std::string notes;
  std::map<std::string, std::string> references;  // short key -> full citation
  std::vector<Retention> retention;               // one per purpose, in purpose order
  std::string default_id;                         // the fail-closed refusal's rule id
  std::string default_text;
  std::vector<Rule> rules;

  friend bool operator==(const Policy&, const Policy&) = default;
};

// Structural validation of a policy document. Errc::unsupported for another format;
// Errc::corrupt "at <JSON pointer>: ..." for unknown fields, unknown condition names, values
// of the wrong type, unknown enum values or body sites, duplicate rule ids, a needs_signoff
// rule without signoff_role or whose `unless` does not accept that role's sign-off, a
// missing retention period. Locked rules are not checked here (see load_policy_file).
[[nodiscard]] Result<Policy> parse_policy(const Json& doc);
[[nodiscard]] Result<Policy> parse_policy_text(std::string_view text);

// An organisation's policy file: parse_policy, then check_locked_rules against the
// embedded default. Errc::not_found when the file is missing.
[[nodiscard]] Result<Policy> load_policy_file(const std::filesystem::path& path);

// The embedded copy of assets/policy/default-policy.json, byte for byte.
[[nodiscard]] std::string_view default_policy_json() noexcept;
// The default policy, parsed (an error here is a build defect; tests guard it).
[[nodiscard]] Result<Policy> default_policy();

// Errc::invalid_argument unless every locked rule of `baseline` is in `candidate`, still
// locked, with the same conditions and effect (its text may be reworded), and every
// allow/needs_signoff rule placed before it in `candidate` is a rule of `baseline` that
// already stood before it there, unchanged.
[[nodiscard]] Status check_locked_rules(const Policy& candidate, const Policy& baseline);

// The policy as a "clinvid.policy/1" document; parse_policy(to_json(p)) == p.
[[nodiscard]] Json to_json(const Policy& policy);

[[nodiscard]] const Retention* retention_for(const Policy& policy, Purpose purpose) noexcept;
// When a recording made on `recorded_on` and held for `purpose` is due for review for
// disposal. Errc::invalid_argument when the period depends on age and `date_of_birth` is
// unknown; Errc::not_found when the policy has no period for the purpose.
[[nodiscard]] Result<Date> retention_review_date(const Policy& policy, Purpose purpose,
                                                 const Date& recorded_on,
                                                 const std::optional<Date>& date_of_birth);

}  // namespace clinvid::consent
