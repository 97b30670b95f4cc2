// Edit projects in the catalogue: the timeline JSON sealed with the archive's `projects` subkey,
// bound to the project's name, so a project never lies in clear on disk and a sealed blob
// copied under another name does not open.
#include <cctype>

#include "archive/archive_impl.hpp"

namespace clinvid::archive {
namespace {

constexpr std::size_t kMaxProjectName = 100;

Status check_project_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxProjectName) {
    return fail(Errc::invalid_argument, "a project name has 1 to 100 characters");
  }
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) == 0 && c != ' ' && c != '-' && c != '_' && c != '.') {
      return fail(Errc::invalid_argument,
                  "project name \"" + std::string(name) +
                      "\": use letters, digits, space, '-', '_' and '.' only");
    }
  }
  return {};
}

std::string bound_to(std::string_view name) {
  return "project:" + std::string(name);
}

ProjectInfo project_row(const Stmt& stmt) {
  ProjectInfo info;
  info.name = stmt.col_text(0);
  info.revision = stmt.col_int(1);
  info.created_by = stmt.col_text(2);
  info.created_at = stmt.col_text(3);
  info.updated_by = stmt.col_text(4);
  info.updated_at = stmt.col_text(5);
  return info;
}

}  // namespace

Result<ProjectInfo> Archive::save_project(std::string_view name, std::string_view json_text) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return tl::unexpected(ok.error());
  if (auto ok = check_project_name(name); !ok) return tl::unexpected(ok.error());
  const auto sealed = I.vault->seal(KeyUse::projects, json_text, bound_to(name));
  const std::string now = now_utc();
  auto tx = Transaction::begin(I.db);
  if (!tx) return tl::unexpected(tx.error());
  auto stmt = I.db.prepare(
      "INSERT INTO projects(name, sealed_json, revision, created_by, created_at, updated_by,"
      " updated_at) VALUES(?1, ?2, 1, ?3, ?4, ?3, ?4) ON CONFLICT(name) DO UPDATE SET"
      " sealed_json = excluded.sealed_json, revision = revision + 1,"
      " updated_by = excluded.updated_by, updated_at = excluded.updated_at");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, name).bind(2, std::span<const std::uint8_t>(sealed)).bind(3, I.user.name);
  stmt->bind(4, now);
  if (auto ok = stmt->run(); !ok) return tl::unexpected(ok.error());
  auto read = I.db.prepare(
      "SELECT name, revision, created_by, created_at, updated_by, updated_at FROM projects"
      " WHERE name = ?1");
  if (!read) return tl::unexpected(read.error());
  read->bind(1, name);
  auto row = read->step();
  if (!row) return tl::unexpected(row.error());
  ProjectInfo info = project_row(*read);
  read->reset();
  AuditEntry e = I.entry("project_save", name, "done", "edit project saved");
  e.detail = {{"revision", info.revision}, {"bytes", json_text.size()}};
  if (auto seq = I.audit_in(std::move(e)); !seq) return tl::unexpected(seq.error());
  if (auto ok = I.commit(*tx); !ok) return tl::unexpected(ok.error());
  return info;
}

Result<std::string> Archive::load_project(std::string_view name) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return tl::unexpected(ok.error());
  if (auto ok = check_project_name(name); !ok) return tl::unexpected(ok.error());
  auto stmt = I.db.prepare("SELECT sealed_json FROM projects WHERE name = ?1");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, name);
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return fail(Errc::not_found, "no project named \"" + std::string(name) + "\"");
  const auto sealed = stmt->col_blob(0);
  stmt->reset();
  auto opened = I.vault->open(KeyUse::projects, sealed, bound_to(name));
  if (!opened) {
    return fail(Errc::corrupt, "project \"" + std::string(name) +
                                   "\" does not open: its sealed JSON was altered or moved");
  }
  if (auto ok = I.audit(I.entry("project_open", name, "done", "edit project opened")); !ok) {
    return tl::unexpected(ok.error());
  }
  return std::string(opened->chars());
}

Result<std::vector<ProjectInfo>> Archive::list_projects() {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return tl::unexpected(ok.error());
  auto stmt = I.db.prepare(
      "SELECT name, revision, created_by, created_at, updated_by, updated_at FROM projects"
      " ORDER BY name");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<ProjectInfo> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    out.push_back(project_row(*stmt));
  }
  return out;
}

}  // namespace clinvid::archive
