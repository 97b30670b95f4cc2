#include "consent/policy.hpp"

#include <algorithm>

// Generated at configure time from assets/policy/default-policy.json (sources.cmake).
#include "clinvid/consent/default_policy_json.hpp"

namespace clinvid::consent {
namespace {

std::ptrdiff_t index_of(const Policy& policy, std::string_view id) {
  const auto it = std::find_if(policy.rules.begin(), policy.rules.end(),
                               [&](const Rule& r) { return r.id == id; });
  return it == policy.rules.end() ? -1 : it - policy.rules.begin();
}

// What a rule does, ignoring its wording.
bool same_logic(const Rule& a, const Rule& b) {
  return a.when == b.when && a.unless == b.unless && a.effect == b.effect &&
         a.signoff_role == b.signoff_role && a.locked == b.locked;
}

tl::unexpected<Error> invalid_at(const std::string& where, const std::string& what) {
  return fail(Errc::invalid_argument, "at " + where + ": " + what);
}

}  // namespace

std::string_view default_policy_json() noexcept {
  return generated::kDefaultPolicyJson;
}

Result<Policy> default_policy() {
  auto policy = parse_policy_text(default_policy_json());
  if (!policy) return with_context(policy.error(), "embedded default policy");
  return policy;
}

Result<Policy> load_policy_file(const std::filesystem::path& path) {
  auto doc = read_json_file(path);
  if (!doc) return tl::unexpected(doc.error());
  auto policy = parse_policy(*doc);
  if (!policy) return with_context(policy.error(), path.string());
  auto baseline = default_policy();
  if (!baseline) return tl::unexpected(baseline.error());
  if (auto ok = check_locked_rules(*policy, *baseline); !ok) {
    return with_context(ok.error(), path.string());
  }
  return policy;
}

Status check_locked_rules(const Policy& candidate, const Policy& baseline) {
  for (std::size_t b = 0; b < baseline.rules.size(); ++b) {
    const Rule& locked = baseline.rules[b];
    if (!locked.locked) continue;
    const std::ptrdiff_t c = index_of(candidate, locked.id);
    if (c < 0) {
      return invalid_at("/rules", "locked rule '" + locked.id + "' (" + locked.guidance +
                                      ") is missing; an organisation may not remove it");
    }
    const std::string where = "/rules/" + std::to_string(c);
    const Rule& kept = candidate.rules[static_cast<std::size_t>(c)];
    if (!same_logic(kept, locked)) {
      return invalid_at(where, "locked rule '" + locked.id +
                                   "' was changed; only its text and notes may be reworded");
    }
    for (std::size_t i = 0; i < static_cast<std::size_t>(c); ++i) {
      const Rule& before = candidate.rules[i];
      if (before.effect == Effect::refuse) continue;
      const std::ptrdiff_t in_baseline = index_of(baseline, before.id);
      const bool allowed_there =
          in_baseline >= 0 && static_cast<std::size_t>(in_baseline) < b &&
          same_logic(baseline.rules[static_cast<std::size_t>(in_baseline)], before);
      if (!allowed_there) {
        return invalid_at("/rules/" + std::to_string(i),
                          "rule '" + before.id + "' (" + std::string(to_string(before.effect)) +
                              ") is placed before locked rule '" + locked.id +
                              "' and could let through what it refuses; move it after");
      }
    }
  }
  return {};
}

const Retention* retention_for(const Policy& policy, Purpose purpose) noexcept {
  for (const Retention& r : policy.retention) {
    if (r.purpose == purpose) return &r;
  }
  return nullptr;
}

Result<Date> retention_review_date(const Policy& policy, Purpose purpose, const Date& recorded_on,
                                   const std::optional<Date>& date_of_birth) {
  const Retention* r = retention_for(policy, purpose);
  if (r == nullptr) {
    return fail(Errc::not_found,
                "policy has no retention period for " + std::string(to_string(purpose)));
  }
  Date review = recorded_on.plus_years(r->years).plus_days(r->days);
  if (r->until_age_years) {
    if (!date_of_birth) {
      return fail(Errc::invalid_argument, "the retention period for " +
                                              std::string(to_string(purpose)) +
                                              " depends on age: the date of birth is needed");
    }
    const Date birthday = date_of_birth->plus_years(*r->until_age_years);
    if (birthday > review) review = birthday;
  }
  return review;
}

}  // namespace clinvid::consent
