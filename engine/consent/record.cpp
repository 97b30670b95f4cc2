#include "consent/record.hpp"

#include <algorithm>

#include "consent/body_site.hpp"
#include "consent/enum_names.hpp"

namespace clinvid::consent {
namespace {

using detail::EnumName;

constexpr EnumName<ConsentState> kStates[] = {
    {ConsentState::none, "none"},
    {ConsentState::not_yet_given, "not_yet_given"},
    {ConsentState::withdrawn, "withdrawn"},
    {ConsentState::expired, "expired"},
    {ConsentState::not_asked, "not_asked"},
    {ConsentState::refused, "refused"},
    {ConsentState::anonymised_only, "anonymised_only"},
    {ConsentState::identifiable, "identifiable"},
};

tl::unexpected<Error> invalid_at(const std::string& where, std::string_view what) {
  return fail(Errc::invalid_argument, "at " + where + ": " + std::string(what));
}

// Ten digits, however spaced or hyphenated, is what an NHS (or CHI) number looks like; a
// pseudonymous reference must never be one.
bool looks_like_nhs_number(std::string_view ref) {
  int digits = 0;
  for (const char c : ref) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != ' ' && c != '-') {
      return false;
    }
  }
  return digits == 10;
}

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool contains(const std::vector<Purpose>& list, Purpose purpose) {
  return std::find(list.begin(), list.end(), purpose) != list.end();
}

Status validate_person(const Person& person, const std::string& where, bool role_required) {
  if (person.name.empty()) return invalid_at(where + "/name", "required");
  if (role_required && person.role.empty()) return invalid_at(where + "/role", "required");
  return {};
}

Status validate_giver(const ConsentRecord& r) {
  switch (r.giver) {
    case ConsentGiver::patient:
      if (r.capacity.outcome == Capacity::lacks_capacity) {
        return invalid_at("/capacity/outcome",
                          "a patient assessed as lacking capacity cannot give their own "
                          "consent; use the best_interests or legal_proxy route");
      }
      break;
    case ConsentGiver::parent_guardian:
    case ConsentGiver::legal_proxy:
      if (!r.giver_person) {
        return invalid_at("/giver_person", "required: the name and relationship of the " +
                                               std::string(to_string(r.giver)));
      }
      if (auto ok = validate_person(*r.giver_person, "/giver_person", true); !ok) return ok;
      if (r.giver == ConsentGiver::legal_proxy && r.capacity.outcome != Capacity::lacks_capacity) {
        return invalid_at("/capacity/outcome",
                          "a legal proxy decides only for a patient assessed as lacking capacity");
      }
      break;
    case ConsentGiver::best_interests:
      if (!r.best_interests) {
        return invalid_at("/best_interests", "required: the decision-maker and the reasons");
      }
      if (auto ok = validate_person(r.best_interests->decision_maker,
                                    "/best_interests/decision_maker", true);
          !ok) {
        return ok;
      }
      if (r.best_interests->reasons.empty()) {
        return invalid_at("/best_interests/reasons", "required");
      }
      if (r.capacity.outcome != Capacity::lacks_capacity) {
        return invalid_at("/capacity/outcome",
                          "the best-interests route applies only to a patient assessed as "
                          "lacking capacity");
      }
      break;
    case ConsentGiver::invalid: return invalid_at("/giver", "required");
  }
  if (r.giver != ConsentGiver::best_interests && r.best_interests) {
    return invalid_at("/best_interests", "only for the best_interests route");
  }
  return {};
}

Status validate_capacity(const ConsentRecord& r) {
  const CapacityAssessment& c = r.capacity;
  if (c.outcome == Capacity::invalid) return invalid_at("/capacity/outcome", "required");
  if (c.outcome == Capacity::presumed) return {};
  if (!c.assessed_by) return invalid_at("/capacity/assessed_by", "required for an assessment");
  if (auto ok = validate_person(*c.assessed_by, "/capacity/assessed_by", false); !ok) return ok;
  if (!c.assessed_on) return invalid_at("/capacity/assessed_on", "required for an assessment");
  if (*c.assessed_on > r.consented_on) {
    return invalid_at("/capacity/assessed_on", "after the consent date");
  }
  return {};
}

Status validate_mode(const ConsentRecord& r) {
  if (r.mode == ConsentMode::invalid) return invalid_at("/mode", "required");
  if (r.mode == ConsentMode::written && !r.signature) {
    return invalid_at("/signature", "required for written consent");
  }
  if (r.signature) {
    if (r.signature->media_ref.empty()) return invalid_at("/signature/media_ref", "required");
    if (!is_sha256_hex(r.signature->sha256_hex)) {
      return invalid_at("/signature/sha256", "expected 64 lower-case hex digits");
    }
  }
  if (r.mode == ConsentMode::verbal && !r.witness) {
    return invalid_at("/witness", "required for verbal consent");
  }
  if (r.witness) {
    if (auto ok = validate_person(*r.witness, "/witness", false); !ok) return ok;
  }
  return {};
}

Status validate_withdrawals(const ConsentRecord& r) {
  for (std::size_t i = 0; i < r.withdrawals.size(); ++i) {
    const Withdrawal& w = r.withdrawals[i];
    const std::string where = "/withdrawals/" + std::to_string(i);
    if (w.withdrawn_on < r.consented_on) {
      return invalid_at(where + "/withdrawn_on", "before the consent date");
    }
    if (w.purposes.empty()) return invalid_at(where + "/purposes", "name at least one purpose");
    for (std::size_t j = 0; j < w.purposes.size(); ++j) {
      const std::string at = where + "/purposes/" + std::to_string(j);
      if (!grant_for(r, w.purposes[j])) return invalid_at(at, "purpose is not on the form");
      if (std::find(w.purposes.begin(), w.purposes.begin() + static_cast<std::ptrdiff_t>(j),
                    w.purposes[j]) != w.purposes.begin() + static_cast<std::ptrdiff_t>(j)) {
        return invalid_at(at, "listed twice");
      }
    }
    if (auto ok = validate_person(w.recorded_by, where + "/recorded_by", false); !ok) return ok;
  }
  return {};
}

}  // namespace

std::string_view to_string(ConsentState value) noexcept {
  return detail::name_of(kStates, value);
}
Result<ConsentState> parse_consent_state(std::string_view text) {
  return detail::parse_name(kStates, text, "consent state");
}

Status validate(const ConsentRecord& r) {
  if (r.id.is_nil()) return invalid_at("/id", "a nil UUID");
  if (r.patient_ref.empty()) return invalid_at("/patient_ref", "required");
  if (looks_like_nhs_number(r.patient_ref)) {
    return invalid_at("/patient_ref",
                      "looks like an NHS number; use the pseudonymous patient reference");
  }
  if (r.purposes.empty()) return invalid_at("/purposes", "list at least one purpose");
  for (std::size_t i = 0; i < r.purposes.size(); ++i) {
    const std::string where = "/purposes/" + std::to_string(i);
    if (r.purposes[i].purpose == Purpose::invalid) return invalid_at(where + "/purpose", "invalid");
    if (r.purposes[i].grant == Grant::invalid) return invalid_at(where + "/grant", "invalid");
    for (std::size_t j = 0; j < i; ++j) {
      if (r.purposes[j].purpose == r.purposes[i].purpose) {
        return invalid_at(where + "/purpose", "listed twice");
      }
    }
  }
  for (std::size_t i = 0; i < r.body_sites.size(); ++i) {
    const std::string where = "/body_sites/" + std::to_string(i);
    if (!find_body_site(r.body_sites[i])) {
      return invalid_at(where, "unknown body site '" + r.body_sites[i] + "'");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (r.body_sites[j] == r.body_sites[i]) return invalid_at(where, "listed twice");
    }
  }
  if (auto ok = validate_capacity(r); !ok) return ok;
  if (auto ok = validate_giver(r); !ok) return ok;
  if (auto ok = validate_mode(r); !ok) return ok;
  if (auto ok = validate_person(r.taken_by, "/taken_by", true); !ok) return ok;
  if (r.expires_on && *r.expires_on < r.consented_on) {
    return invalid_at("/expires_on", "before the consent date");
  }
  return validate_withdrawals(r);
}

std::optional<Grant> grant_for(const ConsentRecord& record, Purpose purpose) {
  for (const PurposeConsent& p : record.purposes) {
    if (p.purpose == purpose) return p.grant;
  }
  return std::nullopt;
}

ConsentState consent_state(const ConsentRecord& record, Purpose purpose, const Date& on) {
  if (record.consented_on > on) return ConsentState::not_yet_given;
  for (const Withdrawal& w : record.withdrawals) {
    if (w.withdrawn_on <= on && contains(w.purposes, purpose)) return ConsentState::withdrawn;
  }
  if (record.expires_on && on > *record.expires_on) return ConsentState::expired;
  const std::optional<Grant> grant = grant_for(record, purpose);
  if (!grant) return ConsentState::not_asked;
  switch (*grant) {
    case Grant::identifiable: return ConsentState::identifiable;
    case Grant::anonymised_only: return ConsentState::anonymised_only;
    case Grant::refused:
    case Grant::invalid: break;
  }
  return ConsentState::refused;
}

std::vector<FlaggedItem> derived_items_to_flag(const Withdrawal& withdrawal,
                                               std::span<const DerivedItem> items) {
  std::vector<FlaggedItem> flagged;
  for (const DerivedItem& item : items) {
    if (item.purposes.empty()) {
      flagged.push_back({item.id,
                         {},
                         "consent withdrawn on " + withdrawal.withdrawn_on.to_string() +
                             "; this item records no purpose, so it cannot be shown to be "
                             "unaffected: review before any further use"});
      continue;
    }
    std::vector<Purpose> hit;
    for (const Purpose p : item.purposes) {
      if (contains(withdrawal.purposes, p)) hit.push_back(p);
    }
    if (hit.empty()) continue;
    std::string names;
    for (const Purpose p : hit) names += (names.empty() ? "" : ", ") + std::string(to_string(p));
    flagged.push_back({item.id, hit,
                       "consent for " + names + " withdrawn on " +
                           withdrawal.withdrawn_on.to_string() +
                           ": no further use for these purposes; review copies already "
                           "outside the archive"});
  }
  return flagged;
}

}  // namespace clinvid::consent
