// Builders for consent tests: a consent form and a request, each starting from an ordinary
// adult case and changed one fact at a time, so every scenario reads as "the usual, except".
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "consent/evaluate.hpp"

namespace clinvid::consent::testing {

inline Date day(std::string_view iso) {
  return Date::parse(iso).value();
}

inline constexpr std::string_view kPatient = "P-1001";
inline constexpr std::string_view kSha =
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

// Written adult consent for the clinical record, identifiable, signed 2025-06-01.
class Form {
 public:
  Form() {
    r_.id = Uuid::parse("6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e").value();
    r_.patient_ref = kPatient;
    r_.case_ref = "CASE-77";
    r_.purposes = {{Purpose::clinical_record, Grant::identifiable}};
    r_.storage_explained = "Encrypted clinvid archive of the medical illustration department";
    r_.giver = ConsentGiver::patient;
    r_.capacity = {Capacity::presumed, std::nullopt, std::nullopt, ""};
    r_.mode = ConsentMode::written;
    r_.signature = SignatureRef{"sig-0001", std::string(kSha)};
    r_.taken_by = {"A. Photographer", "Clinical photographer"};
    r_.consented_on = day("2025-06-01");
  }

  Form& grant(Purpose purpose, Grant grant) {
    for (auto& p : r_.purposes) {
      if (p.purpose == purpose) {
        p.grant = grant;
        return *this;
      }
    }
    r_.purposes.push_back({purpose, grant});
    return *this;
  }
  Form& verbal() {
    r_.mode = ConsentMode::verbal;
    r_.signature.reset();
    r_.witness = Person{"B. Nurse", "Staff nurse"};
    return *this;
  }
  Form& by_parent() {
    r_.giver = ConsentGiver::parent_guardian;
    r_.giver_person = Person{"C. Parent", "mother"};
    return *this;
  }
  // The patient's own consent after an assessment of their capacity (Gillick for a child).
  Form& assessed(Capacity outcome) {
    r_.capacity = {outcome, Person{"Dr D. Assessor", "Consultant"}, day("2025-06-01"), ""};
    return *this;
  }
  Form& best_interests() {
    assessed(Capacity::lacks_capacity);
    r_.giver = ConsentGiver::best_interests;
    r_.best_interests =
        BestInterestsDecision{{"Dr E. Decider", "Consultant"}, "needed to monitor the wound"};
    return *this;
  }
  Form& proxy() {
    assessed(Capacity::lacks_capacity);
    r_.giver = ConsentGiver::legal_proxy;
    r_.giver_person = Person{"F. Attorney", "health and welfare attorney"};
    return *this;
  }
  Form& sites(std::initializer_list<const char*> ids) {
    for (const char* id : ids) r_.body_sites.emplace_back(id);
    return *this;
  }
  Form& exceptional(std::string text) {
    r_.exceptional_circumstances = std::move(text);
    return *this;
  }
  Form& withdraw(std::string_view on, std::vector<Purpose> purposes) {
    r_.withdrawals.push_back({day(on), std::move(purposes), {"G. Clerk", "IG team"}, ""});
    return *this;
  }
  Form& expires(std::string_view on) {
    r_.expires_on = day(on);
    return *this;
  }
  Form& dated(std::string_view on) {
    r_.consented_on = day(on);
    if (r_.capacity.assessed_on) r_.capacity.assessed_on = day(on);
    return *this;
  }

  [[nodiscard]] const ConsentRecord& record() const { return r_; }
  operator ConsentRecord() const { return r_; }  // NOLINT: builder

 private:
  ConsentRecord r_;
};

// An adult (40 on the day) with capacity; a clinician views an identifiable external
// photograph of the face, recorded and requested on 2025-06-02, for the clinical record,
// with no consent record and no legal basis.
class Req {
 public:
  Req() {
    r_.operation = Operation::view;
    r_.purpose = Purpose::clinical_record;
    r_.role = Role::clinician;
    r_.patient_ref = kPatient;
    r_.capacity = Capacity::presumed;
    r_.recording_kind = RecordingKind::external_photo;
    r_.sites = {{"face", Laterality::not_applicable}};
    r_.identifiability = Identifiability::identifiable;
    r_.recorded_on = day("2025-06-02");
    r_.on = day("2025-06-02");
    age(40);
  }

  Req& op(Operation o) { return set(r_.operation, o); }
  Req& purpose(Purpose p) { return set(r_.purpose, p); }
  Req& role(Role role) { return set(r_.role, role); }
  Req& signoff(Role role) { return set(r_.signoff_by, role); }
  Req& kind(RecordingKind k) { return set(r_.recording_kind, k); }
  Req& capacity(Capacity c) { return set(r_.capacity, c); }
  Req& legal(LegalBasis b) { return set(r_.legal_basis, b); }
  Req& anonymised() { return set(r_.identifiability, Identifiability::anonymised); }
  Req& consent(const ConsentRecord& form) {
    r_.consent = form;
    return *this;
  }
  Req& site(std::string id, Laterality side = Laterality::not_applicable) {
    r_.sites = {{std::move(id), side}};
    return *this;
  }
  // Age in completed years on the recording day (birthday 100 days before it).
  Req& age(int years) {
    r_.date_of_birth = r_.recorded_on.plus_years(-years).plus_days(-100);
    return *this;
  }
  Req& no_date_of_birth() {
    r_.date_of_birth.reset();
    return *this;
  }
  Req& recorded(std::string_view on) {
    const int years = r_.date_of_birth ? age_in_years(*r_.date_of_birth, r_.recorded_on) : -1;
    r_.recorded_on = day(on);
    if (years >= 0) age(years);
    return *this;
  }
  Req& on(std::string_view on) { return set(r_.on, day(on)); }

  [[nodiscard]] const Request& request() const { return r_; }
  operator Request() const { return r_; }  // NOLINT: builder

 private:
  template <class T>
  Req& set(T& field, T value) {
    field = std::move(value);
    return *this;
  }
  Request r_;
};

}  // namespace clinvid::consent::testing
