#include "consent/vocabulary.hpp"

#include <array>

#include "consent/enum_names.hpp"

namespace clinvid::consent {
namespace {

using detail::EnumName;

constexpr EnumName<Purpose> kPurposes[] = {
    {Purpose::clinical_record, "clinical_record"},
    {Purpose::teaching, "teaching"},
    {Purpose::research, "research"},
    {Purpose::publication, "publication"},
    {Purpose::safeguarding_medico_legal, "safeguarding_medico_legal"},
};
constexpr EnumName<Operation> kOperations[] = {
    {Operation::record, "record"},  {Operation::view, "view"},
    {Operation::edit, "edit"},      {Operation::derive, "derive"},
    {Operation::export_, "export"}, {Operation::disclose, "disclose"},
    {Operation::erase, "erase"},    {Operation::audit_review, "audit_review"},
};
constexpr EnumName<Role> kRoles[] = {
    {Role::photographer, "photographer"},
    {Role::clinician, "clinician"},
    {Role::educator, "educator"},
    {Role::researcher, "researcher"},
    {Role::information_governance_officer, "information_governance_officer"},
    {Role::auditor, "auditor"},
    {Role::trainee, "trainee"},
    {Role::assistant_practitioner, "assistant_practitioner"},
};
constexpr EnumName<Capacity> kCapacities[] = {
    {Capacity::presumed, "presumed"},
    {Capacity::has_capacity, "has_capacity"},
    {Capacity::lacks_capacity, "lacks_capacity"},
};
constexpr EnumName<ConsentGiver> kGivers[] = {
    {ConsentGiver::patient, "patient"},
    {ConsentGiver::parent_guardian, "parent_guardian"},
    {ConsentGiver::legal_proxy, "legal_proxy"},
    {ConsentGiver::best_interests, "best_interests"},
};
constexpr EnumName<ConsentMode> kModes[] = {
    {ConsentMode::written, "written"},
    {ConsentMode::verbal, "verbal"},
};
constexpr EnumName<Grant> kGrants[] = {
    {Grant::identifiable, "identifiable"},
    {Grant::anonymised_only, "anonymised_only"},
    {Grant::refused, "refused"},
};
constexpr EnumName<LegalBasis> kLegalBases[] = {
    {LegalBasis::none, "none"},
    {LegalBasis::court_order, "court_order"},
    {LegalBasis::required_by_law, "required_by_law"},
    {LegalBasis::public_interest, "public_interest"},
};
constexpr EnumName<Identifiability> kIdentifiability[] = {
    {Identifiability::identifiable, "identifiable"},
    {Identifiability::anonymised, "anonymised"},
};

constexpr std::array kAllPurposes = {Purpose::clinical_record, Purpose::teaching, Purpose::research,
                                     Purpose::publication, Purpose::safeguarding_medico_legal};
constexpr std::array kAllRoles = {Role::photographer,
                                  Role::clinician,
                                  Role::educator,
                                  Role::researcher,
                                  Role::information_governance_officer,
                                  Role::auditor,
                                  Role::trainee,
                                  Role::assistant_practitioner};
constexpr std::array kAllOperations = {
    Operation::record,  Operation::view,     Operation::edit,  Operation::derive,
    Operation::export_, Operation::disclose, Operation::erase, Operation::audit_review};

}  // namespace

std::string_view to_string(Purpose value) noexcept {
  return detail::name_of(kPurposes, value);
}
std::string_view to_string(Operation value) noexcept {
  return detail::name_of(kOperations, value);
}
std::string_view to_string(Role value) noexcept {
  return detail::name_of(kRoles, value);
}
std::string_view to_string(Capacity value) noexcept {
  return detail::name_of(kCapacities, value);
}
std::string_view to_string(ConsentGiver value) noexcept {
  return detail::name_of(kGivers, value);
}
std::string_view to_string(ConsentMode value) noexcept {
  return detail::name_of(kModes, value);
}
std::string_view to_string(Grant value) noexcept {
  return detail::name_of(kGrants, value);
}
std::string_view to_string(LegalBasis value) noexcept {
  return detail::name_of(kLegalBases, value);
}
std::string_view to_string(Identifiability value) noexcept {
  return detail::name_of(kIdentifiability, value);
}

Result<Purpose> parse_purpose(std::string_view text) {
  return detail::parse_name(kPurposes, text, "purpose");
}
Result<Operation> parse_operation(std::string_view text) {
  return detail::parse_name(kOperations, text, "operation");
}
Result<Role> parse_role(std::string_view text) {
  return detail::parse_name(kRoles, text, "role");
}
Result<Capacity> parse_capacity(std::string_view text) {
  return detail::parse_name(kCapacities, text, "capacity");
}
Result<ConsentGiver> parse_consent_giver(std::string_view text) {
  return detail::parse_name(kGivers, text, "consent giver");
}
Result<ConsentMode> parse_consent_mode(std::string_view text) {
  return detail::parse_name(kModes, text, "consent mode");
}
Result<Grant> parse_grant(std::string_view text) {
  return detail::parse_name(kGrants, text, "grant");
}
Result<LegalBasis> parse_legal_basis(std::string_view text) {
  return detail::parse_name(kLegalBases, text, "legal basis");
}
Result<Identifiability> parse_identifiability(std::string_view text) {
  return detail::parse_name(kIdentifiability, text, "identifiability");
}

std::span<const Purpose> all_purposes() noexcept {
  return kAllPurposes;
}
std::span<const Role> all_roles() noexcept {
  return kAllRoles;
}
std::span<const Operation> all_operations() noexcept {
  return kAllOperations;
}

std::string_view label(Purpose value) noexcept {
  switch (value) {
    case Purpose::clinical_record: return "Clinical record";
    case Purpose::teaching: return "Teaching (internal)";
    case Purpose::research: return "Research";
    case Purpose::publication: return "Publication (external)";
    case Purpose::safeguarding_medico_legal: return "Safeguarding / medico-legal";
    case Purpose::invalid: break;
  }
  return "Invalid purpose";
}

std::string_view label(Role value) noexcept {
  switch (value) {
    case Role::photographer: return "Clinical photographer";
    case Role::clinician: return "Clinician";
    case Role::educator: return "Educator";
    case Role::researcher: return "Researcher";
    case Role::information_governance_officer: return "Information-governance officer";
    case Role::auditor: return "Auditor";
    case Role::trainee: return "Trainee (supervised)";
    case Role::assistant_practitioner: return "Assistant practitioner (supervised)";
    case Role::invalid: break;
  }
  return "Invalid role";
}

}  // namespace clinvid::consent
