// Thin owners for the SQLite C API: one connection (Db) and one prepared statement (Stmt).
// User values only ever reach SQL as bound parameters; the text of a statement is always a
// literal of our own.
//
// Threading: a Db and its Stmts belong to one thread at a time (SQLite's multi-thread mode).
// Concurrency between processes is SQLite's: WAL, busy_timeout, BEGIN IMMEDIATE for writers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace clinvid::archive {

enum class OpenMode {
  invalid = 0,
  create,      // create the file if it does not exist
  must_exist,  // Errc::not_found when there is no catalogue
};

class Stmt;

class Db {
 public:
  Db() noexcept = default;
  [[nodiscard]] static Result<Db> open(const std::filesystem::path& file, OpenMode mode);
  ~Db();
  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  [[nodiscard]] Status exec(std::string_view sql);
  [[nodiscard]] Result<Stmt> prepare(std::string_view sql);
  [[nodiscard]] std::int64_t changes() const noexcept;
  [[nodiscard]] sqlite3* handle() const noexcept { return db_; }
  // The connection's last error as Errc (corrupt, io, no_space, ...) with `what` in front.
  [[nodiscard]] Error error(std::string_view what) const;

 private:
  explicit Db(sqlite3* db) noexcept : db_(db) {}
  sqlite3* db_ = nullptr;
};

// Move-only prepared statement. bind_* take 1-based indexes; col_* 0-based.
class Stmt {
 public:
  Stmt() noexcept = default;
  Stmt(sqlite3* db, sqlite3_stmt* stmt) noexcept : db_(db), stmt_(stmt) {}
  ~Stmt();
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int index, std::int64_t value);
  Stmt& bind(int index, std::string_view text);
  Stmt& bind(int index, std::span<const std::uint8_t> blob);
  Stmt& bind_null(int index);
  Stmt& bind_real(int index, double value);
  Stmt& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Stmt& bind(int index, const char* text) { return bind(index, std::string_view(text)); }

  // True while a row is available; false when done.
  [[nodiscard]] Result<bool> step();
  // Steps to completion, for statements that return no rows.
  [[nodiscard]] Status run();
  void reset() noexcept;

  [[nodiscard]] bool is_null(int column) const noexcept;
  [[nodiscard]] std::int64_t col_int(int column) const noexcept;
  [[nodiscard]] double col_double(int column) const noexcept;
  [[nodiscard]] std::string col_text(int column) const;
  [[nodiscard]] std::vector<std::uint8_t> col_blob(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back on destruction unless committed. IMMEDIATE takes
// the write lock at once, so two processes never both read a head and then both append.
class Transaction {
 public:
  [[nodiscard]] static Result<Transaction> begin(Db& db);
  ~Transaction();
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  [[nodiscard]] Status commit();

 private:
  explicit Transaction(Db* db) noexcept : db_(db) {}
  Db* db_ = nullptr;
};

}  // namespace clinvid::archive
