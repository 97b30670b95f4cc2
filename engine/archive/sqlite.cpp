#include "archive/sqlite.hpp"

#include <utility>

#include <sqlite3.h>

namespace clinvid::archive {
namespace {

Errc errc_of(int code) {
  switch (code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Errc::corrupt;
    case SQLITE_FULL: return Errc::no_space;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Errc::io;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH: return Errc::invalid_argument;
    case SQLITE_PERM:
    case SQLITE_AUTH: return Errc::permission_denied;
    default: return Errc::internal;
  }
}

}  // namespace

Result<Db> Db::open(const std::filesystem::path& file, OpenMode mode) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (mode == OpenMode::create) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    if (mode == OpenMode::must_exist && (rc & 0xff) == SQLITE_CANTOPEN &&
        !std::filesystem::exists(file)) {
      return fail(Errc::not_found, "no catalogue at " + file.string());
    }
    return tl::unexpected(db.error("open " + file.string()));
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Db::~Db() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Db::Db(Db&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Error Db::error(std::string_view what) const {
  if (db_ == nullptr) return Error{Errc::internal, std::string(what) + ": no database"};
  const int code = sqlite3_extended_errcode(db_);
  return Error{errc_of(code), std::string(what) + ": " + sqlite3_errmsg(db_)};
}

Status Db::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return fail(errc_of(rc), "catalogue: " + detail);
  }
  return {};
}

Result<Stmt> Db::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return tl::unexpected(error("prepare"));
  return Stmt(db_, stmt);
}

std::int64_t Db::changes() const noexcept {
  return sqlite3_changes64(db_);
}

Stmt::~Stmt() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Stmt::Stmt(Stmt&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Stmt& Stmt::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Stmt& Stmt::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Stmt& Stmt::bind(int index, std::span<const std::uint8_t> blob) {
  // A zero-length blob must still be a blob, not NULL: pass a valid pointer.
  static const std::uint8_t kEmpty = 0;
  sqlite3_bind_blob64(stmt_, index, blob.empty() ? &kEmpty : blob.data(), blob.size(),
                      SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind_real(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Stmt& Stmt::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Stmt::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const int code = sqlite3_extended_errcode(db_);
  return fail(errc_of(code), std::string("catalogue: ") + sqlite3_errmsg(db_));
}

Status Stmt::run() {
  for (;;) {
    auto more = step();
    if (!more) return tl::unexpected(more.error());
    if (!*more) return {};
  }
}

void Stmt::reset() noexcept {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Stmt::is_null(int column) const noexcept {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Stmt::col_int(int column) const noexcept {
  return sqlite3_column_int64(stmt_, column);
}

double Stmt::col_double(int column) const noexcept {
  return sqlite3_column_double(stmt_, column);
}

std::string Stmt::col_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::vector<std::uint8_t> Stmt::col_blob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  if (data == nullptr) return {};
  return std::vector<std::uint8_t>(data, data + size);
}

Result<Transaction> Transaction::begin(Db& db) {
  if (auto ok = db.exec("BEGIN IMMEDIATE"); !ok) return tl::unexpected(ok.error());
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->exec("ROLLBACK");
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Status Transaction::commit() {
  Db* db = std::exchange(db_, nullptr);
  if (auto ok = db->exec("COMMIT"); !ok) {
    (void)db->exec("ROLLBACK");
    return ok;
  }
  return {};
}

}  // namespace clinvid::archive
