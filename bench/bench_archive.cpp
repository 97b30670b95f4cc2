// Archive benchmarks, printed side by side, never asserted:
//
// 1. Search latency (p50/p95) of Archive::search over N synthetic catalogued recordings
//    (FTS5 words plus filters), beside the same questions asked the naive way (LIKE '%word%'
//    scans over the same table) — what the catalogue would cost without its index.
// 2. Import throughput of one large video file: Archive::import_file (consent gate, per-recording
//    key, remux without metadata, age encryption, verification-free catalogue) beside
//    `age -e -r age1…` of the same file.
//
// Usage: bench_archive [rows=100000] [import_mib=1024] [queries=300]
//        (import_mib=0 skips the import benchmark; it needs ffmpeg and age on PATH.)
// Files live in $XDG_RUNTIME_DIR (else /tmp) and are removed afterwards.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <sqlite3.h>

#include "archive/archive.hpp"
#include "core/id.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using clinvid::archive::Archive;
namespace consent = clinvid::consent;

extern "C" char** environ;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

int run(const std::vector<std::string>& argv) {
  std::vector<std::string> strings = argv;
  std::vector<char*> args;
  for (auto& s : strings) args.push_back(s.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

constexpr const char* kWords[] = {"basal",     "carcinoma", "excision", "melanoma", "ulcer",
                                  "wound",     "graft",     "flap",     "burn",     "eczema",
                                  "psoriasis", "keloid",    "scar",     "release",  "tendon",
                                  "fracture",  "nail",      "lesion",   "biopsy",   "cyst"};
constexpr const char* kSites[] = {"hand", "face", "knee", "foot", "forearm", "scalp", "back"};

// Writes `rows` catalogued recordings straight into the catalogue in one transaction (going
// through register_recording would benchmark 100,000 fsynced audit rows instead).
bool fill(const fs::path& dir, const std::string& patient, const std::string& consent_id,
          int rows) {
  sqlite3* db = nullptr;
  if (sqlite3_open((dir / clinvid::archive::kCatalogueFile).c_str(), &db) != SQLITE_OK)
    return false;
  sqlite3_exec(db, "PRAGMA busy_timeout = 10000; BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* rec = nullptr;
  sqlite3_stmt* site = nullptr;
  sqlite3_stmt* fts = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO recordings(id, status, patient_id, consent_id, kind, purposes,"
                     " recorded_on, procedure, notes, tags, recipient, created_by, created_at)"
                     " VALUES(?1, 'active', ?2, ?3, 'external_photo', ?4, ?5, ?6, ?7, ?8,"
                     " 'age1synthetic', 'bench', '2025-01-01T00:00:00Z')",
                     -1, &rec, nullptr);
  sqlite3_prepare_v2(db,
                     "INSERT INTO recording_sites(recording_id, site, laterality) VALUES(?1, ?2,"
                     " 'left')",
                     -1, &site, nullptr);
  sqlite3_prepare_v2(db,
                     "INSERT INTO recordings_fts(rowid, procedure, notes, tags, body_sites)"
                     " VALUES(last_insert_rowid(), ?2, ?3, ?4, ?5)",
                     -1, &fts, nullptr);
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&](std::size_t n) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<std::size_t>(state % n);
  };
  bool ok = true;
  for (int i = 0; i < rows && ok; ++i) {
    const std::string id = clinvid::Uuid::random().to_string();
    const std::string procedure =
        fmt::format("{} {} {}", kWords[next(20)], kWords[next(20)], kWords[next(20)]);
    const std::string notes =
        fmt::format("case {} {} follow-up {}", i, kWords[next(20)], next(100));
    const std::string tags = fmt::format("[\"{}\"]", kWords[next(20)]);
    const char* body = kSites[next(7)];
    const std::string date =
        fmt::format("20{:02}-{:02}-{:02}", 15 + next(10), 1 + next(12), 1 + next(28));
    const char* purposes =
        next(3) == 0 ? "[\"clinical_record\",\"teaching\"]" : "[\"clinical_record\"]";
    sqlite3_bind_text(rec, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(rec, 2, patient.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(rec, 3, consent_id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(rec, 4, purposes, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(rec, 5, date.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(rec, 6, procedure.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(rec, 7, notes.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(rec, 8, tags.c_str(), -1, SQLITE_TRANSIENT);
    ok = ok && sqlite3_step(rec) == SQLITE_DONE;
    sqlite3_reset(rec);
    sqlite3_bind_text(fts, 2, procedure.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(fts, 3, notes.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(fts, 4, kWords[next(20)], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(fts, 5, body, -1, SQLITE_TRANSIENT);
    ok = ok && sqlite3_step(fts) == SQLITE_DONE;
    sqlite3_reset(fts);
    sqlite3_bind_text(site, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(site, 2, body, -1, SQLITE_TRANSIENT);
    ok = ok && sqlite3_step(site) == SQLITE_DONE;
    sqlite3_reset(site);
  }
  sqlite3_finalize(rec);
  sqlite3_finalize(site);
  sqlite3_finalize(fts);
  ok = ok && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

struct Query {
  std::string words;
  std::optional<std::string> site;
  std::optional<consent::Purpose> purpose;
  std::optional<consent::Date> from;
};

std::vector<Query> queries(int count) {
  // Common words (each in about 15% of recordings), pairs, a word with a body site, a prefix
  // with purpose and date filters, and a rare lookup (one recording's case number).
  std::vector<Query> out;
  for (int i = 0; i < count; ++i) {
    Query q;
    const auto u = static_cast<std::size_t>(i);
    switch (i % 5) {
      case 4: q.words = fmt::format("case {}", (u * 7919) % 100000); break;
      case 0: q.words = kWords[u % 20]; break;
      case 1: q.words = fmt::format("{} {}", kWords[u % 20], kWords[(u * 7 + 3) % 20]); break;
      case 2:
        q.words = kWords[(u * 3) % 20];
        q.site = kSites[u % 7];
        break;
      default:
        q.words = std::string(kWords[(u * 5) % 20]).substr(0, 4) + "*";
        q.purpose = consent::Purpose::teaching;
        q.from = consent::Date::make(2020, 1, 1).value();
        break;
    }
    out.push_back(q);
  }
  return out;
}

// The same question without the index: LIKE scans, with the same filters and limit.
double naive_query(sqlite3* db, const Query& q) {
  std::string sql = "SELECT r.id FROM recordings r WHERE r.status = 'active'";
  std::vector<std::string> binds;
  std::string words = q.words;
  std::size_t pos = 0;
  while (pos < words.size()) {
    std::size_t end = words.find(' ', pos);
    if (end == std::string::npos) end = words.size();
    std::string w = words.substr(pos, end - pos);
    if (!w.empty() && w.back() == '*') w.pop_back();
    binds.push_back("%" + w + "%");
    const std::string n = std::to_string(binds.size());
    sql +=
        " AND (r.procedure LIKE ?" + n + " OR r.notes LIKE ?" + n + " OR r.tags LIKE ?" + n + ")";
    pos = end + 1;
  }
  if (q.site) {
    binds.push_back(*q.site);
    sql += " AND r.id IN (SELECT recording_id FROM recording_sites WHERE site = ?" +
           std::to_string(binds.size()) + ")";
  }
  if (q.purpose) sql += " AND r.purposes LIKE '%teaching%'";
  if (q.from) {
    binds.push_back(q.from->to_string());
    sql += " AND r.recorded_on >= ?" + std::to_string(binds.size());
  }
  sql += " ORDER BY r.recorded_on DESC, r.id LIMIT 20";
  const auto start = Clock::now();
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  for (std::size_t i = 0; i < binds.size(); ++i) {
    sqlite3_bind_text(stmt, static_cast<int>(i + 1), binds[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  while (sqlite3_step(stmt) == SQLITE_ROW) {
  }
  sqlite3_finalize(stmt);
  return seconds_since(start);
}

int bench_search(const fs::path& root, int rows, int query_count) {
  const fs::path dir = root / "search-archive";
  auto created = Archive::create(dir, "bench", consent::Role::photographer,
                                 clinvid::crypto::SecretBytes::copy_of(std::string_view("bench")),
                                 clinvid::archive::KdfStrength::fast);
  if (!created) {
    fmt::print(stderr, "create: {}\n", created.error().message());
    return 1;
  }
  auto patient =
      created->add_patient({"Bench Patient", "", consent::Date::make(1970, 1, 1).value()});
  consent::ConsentRecord form;
  form.patient_ref = *patient;
  form.purposes = {{consent::Purpose::clinical_record, consent::Grant::identifiable},
                   {consent::Purpose::teaching, consent::Grant::identifiable}};
  form.giver = consent::ConsentGiver::patient;
  form.capacity = {consent::Capacity::presumed, std::nullopt, std::nullopt, ""};
  form.mode = consent::ConsentMode::written;
  form.signature = consent::SignatureRef{"sig", std::string(64, 'a')};
  form.taken_by = {"Bench", "Photographer"};
  form.consented_on = consent::Date::make(2015, 1, 1).value();
  auto consent_id = created->add_consent(form);
  if (!patient || !consent_id) return 1;
  const auto fill_start = Clock::now();
  if (!fill(dir, *patient, *consent_id, rows)) {
    fmt::print(stderr, "fill failed\n");
    return 1;
  }
  fmt::print("catalogue: {} synthetic recordings written in {:.1f} s\n", rows,
             seconds_since(fill_start));

  const auto qs = queries(query_count);
  std::vector<double> ours;
  std::size_t hits = 0;
  for (const Query& q : qs) {
    clinvid::archive::SearchQuery sq;
    sq.text = q.words;
    sq.body_site = q.site;
    sq.purpose = q.purpose;
    sq.from = q.from;
    sq.limit = 20;
    const auto start = Clock::now();
    auto found = created->search(sq);
    ours.push_back(seconds_since(start));
    if (found) hits += found->size();
  }
  sqlite3* db = nullptr;
  sqlite3_open_v2((dir / clinvid::archive::kCatalogueFile).c_str(), &db, SQLITE_OPEN_READONLY,
                  nullptr);
  std::vector<double> naive;
  for (const Query& q : qs) naive.push_back(naive_query(db, q));
  sqlite3_close(db);
  const double p50 = percentile(ours, 0.5) * 1e3, p95 = percentile(ours, 0.95) * 1e3;
  const double n50 = percentile(naive, 0.5) * 1e3, n95 = percentile(naive, 0.95) * 1e3;
  fmt::print("search over {} recordings, {} queries (limit 20, {} results in all):\n", rows,
             query_count, hits);
  fmt::print("  {:<44} p50 {:8.2f} ms   p95 {:8.2f} ms\n",
             "clinvid Archive::search (FTS5 + filters)", p50, p95);
  fmt::print("  {:<44} p50 {:8.2f} ms   p95 {:8.2f} ms\n", "naive SQLite LIKE scan, same filters",
             n50, n95);
  fmt::print("  ratio naive/clinvid: p50 {:.1f}x, p95 {:.1f}x\n", n50 / p50, n95 / p95);
  return 0;
}

int bench_import(const fs::path& root, int mib) {
  const fs::path video = root / "import-source.mkv";
  // Raw 1280x720 I420 frames in Matroska: 1.38 MB a frame, cheap to make at any size.
  const int frames =
      std::max(1, static_cast<int>(static_cast<double>(mib) * 1048576.0 / 1382400.0));
  if (run({"ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
           "testsrc2=size=1280x720:rate=25", "-frames:v", std::to_string(frames), "-c:v",
           "rawvideo", "-pix_fmt", "yuv420p", video.string()}) != 0) {
    fmt::print(stderr, "ffmpeg could not make the source video\n");
    return 1;
  }
  const double size_mib = static_cast<double>(fs::file_size(video)) / 1048576.0;
  const fs::path dir = root / "import-archive";
  auto a = Archive::create(dir, "bench", consent::Role::photographer,
                           clinvid::crypto::SecretBytes::copy_of(std::string_view("bench")),
                           clinvid::archive::KdfStrength::fast);
  if (!a) return 1;
  auto patient = a->add_patient({"Bench Patient", "", consent::Date::make(1970, 1, 1).value()});
  consent::ConsentRecord form;
  form.patient_ref = *patient;
  form.purposes = {{consent::Purpose::clinical_record, consent::Grant::identifiable}};
  form.body_sites = {"knee"};
  form.giver = consent::ConsentGiver::patient;
  form.capacity = {consent::Capacity::presumed, std::nullopt, std::nullopt, ""};
  form.mode = consent::ConsentMode::written;
  form.signature = consent::SignatureRef{"sig", std::string(64, 'a')};
  form.taken_by = {"Bench", "Photographer"};
  form.consented_on = consent::Date::make(2015, 1, 1).value();
  auto consent_id = a->add_consent(form);
  if (!patient || !consent_id) return 1;
  clinvid::archive::NewRecording rec;
  rec.patient_id = *patient;
  rec.consent_id = *consent_id;
  rec.kind = consent::RecordingKind::external_video;
  rec.sites = {{"knee", consent::Laterality::left}};
  rec.purposes = {consent::Purpose::clinical_record};
  clinvid::archive::ImportOptions options;
  options.quality_checks = true;
  const auto start = Clock::now();
  auto imported = a->import_file(video, rec, false, options);
  const double ours = seconds_since(start);
  if (!imported) {
    fmt::print(stderr, "import: {}\n", imported.error().message());
    return 1;
  }
  const auto id = clinvid::crypto::X25519Identity::generate();
  const fs::path age_out = root / "age-out.age";
  const auto age_start = Clock::now();
  const int rc =
      run({"age", "-e", "-r", id.recipient().to_string(), "-o", age_out.string(), video.string()});
  const double theirs = seconds_since(age_start);
  if (rc != 0) return 1;
  fmt::print("import of a {:.0f} MiB video ({} frames 1280x720 raw in Matroska):\n", size_mib,
             frames);
  fmt::print("  {:<52} {:7.2f} s  {:8.1f} MiB/s\n",
             "clinvid archive import (sanitise+encrypt+catalogue)", ours, size_mib / ours);
  fmt::print("  {:<52} {:7.2f} s  {:8.1f} MiB/s\n", "age -e (encrypt only)", theirs,
             size_mib / theirs);
  fmt::print("  ratio clinvid/age time: {:.2f}x\n", ours / theirs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int rows = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int import_mib = argc > 2 ? std::atoi(argv[2]) : 1024;
  const int query_count = argc > 3 ? std::atoi(argv[3]) : 300;
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  const fs::path root = fs::path(runtime != nullptr ? runtime : "/tmp") /
                        ("clinvid-bench-archive-" + std::to_string(::getpid()));
  fs::create_directories(root);
  int rc = rows > 0 ? bench_search(root, rows, query_count) : 0;
  if (rc == 0 && import_mib > 0) rc = bench_import(root, import_mib);
  std::error_code ec;
  fs::remove_all(root, ec);
  return rc;
}
