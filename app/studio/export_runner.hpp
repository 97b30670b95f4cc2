// A film export (render::render_film: gate, render, encrypt, catalogue) on a thread of its
// own, with progress, ETA and cancel for the export view.
//
// The thread opens and unlocks its own Archive on the same directory as the signed-in user
// (an Archive belongs to one thread at a time; the archive supports several users at once),
// so the UI's Archive stays free for the library while a film renders.
//
// Threading: start(), progress(), cancel(), done(), take_outcome() and the destructor on the
// UI thread. The destructor cancels and joins.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "crypto/secret.hpp"
#include "render/film.hpp"

namespace clinvid::studio {

class ExportRunner {
 public:
  // `request.progress` and `request.cancel` are replaced by the runner's own.
  [[nodiscard]] static std::unique_ptr<ExportRunner> start(std::filesystem::path archive_dir,
                                                           std::string user,
                                                           crypto::SecretBytes passphrase,
                                                           render::FilmRequest request);
  ~ExportRunner();
  ExportRunner(const ExportRunner&) = delete;
  ExportRunner& operator=(const ExportRunner&) = delete;
  ExportRunner(ExportRunner&&) = delete;
  ExportRunner& operator=(ExportRunner&&) = delete;

  [[nodiscard]] render::ExportProgress progress() const;
  void cancel() noexcept { cancel_.store(true); }
  [[nodiscard]] bool done() const noexcept { return done_.load(); }
  // Once done(): the outcome, once (later calls return nullopt).
  [[nodiscard]] std::optional<Result<render::FilmOutcome>> take_outcome();

 private:
  ExportRunner() = default;
  void run(std::filesystem::path archive_dir, std::string user, crypto::SecretBytes passphrase,
           render::FilmRequest request) noexcept;

  mutable std::mutex mutex_;
  render::ExportProgress progress_;                     // guarded by mutex_
  std::optional<Result<render::FilmOutcome>> outcome_;  // guarded by mutex_
  std::atomic<bool> cancel_{false};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace clinvid::studio
