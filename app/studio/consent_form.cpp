#include "consent_form.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "consent/body_site.hpp"
#include "consent/date.hpp"

namespace clinvid::studio {
namespace {

// A placeholder reference, so the whole form can be validated before the signature is stored.
constexpr std::string_view kPendingSignature = "pending";

tl::unexpected<Error> invalid_at(std::string_view where, std::string_view what) {
  return fail(Errc::invalid_argument, fmt::format("at {}: {}", where, what));
}

Result<consent::Date> parse_date(const std::string& text, std::string_view where) {
  auto date = consent::Date::parse(text);
  if (!date) return invalid_at(where, fmt::format("`{}` is not a date (YYYY-MM-DD)", text));
  return *date;
}

std::optional<consent::Person> person_or_none(const PersonFields& fields) {
  if (fields.name.empty() && fields.role.empty()) return std::nullopt;
  return consent::Person{fields.name, fields.role};
}

Status fill_capacity(const ConsentForm& form, consent::ConsentRecord& record) {
  record.capacity.outcome = form.capacity;
  record.capacity.notes = form.capacity_notes;
  if (form.capacity == consent::Capacity::presumed) return {};
  record.capacity.assessed_by = person_or_none(form.assessed_by);
  if (!form.assessed_on.empty()) {
    auto on = parse_date(form.assessed_on, "/capacity/assessed_on");
    if (!on) return tl::unexpected(on.error());
    record.capacity.assessed_on = *on;
  }
  return {};
}

void fill_giver(const ConsentForm& form, consent::ConsentRecord& record) {
  record.giver = form.giver;
  if (form.giver == consent::ConsentGiver::parent_guardian ||
      form.giver == consent::ConsentGiver::legal_proxy) {
    record.giver_person = consent::Person{form.giver_person.name, form.giver_person.role};
  }
  if (form.giver == consent::ConsentGiver::best_interests) {
    record.best_interests = consent::BestInterestsDecision{
        consent::Person{form.decision_maker.name, form.decision_maker.role},
        form.best_interests_reasons};
  }
}

struct FieldHelp {
  std::string_view pointer;  // JSON pointer prefix
  std::string_view field;
  std::string_view label;
  std::string_view next_step;
};

// Most specific first: the first prefix that matches decides.
constexpr FieldHelp kFieldHelp[] = {
    {"/patient_ref", "consent.patient", "Patient",
     "Enter the patient's archive id (P-…): find it in the Library or with `clinvid patient "
     "find`."},
    {"/purposes", "consent.purposes", "Purposes",
     "Tick each purpose you explained and choose what the patient agreed to for it."},
    {"/body_sites", "consent.body_sites", "Body sites",
     "Use body-site ids from the list (e.g. hand, face), each once."},
    {"/capacity/assessed_by", "consent.assessed_by", "Capacity assessed by",
     "Name who assessed capacity, or choose `presumed` for an adult with no reason to doubt."},
    {"/capacity/assessed_on", "consent.assessed_on", "Capacity assessed on",
     "Enter the assessment date (YYYY-MM-DD), on or before the consent date."},
    {"/capacity", "consent.capacity", "Capacity",
     "Choose the capacity outcome that fits who gave consent: a proxy or best-interests "
     "decision needs `lacks capacity`; the patient's own consent does not."},
    {"/giver_person", "consent.giver_name", "Parent, guardian or proxy",
     "Enter the name and the relationship to the patient of whoever gave consent."},
    {"/best_interests", "consent.decision_maker", "Best-interests decision",
     "Name the decision-maker and write why the recording is in the patient's best interests."},
    {"/giver", "consent.giver", "Consent given by", "Choose who gave consent."},
    {"/signature", "consent.signature_pad", "Signature",
     "Ask the person to sign inside the box, or choose verbal consent with a witness."},
    {"/witness", "consent.witness_name", "Witness",
     "Verbal consent needs a witness: enter their name (and role)."},
    {"/mode", "consent.mode", "Written or verbal", "Choose written or verbal consent."},
    {"/taken_by", "consent.taken_by_name", "Consent taken by",
     "Enter your name and job title as the person who took consent."},
    {"/consented_on", "consent.consented_on", "Date of consent",
     "Enter the date consent was given (YYYY-MM-DD)."},
    {"/expires_on", "consent.expires_on", "Expires on",
     "Leave it empty, or enter a date (YYYY-MM-DD) on or after the consent date."},
    {"/withdrawals", "consent.withdraw.submit", "Withdrawal",
     "Tick purposes that are on the form, dated on or after the consent date."},
    {"/withdrawn_on", "consent.withdraw.on", "Withdrawn from",
     "Enter the date from which use stops (YYYY-MM-DD), or leave it empty for today."},
    {"/consent_id", "consent.withdraw.id", "Consent id",
     "Enter the consent id shown when the form was saved (or in the Library's details)."},
};

// The JSON pointer after "at " in an error's detail, if any.
std::string_view pointer_of(std::string_view detail) {
  const auto at = detail.find("at /");
  if (at == std::string_view::npos) return {};
  const std::string_view rest = detail.substr(at + 3);
  return rest.substr(0, rest.find(':'));
}

Result<consent::Withdrawal> to_withdrawal(const WithdrawalForm& form, const std::string& user) {
  consent::Withdrawal w;
  w.withdrawn_on = archive::today_utc();
  if (!form.withdrawn_on.empty()) {
    auto on = parse_date(form.withdrawn_on, "/withdrawn_on");
    if (!on) return tl::unexpected(on.error());
    w.withdrawn_on = *on;
  }
  if (form.purposes.empty()) {
    return invalid_at("/withdrawals", "tick at least one purpose to withdraw");
  }
  w.purposes = form.purposes;
  w.notes = form.notes;
  w.recorded_by = consent::Person{form.recorded_by.name.empty() ? user : form.recorded_by.name,
                                  form.recorded_by.role};
  return w;
}

}  // namespace

ConsentForm::ConsentForm() : consented_on(archive::today_utc().to_string()) {
  for (consent::Purpose purpose : consent::all_purposes()) {
    purposes.push_back(PurposeChoice{purpose, false, consent::Grant::identifiable});
  }
}

std::string_view plain_words(consent::Purpose purpose) noexcept {
  switch (purpose) {
    case consent::Purpose::clinical_record:
      return "For your own care: the recording becomes part of your health record, seen by the "
             "team treating you.";
    case consent::Purpose::teaching:
      return "For teaching staff and students inside the hospital; it is not shown to the "
             "public.";
    case consent::Purpose::research:
      return "For an approved research study; results are published without your name.";
    case consent::Purpose::publication:
      return "For journals, books, conferences or websites: the public may see it, and once "
             "published it cannot be fully withdrawn.";
    case consent::Purpose::safeguarding_medico_legal:
      return "For protecting you or others, or for a legal or medical report.";
    case consent::Purpose::invalid: break;
  }
  return "";
}

std::vector<std::string> split_sites(std::string_view text) {
  std::vector<std::string> sites;
  std::string current;
  const auto flush = [&] {
    if (!current.empty() && std::find(sites.begin(), sites.end(), current) == sites.end()) {
      sites.push_back(current);
    }
    current.clear();
  };
  for (const char c : text) {
    if (c == ',' || c == ' ' || c == ';' || c == '\t') {
      flush();
    } else {
      current.push_back(c);
    }
  }
  flush();
  return sites;
}

bool names_intimate_site(const ConsentForm& form) {
  const auto sites = split_sites(form.body_sites);
  return std::any_of(sites.begin(), sites.end(),
                     [](const std::string& site) { return consent::is_intimate(site); });
}

Result<consent::ConsentRecord> to_record(const ConsentForm& form,
                                         std::optional<consent::SignatureRef> signature) {
  consent::ConsentRecord record;
  record.id = Uuid::random();
  record.patient_ref = form.patient_id;
  record.case_ref = form.case_ref;
  for (const PurposeChoice& choice : form.purposes) {
    if (choice.explained) record.purposes.push_back({choice.purpose, choice.grant});
  }
  record.body_sites = split_sites(form.body_sites);
  record.storage_explained = form.storage_explained;
  if (auto ok = fill_capacity(form, record); !ok) return tl::unexpected(ok.error());
  fill_giver(form, record);
  record.mode = form.mode;
  if (form.mode == consent::ConsentMode::written) record.signature = std::move(signature);
  if (form.mode == consent::ConsentMode::verbal) record.witness = person_or_none(form.witness);
  record.taken_by = consent::Person{form.taken_by.name, form.taken_by.role};
  auto consented = parse_date(form.consented_on, "/consented_on");
  if (!consented) return tl::unexpected(consented.error());
  record.consented_on = *consented;
  if (!form.expires_on.empty()) {
    auto expires = parse_date(form.expires_on, "/expires_on");
    if (!expires) return tl::unexpected(expires.error());
    record.expires_on = *expires;
  }
  record.comments = form.comments;
  record.exceptional_circumstances = form.exceptional_circumstances;
  if (auto ok = consent::validate(record); !ok) return tl::unexpected(ok.error());
  return record;
}

FormProblem explain_problem(const Error& error) {
  FormProblem problem;
  problem.message = error.message();
  const std::string_view pointer = pointer_of(error.detail);
  for (const FieldHelp& help : kFieldHelp) {
    if (!pointer.empty() && pointer.starts_with(help.pointer)) {
      problem.field = help.field;
      problem.label = help.label;
      problem.next_step = help.next_step;
      return problem;
    }
  }
  if (error.detail.starts_with("no patient")) {
    problem.field = "consent.patient";
    problem.label = "Patient";
    problem.next_step = kFieldHelp[0].next_step;
  } else if (error.code == Errc::permission_denied) {
    problem.next_step = "Your role may not do this: ask a clinician or photographer to take it.";
  } else if (error.code == Errc::not_found) {
    problem.next_step = "Check the id and try again.";
  } else {
    problem.next_step = "Correct the form and save again.";
  }
  return problem;
}

Result<SavedConsent> save_consent(archive::Archive& archive, const ConsentForm& form) {
  // Every other field first, with a stand-in signature, so the form's problems come in the
  // order the person reads it and the signature is asked for last.
  const consent::SignatureRef stand_in{std::string(kPendingSignature), std::string(64, '0')};
  if (auto checked = to_record(form, stand_in); !checked) return tl::unexpected(checked.error());
  std::optional<std::vector<std::uint8_t>> png;
  if (form.mode == consent::ConsentMode::written) {
    if (form.strokes.empty()) return invalid_at("/signature", "required for written consent");
    auto image =
        consent::rasterise_signature(form.strokes, kSignaturePadWidthPx, kSignaturePadHeightPx);
    if (!image) return invalid_at("/signature", image.error().detail);
    png = consent::encode_png(*image);
  }

  SavedConsent saved;
  if (png) {
    auto stored = archive.store_signature(form.patient_id, *png);
    if (!stored) return tl::unexpected(stored.error());
    saved.signature = *stored;
  }
  auto record = to_record(form, saved.signature);
  if (!record) return tl::unexpected(record.error());
  auto id = archive.add_consent(std::move(*record));
  if (!id) return tl::unexpected(id.error());
  saved.consent_id = *id;
  return saved;
}

Result<std::vector<consent::FlaggedItem>> withdraw(archive::Archive& archive,
                                                   const WithdrawalForm& form) {
  if (form.consent_id.empty()) return invalid_at("/consent_id", "required");
  auto withdrawal = to_withdrawal(form, archive.user().name);
  if (!withdrawal) return tl::unexpected(withdrawal.error());
  return archive.withdraw_consent(form.consent_id, std::move(*withdrawal));
}

}  // namespace clinvid::studio
