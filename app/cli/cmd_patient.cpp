#include "cmd_patient.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "archive_cli_common.h"

namespace clinvid::cli {
namespace {

struct PatientOptions {
  ArchiveOptions archive;
  std::string name, nhs_number, dob;
  std::string from;  // a JSON file (or - for stdin) with the identifiers, kept out of argv
};

constexpr std::string_view kFromHelp =
    "Read the identifiers from a JSON file, or - for standard input: "
    "{\"name\": …, \"nhs_number\": …, \"date_of_birth\": \"YYYY-MM-DD\"}. Preferred: "
    "identifiers given as options are visible to other users of this computer in the process "
    "list.";

// Fills name, NHS number and date of birth from `o.from` where given; the options given on
// the command line must not also be set.
Result<PatientOptions> with_identifiers(const PatientOptions& given) {
  PatientOptions o = given;
  if (o.from.empty()) return o;
  if (!o.name.empty() || !o.nhs_number.empty() || !o.dob.empty()) {
    return fail(Errc::invalid_argument, "give the identifiers either in --from or as options");
  }
  std::string text;
  if (o.from == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(o.from);
    if (!in) return fail(Errc::not_found, o.from + ": cannot open");
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return fail(Errc::invalid_argument, o.from + ": not a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (!value.is_string())
      return fail(Errc::invalid_argument, o.from + ": " + key + " must be a string");
    if (key == "name") {
      o.name = value.get<std::string>();
    } else if (key == "nhs_number") {
      o.nhs_number = value.get<std::string>();
    } else if (key == "date_of_birth") {
      o.dob = value.get<std::string>();
    } else {
      return fail(Errc::invalid_argument, o.from + ": unknown field " + key);
    }
  }
  return o;
}

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

ExitCode run_add(const PatientOptions& given) {
  auto filled = with_identifiers(given);
  if (!filled) return report_archive_error("patient add", filled.error());
  const PatientOptions& o = *filled;
  if (o.name.empty()) {
    return report_error(ExitCode::usage, "patient add: a name is required (--name or --from)");
  }
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

ExitCode run_find(const PatientOptions& given) {
  auto filled = with_identifiers(given);
  if (!filled) return report_archive_error("patient find", filled.error());
  const PatientOptions& o = *filled;
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
  c_add->add_option("--name", add->name, "Full name");
  c_add->add_option("--from", add->from, std::string(kFromHelp));
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
  c_find->add_option("--from", find->from, std::string(kFromHelp));
  c_find->footer(std::string(kArchivePassphraseHelp));
  add_exit_code_footers(app);
  return Command{app, [=]() -> ExitCode {
                   if (c_add->parsed()) return run_add(*add);
                   if (c_find->parsed()) return run_find(*find);
                   return report_error(ExitCode::usage, "patient: name a subcommand (see --help)");
                 }};
}

}  // namespace clinvid::cli
