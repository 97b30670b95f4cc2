#include "cmd_archive.h"

#include <cctype>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "age_cli_common.h"
#include "archive/vault.hpp"
#include "core/paths.hpp"
#include "crypto/io.hpp"

namespace clinvid::cli {
namespace {

namespace consent = clinvid::consent;
using archive::Archive;

Json site_json(const consent::SiteRef& s) {
  return {{"site", s.id}, {"laterality", consent::to_string(s.laterality)}};
}

Json recording_json(const archive::RecordingInfo& r) {
  Json sites = Json::array();
  for (const auto& s : r.sites) sites.push_back(site_json(s));
  Json purposes = Json::array();
  for (const auto p : r.purposes) purposes.push_back(consent::to_string(p));
  Json out = {{"id", r.id},
              {"status", archive::to_string(r.status)},
              {"patient", r.patient_id},
              {"consent", r.consent_id},
              {"kind", consent::to_string(r.kind)},
              {"body_sites", sites},
              {"purposes", purposes},
              {"recorded_on", r.recorded_on.to_string()},
              {"case", r.case_ref},
              {"session", r.session_ref},
              {"view", r.view},
              {"procedure", r.procedure},
              {"notes", r.notes},
              {"tags", r.tags},
              {"project", r.project},
              {"derived_from", r.derived_from},
              {"media_kind", r.media_kind},
              {"container", r.container},
              {"codec", r.codec},
              {"width", r.width},
              {"height", r.height},
              {"duration_s", r.duration},
              {"plaintext_bytes", r.plaintext_bytes},
              {"sha256", r.sha256_hex},
              {"camera", r.camera},
              {"calibration_profile", r.calibration_profile},
              {"streams", r.streams},
              {"markers", r.markers},
              {"metadata_removed", r.metadata_removed},
              {"quality", r.quality},
              {"flagged", r.flagged},
              {"flag_reason", r.flag_reason},
              {"legal_hold", r.legal_hold},
              {"created_by", r.created_by},
              {"created_at", r.created_at}};
  if (r.delta_e00_mean) out["delta_e00_mean"] = *r.delta_e00_mean;
  return out;
}

std::string recording_line(const archive::RecordingInfo& r) {
  std::string sites;
  for (const auto& s : r.sites) {
    sites += (sites.empty() ? "" : ",") + s.id;
    if (s.laterality != consent::Laterality::not_applicable) {
      sites += ":" + std::string(consent::to_string(s.laterality));
    }
  }
  std::string purposes;
  for (const auto p : r.purposes)
    purposes += (purposes.empty() ? "" : ",") + std::string(consent::to_string(p));
  return fmt::format("{}  {}  {}  {}  {}  {}  {}{}", r.id, r.recorded_on.to_string(), r.patient_id,
                     archive::to_string(r.status), sites.empty() ? "-" : sites, purposes,
                     r.procedure.empty() ? "-" : r.procedure, r.flagged ? "  [FLAGGED]" : "");
}

// ---- subcommands

struct InitOptions {
  ArchiveOptions archive;
  std::string role = "information_governance_officer";
};

ExitCode run_init(InitOptions o) {
  if (o.archive.user.empty()) {
    if (const char* env = std::getenv(kArchiveUserEnv); env != nullptr) o.archive.user = env;
  }
  if (o.archive.user.empty()) {
    return report_error(ExitCode::usage,
                        "archive init: --user NAME (or $CLINVID_USER) is required");
  }
  auto role = consent::parse_role(o.role);
  if (!role) return report_archive_error("archive init", role.error());
  Result<crypto::SecretBytes> pass =
      o.archive.passphrase_file.empty() && std::getenv(kPassphraseEnv) == nullptr
          ? read_passphrase(PassphrasePrompt::confirm)
          : archive_passphrase(o.archive.passphrase_file);
  if (!pass) return report_archive_error("archive init", pass.error());
  const auto dir = archive_dir(o.archive);
  auto created = Archive::create(dir, o.archive.user, *role, *pass);
  if (!created) return report_archive_error("archive init", created.error());
  print_result(o.archive, {{"archive", dir.string()}, {"user", o.archive.user}, {"role", o.role}},
               fmt::format("archive created at {}; first user {} ({})", dir.string(),
                           o.archive.user, o.role));
  return ExitCode::ok;
}

struct ImportOptions {
  ArchiveOptions archive;
  std::vector<std::string> files;
  std::string patient, consent_id, kind = "auto", view, procedure, notes, case_ref, recorded_on;
  std::vector<std::string> sites, purposes{"clinical_record"}, tags;
  bool delete_originals = false;
  bool no_quality = false;
};

consent::RecordingKind kind_for(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".jpg" || ext == ".jpeg" || ext == ".png")
    return consent::RecordingKind::external_photo;
  if (ext == ".m4a" || ext == ".mp3" || ext == ".wav" || ext == ".ogg" || ext == ".opus") {
    return consent::RecordingKind::audio;
  }
  return consent::RecordingKind::external_video;
}

ExitCode run_import(const ImportOptions& o) {
  archive::NewRecording base;
  base.patient_id = o.patient;
  base.consent_id = o.consent_id;
  base.view = o.view;
  base.procedure = o.procedure;
  base.notes = o.notes;
  base.case_ref = o.case_ref;
  base.tags = o.tags;
  for (const auto& s : o.sites) {
    auto site = consent::parse_site_ref(s);
    if (!site) return report_archive_error("archive import", site.error());
    base.sites.push_back(*site);
  }
  auto purposes = parse_purposes(o.purposes);
  if (!purposes) return report_archive_error("archive import", purposes.error());
  base.purposes = *purposes;
  if (!o.recorded_on.empty()) {
    auto d = consent::Date::parse(o.recorded_on);
    if (!d) return report_archive_error("archive import", d.error());
    base.recorded_on = *d;
  }
  std::optional<consent::RecordingKind> fixed_kind;
  if (o.kind != "auto") {
    auto k = consent::parse_recording_kind(o.kind);
    if (!k) return report_archive_error("archive import", k.error());
    fixed_kind = *k;
  }
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("archive import", a.error());
  archive::ImportOptions import_options;
  import_options.quality_checks = !o.no_quality;
  Json results = Json::array();
  std::string text;
  ExitCode worst = ExitCode::ok;
  for (const auto& file : o.files) {
    archive::NewRecording rec = base;
    rec.kind = fixed_kind.value_or(kind_for(file));
    auto imported = a->import_file(file, rec, o.delete_originals, import_options);
    if (!imported) {
      const ExitCode code = report_archive_error("archive import " + file, imported.error());
      if (worst == ExitCode::ok || code == ExitCode::refused) worst = code;
      results.push_back({{"file", file}, {"error", imported.error().message()}});
      continue;
    }
    Json item = recording_json(*imported);
    item["file"] = file;
    item["original_deleted"] = o.delete_originals;
    results.push_back(item);
    text += fmt::format("{} -> {}\n", file, imported->id);
    for (const auto& removed : imported->metadata_removed) {
      text += fmt::format("  metadata removed: {}\n", removed.get<std::string>());
    }
    for (const auto& q : imported->quality) {
      text += fmt::format("  retake advice: {}\n", q.value("advice", std::string()));
    }
  }
  if (o.archive.json) {
    fmt::print("{}\n", results.dump(2));
  } else {
    fmt::print("{}", text);
  }
  return worst;
}

struct SearchOptions {
  ArchiveOptions archive;
  std::string text, patient, from, to, purpose, consent_state, body_site;
  int limit = 100;
  bool include_erased = false;
};

ExitCode run_search(const SearchOptions& o, std::string_view name) {
  archive::SearchQuery q;
  q.text = o.text;
  q.limit = o.limit;
  q.include_erased = o.include_erased;
  const std::string command = "archive " + std::string(name);
  if (!o.patient.empty()) q.patient_id = o.patient;
  if (!o.body_site.empty()) q.body_site = o.body_site;
  for (auto [text, slot] : {std::pair{&o.from, &q.from}, std::pair{&o.to, &q.to}}) {
    if (text->empty()) continue;
    auto d = consent::Date::parse(*text);
    if (!d) return report_archive_error(command, d.error());
    *slot = *d;
  }
  if (!o.purpose.empty()) {
    auto p = consent::parse_purpose(o.purpose);
    if (!p) return report_archive_error(command, p.error());
    q.purpose = *p;
  }
  if (!o.consent_state.empty()) {
    auto s = consent::parse_consent_state(o.consent_state);
    if (!s) return report_archive_error(command, s.error());
    q.consent_state = *s;
  }
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error(command, a.error());
  auto found = a->search(q);
  if (!found) return report_archive_error(command, found.error());
  Json items = Json::array();
  std::string text;
  for (const auto& r : *found) {
    items.push_back(recording_json(r));
    text += recording_line(r) + "\n";
  }
  if (o.archive.json) {
    fmt::print("{}\n", items.dump(2));
  } else {
    fmt::print("{}", text.empty() ? "no recordings found\n" : text);
  }
  return ExitCode::ok;
}

struct IdOptions {
  ArchiveOptions archive;
  std::string id, purpose = "clinical_record", output, reason, on, legal_basis = "none";
  std::string signoff_user, signoff_passphrase_file;
  std::vector<std::string> recipients;
  bool plaintext = false, anonymised = false, release = false, run = false;
};

void add_signoff_options(CLI::App* app, IdOptions& o) {
  app->add_option("--signoff-user", o.signoff_user,
                  "A second user who signs this off (a supervisor, or the IG officer)");
  app->add_option("--signoff-passphrase-file", o.signoff_passphrase_file,
                  "Their passphrase, first line of FILE (else $CLINVID_SIGNOFF_PASSPHRASE, else "
                  "asked at the terminal)");
}

ExitCode run_show(const IdOptions& o) {
  auto purpose = consent::parse_purpose(o.purpose);
  if (!purpose) return report_archive_error("archive show", purpose.error());
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("archive show", a.error());
  archive::GateRequest g;
  g.operation = consent::Operation::view;
  g.purpose = *purpose;
  g.recording_id = o.id;
  g.detail = "catalogue entry shown";
  auto decision = a->authorize(g);
  if (!decision) return report_archive_error("archive show", decision.error());
  if (decision->effect != consent::Effect::allow) {
    return report_error(ExitCode::refused, "archive show: " + archive::refusal_message(*decision));
  }
  auto r = a->get_recording(o.id);
  if (!r) return report_archive_error("archive show", r.error());
  print_result(o.archive, recording_json(*r), recording_json(*r).dump(2));
  return ExitCode::ok;
}

// The second user of a sign-off, unlocked with their own passphrase (--signoff-passphrase-file,
// else $CLINVID_SIGNOFF_PASSPHRASE, else the terminal). Empty when no sign-off was asked for.
Result<std::optional<Archive>> open_signoff(const IdOptions& o) {
  if (o.signoff_user.empty()) return std::optional<Archive>{};
  auto other = Archive::open(archive_dir(o.archive));
  if (!other) return tl::unexpected(other.error());
  auto pass = passphrase_once(o.signoff_passphrase_file, "CLINVID_SIGNOFF_PASSPHRASE");
  if (!pass) return tl::unexpected(pass.error());
  if (auto ok = other->unlock(o.signoff_user, *pass); !ok) return tl::unexpected(ok.error());
  return std::optional<Archive>(std::move(*other));
}

ExitCode run_export(const IdOptions& o) {
  auto purpose = consent::parse_purpose(o.purpose);
  if (!purpose) return report_archive_error("archive export", purpose.error());
  if (o.output.empty()) return report_error(ExitCode::usage, "archive export: -o FILE is required");
  if (o.plaintext == !o.recipients.empty()) {
    return report_error(ExitCode::usage,
                        "archive export: give -r RECIPIENT (an encrypted copy) or --plaintext");
  }
  std::vector<crypto::Recipient> recipients;
  for (const auto& r : o.recipients) {
    auto parsed = crypto::parse_recipient(r);
    if (!parsed) return report_archive_error("archive export", parsed.error());
    recipients.push_back(std::move(*parsed));
  }
  auto basis = consent::parse_legal_basis(o.legal_basis);
  if (!basis) return report_archive_error("archive export", basis.error());
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("archive export", a.error());
  auto signoff = open_signoff(o);
  if (!signoff) return report_archive_error("archive export: sign-off", signoff.error());
  archive::ExportOptions options;
  options.identifiability =
      o.anonymised ? consent::Identifiability::anonymised : consent::Identifiability::identifiable;
  options.legal_basis = *basis;
  options.signed_off_by = *signoff ? &**signoff : nullptr;
  auto ok = a->export_recording(
      o.id, *purpose, o.output,
      o.plaintext ? archive::ExportForm::plaintext : archive::ExportForm::encrypted, recipients,
      options);
  if (!ok) return report_archive_error("archive export", ok.error());
  print_result(
      o.archive,
      {{"id", o.id}, {"output", o.output}, {"plaintext", o.plaintext}, {"purpose", o.purpose}},
      fmt::format("exported {} to {} ({})", o.id, o.output,
                  o.plaintext ? "plaintext" : "encrypted"));
  return ExitCode::ok;
}

ExitCode run_erase(const IdOptions& o) {
  if (o.reason.empty())
    return report_error(ExitCode::usage, "archive erase: --reason TEXT is required");
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("archive erase", a.error());
  auto signoff = open_signoff(o);
  if (!signoff) return report_archive_error("archive erase: sign-off", signoff.error());
  if (auto ok = a->erase_recording(o.id, o.reason, *signoff ? &**signoff : nullptr); !ok) {
    return report_archive_error("archive erase", ok.error());
  }
  print_result(o.archive, {{"id", o.id}, {"erased", true}},
               fmt::format("erased {}: its key is destroyed and its media deleted", o.id));
  return ExitCode::ok;
}

ExitCode run_hold(const IdOptions& o) {
  if (o.reason.empty())
    return report_error(ExitCode::usage, "archive hold: --reason TEXT is required");
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("archive hold", a.error());
  auto ok = o.release ? a->release_legal_hold(o.id, o.reason) : a->place_legal_hold(o.id, o.reason);
  if (!ok) return report_archive_error("archive hold", ok.error());
  print_result(o.archive, {{"id", o.id}, {"legal_hold", !o.release}},
               fmt::format("legal hold on {} {}", o.id, o.release ? "released" : "placed"));
  return ExitCode::ok;
}

ExitCode run_retention(const IdOptions& o) {
  consent::Date on = archive::today_utc();
  if (!o.on.empty()) {
    auto d = consent::Date::parse(o.on);
    if (!d) return report_archive_error("archive retention", d.error());
    on = *d;
  }
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("archive retention", a.error());
  auto items = a->run_retention(on, o.run);
  if (!items) return report_archive_error("archive retention", items.error());
  Json out = Json::array();
  std::string text;
  for (const auto& item : *items) {
    out.push_back({{"id", item.recording_id},
                   {"review_date", item.review_date.to_string()},
                   {"action", item.action}});
    text += fmt::format("{}  review {}  {}\n", item.recording_id, item.review_date.to_string(),
                        item.action);
  }
  print_result(o.archive, out, text.empty() ? "nothing is past its retention period\n" : text);
  return ExitCode::ok;
}

}  // namespace

Command add_archive(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "archive", "The catalogued, encrypted archive: create, import, search, export, erase");
  app->require_subcommand(1);
  app->footer(std::string(kArchivePassphraseHelp));

  auto init = std::make_shared<InitOptions>();
  CLI::App* c_init = app->add_subcommand("init", "Create an archive and its first user");
  add_archive_options(c_init, init->archive);
  c_init->add_option("--role", init->role, "The first user's role")->capture_default_str();
  c_init->footer(std::string(kArchivePassphraseHelp));

  auto imp = std::make_shared<ImportOptions>();
  CLI::App* c_imp = app->add_subcommand(
      "import", "Import external files: metadata stripped, quality checked, encrypted, catalogued");
  add_archive_options(c_imp, imp->archive);
  c_imp->add_option("FILE", imp->files, "Images (JPEG, PNG) and videos (MP4/MOV, MKV, WebM)")
      ->required();
  c_imp->add_option("--patient", imp->patient, "Patient id (P-…)")->required();
  c_imp->add_option("--consent", imp->consent_id, "Consent id covering these files");
  c_imp->add_option("--body-site", imp->sites, "Body site CODE[:left|right|bilateral] (repeat)");
  c_imp->add_option("--purpose", imp->purposes, "Purpose(s) it is catalogued for")
      ->capture_default_str();
  c_imp->add_option("--kind", imp->kind, "Recording kind, or auto (by file type)")
      ->capture_default_str();
  c_imp->add_option("--procedure", imp->procedure, "Procedure (searchable)");
  c_imp->add_option("--notes", imp->notes,
                    "Notes (searchable; no identifiers: stored unencrypted)");
  c_imp->add_option("--tag", imp->tags, "Tag (repeat)");
  c_imp->add_option("--view", imp->view, "View (anterior, lateral, ...)");
  c_imp->add_option("--case", imp->case_ref, "Case or episode reference");
  c_imp->add_option("--recorded-on", imp->recorded_on, "Date taken, YYYY-MM-DD (default today)");
  c_imp->add_flag("--delete-originals", imp->delete_originals,
                  "Delete each original once its encrypted copy has been verified");
  c_imp->add_flag("--no-quality-checks", imp->no_quality, "Skip blur and exposure checks");
  c_imp->footer(std::string(kArchivePassphraseHelp));

  auto list = std::make_shared<SearchOptions>();
  CLI::App* c_list = app->add_subcommand("list", "List catalogued recordings, newest first");
  add_archive_options(c_list, list->archive);
  c_list->add_option("--patient", list->patient, "Only this patient");
  c_list->add_option("--limit", list->limit, "At most N")->capture_default_str();
  c_list->add_flag("--include-erased", list->include_erased, "Show tombstones too");

  auto search = std::make_shared<SearchOptions>();
  CLI::App* c_search = app->add_subcommand(
      "search", "Full-text search over procedures, notes, tags and body sites, with filters");
  add_archive_options(c_search, search->archive);
  c_search->add_option("TEXT", search->text, "Words to find (each literally; word* for a prefix)");
  c_search->add_option("--patient", search->patient, "Only this patient");
  c_search->add_option("--from", search->from, "Recorded on or after YYYY-MM-DD");
  c_search->add_option("--to", search->to, "Recorded on or before YYYY-MM-DD");
  c_search->add_option("--purpose", search->purpose, "Catalogued for this purpose");
  c_search->add_option(
      "--consent-state", search->consent_state,
      "Consent state for --purpose (identifiable, anonymised_only, withdrawn, ...)");
  c_search->add_option("--body-site", search->body_site, "Body site code");
  c_search->add_option("--limit", search->limit, "At most N")->capture_default_str();
  c_search->footer(
      "Hostile input is safe: every word is passed to SQLite as a bound, quoted "
      "string.\n\n" +
      std::string(kArchivePassphraseHelp));

  auto show = std::make_shared<IdOptions>();
  CLI::App* c_show =
      app->add_subcommand("show", "Show one recording's catalogue entry (audited view)");
  add_archive_options(c_show, show->archive);
  c_show->add_option("ID", show->id, "Recording id")->required();
  c_show->add_option("--purpose", show->purpose, "Why you are looking")->capture_default_str();

  auto exp = std::make_shared<IdOptions>();
  CLI::App* c_exp = app->add_subcommand(
      "export", "Export a recording for a purpose its consent allows (encrypted, or --plaintext)");
  add_archive_options(c_exp, exp->archive);
  c_exp->add_option("ID", exp->id, "Recording id")->required();
  c_exp->add_option("--purpose", exp->purpose, "The purpose of the export")->required();
  c_exp->add_option("-o,--output", exp->output, "Output file (written through FILE.tmp)")
      ->required();
  c_exp->add_option("-r,--recipient", exp->recipients, "Encrypt the copy to age1… (repeat)");
  c_exp->add_flag("--plaintext", exp->plaintext, "Write the decrypted media (audited as such)");
  c_exp->add_flag("--anonymised", exp->anonymised, "The copy is used anonymised");
  c_exp
      ->add_option("--legal-basis", exp->legal_basis,
                   "A disclosure to a third party: court_order, required_by_law or "
                   "public_interest (default none: an export)")
      ->capture_default_str();
  add_signoff_options(c_exp, *exp);
  c_exp->footer("A refusal names the policy rule, exits 4 and is recorded in the audit.\n\n" +
                std::string(kArchivePassphraseHelp));

  auto erase = std::make_shared<IdOptions>();
  CLI::App* c_erase = app->add_subcommand(
      "erase", "Erase a recording: destroy its key and media, keep a tombstone (IG officer)");
  add_archive_options(c_erase, erase->archive);
  c_erase->add_option("ID", erase->id, "Recording id")->required();
  c_erase->add_option("--reason", erase->reason, "Why (recorded in the audit)")->required();
  add_signoff_options(c_erase, *erase);

  auto hold = std::make_shared<IdOptions>();
  CLI::App* c_hold = app->add_subcommand("hold", "Place (or --release) a legal hold (IG officer)");
  add_archive_options(c_hold, hold->archive);
  c_hold->add_option("ID", hold->id, "Recording id")->required();
  c_hold->add_option("--reason", hold->reason, "Why (recorded in the audit)")->required();
  c_hold->add_flag("--release", hold->release, "Release the hold instead");

  auto ret = std::make_shared<IdOptions>();
  CLI::App* c_ret = app->add_subcommand(
      "retention", "List (or --run: erase) recordings past the retention period of every purpose");
  add_archive_options(c_ret, ret->archive);
  c_ret->add_flag("--run", ret->run, "Erase what is due (legal holds are kept), audited");
  c_ret->add_option("--on", ret->on, "Evaluate as of YYYY-MM-DD (default today)");

  add_exit_code_footers(app);
  return Command{app, [=]() -> ExitCode {
                   if (c_init->parsed()) return run_init(*init);
                   if (c_imp->parsed()) return run_import(*imp);
                   if (c_list->parsed()) return run_search(*list, "list");
                   if (c_search->parsed()) return run_search(*search, "search");
                   if (c_show->parsed()) return run_show(*show);
                   if (c_exp->parsed()) return run_export(*exp);
                   if (c_erase->parsed()) return run_erase(*erase);
                   if (c_hold->parsed()) return run_hold(*hold);
                   if (c_ret->parsed()) return run_retention(*ret);
                   return report_error(ExitCode::usage, "archive: name a subcommand (see --help)");
                 }};
}

}  // namespace clinvid::cli
