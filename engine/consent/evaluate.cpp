#include "consent/evaluate.hpp"

#include <algorithm>

namespace clinvid::consent {
namespace {

tl::unexpected<Error> bad_request(std::string_view what) {
  return fail(Errc::invalid_argument, "consent request: " + std::string(what));
}

template <class E>
bool listed(const std::optional<std::vector<E>>& list, const E& value) {
  return std::find(list->begin(), list->end(), value) != list->end();
}

template <class E>
bool listed(const std::optional<std::vector<E>>& list, const std::optional<E>& value) {
  return value && listed(list, *value);
}

Status check_enums(const Request& r) {
  if (r.operation == Operation::invalid) return bad_request("operation is not set");
  const bool purpose_free =
      r.operation == Operation::erase || r.operation == Operation::audit_review;
  if (r.purpose == Purpose::invalid && !purpose_free) return bad_request("purpose is not set");
  if (r.role == Role::invalid) return bad_request("role is not set");
  if (r.capacity == Capacity::invalid) return bad_request("capacity is not set");
  if (r.recording_kind == RecordingKind::invalid) return bad_request("recording kind is not set");
  if (r.identifiability == Identifiability::invalid) {
    return bad_request("identifiability is not set");
  }
  if (r.legal_basis == LegalBasis::invalid) return bad_request("legal basis is not set");
  return {};
}

Status check_sites_and_dates(const Request& r) {
  for (const SiteRef& site : r.sites) {
    if (auto ok = validate(site); !ok) return bad_request(ok.error().detail);
  }
  const bool external = r.recording_kind == RecordingKind::external_photo ||
                        r.recording_kind == RecordingKind::external_video;
  if (external && r.sites.empty()) {
    return bad_request("an external recording must say which body sites it shows");
  }
  if (r.date_of_birth && *r.date_of_birth > r.recorded_on) {
    return bad_request("the recording date is before the date of birth");
  }
  if (r.recorded_on > r.on) return bad_request("the recording date is after the request date");
  return {};
}

void add_consent_facts(const Request& r, Facts& f) {
  if (!r.consent) {
    f.consent = ConsentState::none;
    return;
  }
  const ConsentRecord& c = *r.consent;
  f.consent = consent_state(c, r.purpose, r.on);
  f.consent_mode = c.mode;
  f.consent_giver = c.giver;
  f.consent_capacity = c.capacity.outcome;
  f.exceptional_circumstances_recorded = !c.exceptional_circumstances.empty();
  f.sites_on_consent =
      !r.sites.empty() && std::all_of(r.sites.begin(), r.sites.end(), [&](const SiteRef& s) {
        return std::find(c.body_sites.begin(), c.body_sites.end(), s.id) != c.body_sites.end();
      });
}

Decision decide(const Policy& policy, const Facts& facts) {
  Decision d;
  d.policy = policy.policy_id + "@" + policy.version;
  for (const Rule& rule : policy.rules) {
    if (!matches(rule.when, facts)) continue;
    if (rule.unless && matches(*rule.unless, facts)) continue;
    d.effect = rule.effect;
    d.rule_id = rule.id;
    d.reason = rule.text;
    d.guidance = rule.guidance;
    d.signoff_role = rule.effect == Effect::needs_signoff ? rule.signoff_role : Role::invalid;
    return d;
  }
  d.effect = Effect::refuse;
  d.rule_id = policy.default_id;
  d.reason = policy.default_text;
  d.guidance = "fail closed: nothing in the policy allows this";
  return d;
}

}  // namespace

Result<Facts> derive_facts(const Request& r) {
  if (auto ok = check_enums(r); !ok) return tl::unexpected(ok.error());
  if (auto ok = check_sites_and_dates(r); !ok) return tl::unexpected(ok.error());
  if (r.consent) {
    if (auto ok = validate(*r.consent); !ok) {
      return bad_request("consent record " + r.consent->id.to_string() + ": " + ok.error().detail);
    }
    if (r.consent->patient_ref != r.patient_ref) {
      return bad_request("the consent record is for another patient");
    }
  }
  Facts f;
  f.operation = r.operation;
  f.purpose = r.purpose;
  f.role = r.role;
  f.recording_kind = r.recording_kind;
  f.implicit_consent_kind = implicit_consent_kind(r.recording_kind);
  for (const SiteRef& site : r.sites) {
    f.intimate_site = f.intimate_site || is_intimate(site.id);
    if (std::find(f.body_sites.begin(), f.body_sites.end(), site.id) == f.body_sites.end()) {
      f.body_sites.push_back(site.id);
    }
  }
  if (r.date_of_birth) f.age_years = age_in_years(*r.date_of_birth, r.recorded_on);
  f.capacity = r.capacity;
  add_consent_facts(r, f);
  f.identifiability = r.identifiability;
  f.legal_basis = r.legal_basis;
  if (r.signoff_by != Role::invalid) f.signoff_by = r.signoff_by;
  return f;
}

bool matches(const Conditions& c, const Facts& f) {
  if (c.operation && !listed(c.operation, f.operation)) return false;
  if (c.purpose && !listed(c.purpose, f.purpose)) return false;
  if (c.role && !listed(c.role, f.role)) return false;
  if (c.recording_kind && !listed(c.recording_kind, f.recording_kind)) return false;
  if (c.implicit_consent_kind && *c.implicit_consent_kind != f.implicit_consent_kind) return false;
  if (c.intimate_site && *c.intimate_site != f.intimate_site) return false;
  if (c.body_site) {
    const bool any = std::any_of(f.body_sites.begin(), f.body_sites.end(),
                                 [&](const std::string& id) { return listed(c.body_site, id); });
    if (!any) return false;
  }
  if (c.age_known && *c.age_known != f.age_years.has_value()) return false;
  if (c.age_under_years && !(f.age_years && *f.age_years < *c.age_under_years)) return false;
  if (c.capacity && !listed(c.capacity, f.capacity)) return false;
  if (c.consent && !listed(c.consent, f.consent)) return false;
  if (c.consent_mode && !listed(c.consent_mode, f.consent_mode)) return false;
  if (c.consent_giver && !listed(c.consent_giver, f.consent_giver)) return false;
  if (c.consent_capacity && !listed(c.consent_capacity, f.consent_capacity)) return false;
  if (c.sites_on_consent && *c.sites_on_consent != f.sites_on_consent) return false;
  if (c.exceptional_circumstances_recorded &&
      *c.exceptional_circumstances_recorded != f.exceptional_circumstances_recorded) {
    return false;
  }
  if (c.identifiability && !listed(c.identifiability, f.identifiability)) return false;
  if (c.legal_basis && !listed(c.legal_basis, f.legal_basis)) return false;
  if (c.signoff_by && !listed(c.signoff_by, f.signoff_by)) return false;
  return true;
}

Result<Decision> evaluate(const Policy& policy, const Request& request) {
  auto facts = derive_facts(request);
  if (!facts) return tl::unexpected(facts.error());
  Decision first = decide(policy, *facts);
  if (first.effect != Effect::needs_signoff) return first;
  Facts signed_off = *facts;
  signed_off.signoff_by = first.signoff_role;
  Decision after = decide(policy, signed_off);
  if (after.effect == Effect::refuse) return after;
  return first;
}

Json to_json(const Facts& f) {
  Json doc = {{"operation", to_string(f.operation)},
              {"purpose", to_string(f.purpose)},
              {"role", to_string(f.role)},
              {"recording_kind", to_string(f.recording_kind)},
              {"implicit_consent_kind", f.implicit_consent_kind},
              {"intimate_site", f.intimate_site},
              {"body_site", f.body_sites},
              {"age_known", f.age_years.has_value()},
              {"capacity", to_string(f.capacity)},
              {"consent", to_string(f.consent)},
              {"sites_on_consent", f.sites_on_consent},
              {"exceptional_circumstances_recorded", f.exceptional_circumstances_recorded},
              {"identifiability", to_string(f.identifiability)},
              {"legal_basis", to_string(f.legal_basis)}};
  if (f.age_years) doc["age_years"] = *f.age_years;
  if (f.consent_mode) doc["consent_mode"] = to_string(*f.consent_mode);
  if (f.consent_giver) doc["consent_giver"] = to_string(*f.consent_giver);
  if (f.consent_capacity) doc["consent_capacity"] = to_string(*f.consent_capacity);
  if (f.signoff_by) doc["signoff_by"] = to_string(*f.signoff_by);
  return doc;
}

Json to_json(const Decision& d) {
  Json doc = {{"effect", to_string(d.effect)},
              {"rule_id", d.rule_id},
              {"reason", d.reason},
              {"guidance", d.guidance},
              {"policy", d.policy},
              {"audit_required", d.audit_required}};
  if (d.effect == Effect::needs_signoff) doc["signoff_role"] = to_string(d.signoff_role);
  return doc;
}

}  // namespace clinvid::consent
