#include "cmd_patient.h"

#include <memory>
#include <string>

#include <fmt/format.h>

#include "cmd_archive.h"

namespace clinvid::cli {
namespace {

struct PatientOptions {
  ArchiveOptions archive;
  std::string name, nhs_number, dob;
};

Json patient_json(const archive::Patient& p) {
  Json out = {{"id", p.id}, {"name", p.identity.name}, {"nhs_number", p.identity.nhs_number}};
  out["date_of_birth"] = p.identity.date_of_birth ? p.identity.date_of_birth->to_string() : "";
  return out;
}

Result<std::optional<consent::Date>> parse_dob(const std::string& text) {
  if (text.empty()) return std::optional<consent::Date>{};
  auto d = consent::Date::parse(text);
  if (!d) return tl::unexpected(d.error());
  return std::optional<consent::Date>(*d);
}

ExitCode run_add(const PatientOptions& o) {
  archive::PatientIdentity identity;
  identity.name = o.name;
  identity.nhs_number = o.nhs_number;
  auto dob = parse_dob(o.dob);
  if (!dob) return report_archive_error("patient add", dob.error());
  identity.date_of_birth = *dob;
  if (!o.nhs_number.empty()) {
    if (auto ok = archive::normalise_nhs_number(o.nhs_number); !ok) {
      return report_archive_error("patient add", ok.error());
    }
  }
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("patient add", a.error());
  auto id = a->add_patient(identity);
  if (!id) return report_archive_error("patient add", id.error());
  print_result(o.archive, {{"id", *id}}, *id);
  return ExitCode::ok;
}

ExitCode run_find(const PatientOptions& o) {
  archive::PatientQuery q;
  if (!o.name.empty()) q.name = o.name;
  if (!o.nhs_number.empty()) q.nhs_number = o.nhs_number;
  auto dob = parse_dob(o.dob);
  if (!dob) return report_archive_error("patient find", dob.error());
  q.date_of_birth = *dob;
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("patient find", a.error());
  auto found = a->find_patients(q);
  if (!found) return report_archive_error("patient find", found.error());
  Json out = Json::array();
  std::string text;
  for (const auto& p : *found) {
    out.push_back(patient_json(p));
    text += fmt::format("{}  {}  {}  {}\n", p.id, p.identity.name,
                        p.identity.nhs_number.empty() ? "-" : p.identity.nhs_number,
                        p.identity.date_of_birth ? p.identity.date_of_birth->to_string() : "-");
  }
  print_result(o.archive, out, text.empty() ? "no patient matches\n" : text);
  return ExitCode::ok;
}

}  // namespace

Command add_patient(CLI::App& parent) {
  CLI::App* app =
      parent.add_subcommand("patient", "Patients: pseudonymous ids, encrypted identifiers");
  app->require_subcommand(1);
  auto add = std::make_shared<PatientOptions>();
  CLI::App* c_add = app->add_subcommand("add", "Register a patient; prints the pseudonymous id");
  add_archive_options(c_add, add->archive);
  c_add->add_option("--name", add->name, "Full name")->required();
  c_add->add_option("--nhs-number", add->nhs_number, "NHS number (10 digits, modulus-11 checked)");
  c_add->add_option("--dob", add->dob,
                    "Date of birth YYYY-MM-DD (needed for the children's rules)");
  c_add->footer(std::string(kArchivePassphraseHelp));
  auto find = std::make_shared<PatientOptions>();
  CLI::App* c_find =
      app->add_subcommand("find", "Find patients by name, NHS number and/or date of birth");
  add_archive_options(c_find, find->archive);
  c_find->add_option("--name", find->name, "Full name (case and spacing ignored)");
  c_find->add_option("--nhs-number", find->nhs_number, "NHS number");
  c_find->add_option("--dob", find->dob, "Date of birth YYYY-MM-DD");
  c_find->footer(std::string(kArchivePassphraseHelp));
  add_exit_code_footers(app);
  return Command{app, [=]() -> ExitCode {
                   if (c_add->parsed()) return run_add(*add);
                   if (c_find->parsed()) return run_find(*find);
                   return report_error(ExitCode::usage, "patient: name a subcommand (see --help)");
                 }};
}

}  // namespace clinvid::cli
