#include "export_runner.hpp"

#include <exception>
#include <utility>

#include <fmt/format.h>

namespace clinvid::studio {

std::unique_ptr<ExportRunner> ExportRunner::start(std::filesystem::path archive_dir,
                                                  std::string user, crypto::SecretBytes passphrase,
                                                  render::FilmRequest request) {
  std::unique_ptr<ExportRunner> runner(new ExportRunner());
  runner->thread_ = std::thread(&ExportRunner::run, runner.get(), std::move(archive_dir),
                                std::move(user), std::move(passphrase), std::move(request));
  return runner;
}

ExportRunner::~ExportRunner() {
  cancel();
  if (thread_.joinable()) thread_.join();
}

render::ExportProgress ExportRunner::progress() const {
  const std::lock_guard lock(mutex_);
  return progress_;
}

std::optional<Result<render::FilmOutcome>> ExportRunner::take_outcome() {
  if (!done()) return std::nullopt;
  const std::lock_guard lock(mutex_);
  return std::exchange(outcome_, std::nullopt);
}

void ExportRunner::run(std::filesystem::path archive_dir, std::string user,
                       crypto::SecretBytes passphrase, render::FilmRequest request) noexcept {
  Result<render::FilmOutcome> outcome = fail(Errc::internal, "export did not run");
  try {
    auto archive = archive::Archive::open(archive_dir);
    if (!archive) {
      outcome = with_context(archive.error(), "export: opening the archive");
    } else if (auto unlocked = archive->unlock(user, passphrase); !unlocked) {
      outcome = with_context(unlocked.error(), "export: signing in as " + user);
    } else {
      request.cancel = &cancel_;
      request.progress = [this](const render::ExportProgress& progress) {
        const std::lock_guard lock(mutex_);
        progress_ = progress;
      };
      outcome = render::render_film(*archive, request);
    }
  } catch (const std::exception& e) {
    outcome = fail(Errc::internal, fmt::format("export: {}", e.what()));
  }
  {
    const std::lock_guard lock(mutex_);
    outcome_ = std::move(outcome);
  }
  done_.store(true);
}

}  // namespace clinvid::studio
