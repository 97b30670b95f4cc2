#include "library_worker.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "crypto/reader.hpp"
#include "library_thumbnail.hpp"
#include "media/decoder.hpp"
#include "media/image_codec.hpp"

namespace clinvid::studio {

namespace {

using Layout = ThumbnailAtlasLayout;

Result<std::vector<std::uint8_t>> read_bytes(const std::filesystem::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return fail(Errc::not_found, fmt::format("cannot open {}", path.string()));
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> buffer(65536);
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), file)) > 0;) {
    out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return fail(Errc::io, fmt::format("cannot read {}", path.string()));
  return out;
}

archive::AuditEntry audit_entry_from(const Json& row) {
  archive::AuditEntry e;
  e.seq = row.value("seq", std::int64_t{0});
  e.at = row.value("at", std::string());
  e.user = row.value("user", std::string());
  e.role = row.value("role", std::string());
  e.action = row.value("action", std::string());
  e.target = row.value("target", std::string());
  e.outcome = row.value("outcome", std::string());
  e.rule = row.value("rule", std::string());
  e.reason = row.value("reason", std::string());
  if (row.contains("detail")) e.detail = row["detail"];
  return e;
}

}  // namespace

std::string_view to_string(ThumbnailState state) noexcept {
  switch (state) {
    case ThumbnailState::pending: return "pending";
    case ThumbnailState::ready: return "ready";
    case ThumbnailState::placeholder: return "placeholder";
    case ThumbnailState::refused: return "refused";
    case ThumbnailState::failed: return "failed";
    case ThumbnailState::invalid: break;
  }
  return "invalid";
}

struct LibraryWorker::Engine {
  std::optional<archive::Archive> archive;
  std::string open_error;  // why the archive could not be opened; sticky
  // Per recording and purpose: the drawn cell's pixels (kCellWidthPx × kCellHeightPx RGBA) and
  // what it shows, so a new search neither re-asks the gate nor re-decodes.
  struct Cached {
    ThumbnailInfo info;
    std::vector<std::uint8_t> cell_rgba;
  };
  std::map<std::pair<std::string, consent::Purpose>, Cached> cache;
  std::vector<std::uint8_t> atlas =
      std::vector<std::uint8_t>(std::size_t{Layout::kWidthPx} * Layout::kHeightPx * 4, 0);
  std::vector<std::uint8_t> scratch =
      std::vector<std::uint8_t>(std::size_t{Layout::kWidthPx} * Layout::kHeightPx * 4, 0);
  std::uint64_t atlas_generation = 0;

  Result<archive::Archive*> open(const std::filesystem::path& dir, const std::string& user,
                                 const crypto::SecretBytes& passphrase) {
    if (archive) return &*archive;
    if (!open_error.empty()) return fail(Errc::io, open_error);
    auto opened = archive::Archive::open(dir);
    if (!opened) {
      open_error = with_context(opened.error(), "the library's worker opening the archive")
                       .value()
                       .message();
      return fail(opened.error().code, open_error);
    }
    if (auto unlocked = opened->unlock(user, passphrase); !unlocked) {
      open_error =
          with_context(unlocked.error(), "the library's worker signing in").value().message();
      return fail(unlocked.error().code, open_error);
    }
    archive.emplace(std::move(*opened));
    return &*archive;
  }

  // Draws one recording into cell 0 of `scratch` and returns what it shows.
  ThumbnailInfo draw(archive::Archive& a, const ThumbnailJob& job, consent::Purpose purpose) {
    archive::GateRequest request;
    request.operation = consent::Operation::view;
    request.purpose = purpose;
    request.recording_id = job.recording_id;
    request.detail = "studio library thumbnail";
    auto decision = a.authorize(request);
    if (!decision) return {ThumbnailState::failed, decision.error().message()};
    if (decision->effect != consent::Effect::allow) {
      (void)fill_thumbnail(0, 90, 30, 30, scratch);
      return {
          ThumbnailState::refused,
          fmt::format("viewing for {} is {} by rule {}: {}", consent::to_string(purpose),
                      consent::to_string(decision->effect), decision->rule_id, decision->reason)};
    }
    if (job.media_kind != "video" && job.media_kind != "image") {
      (void)fill_thumbnail(0, 50, 50, 70, scratch);
      return {ThumbnailState::placeholder, std::string(consent::to_string(job.kind))};
    }
    auto identity = a.recording_identity(job.recording_id);
    if (!identity) return failed(identity.error());
    std::vector<crypto::Identity> identities;
    identities.emplace_back(std::move(*identity));
    const std::filesystem::path path = a.media_path(job.recording_id);
    if (job.media_kind == "image") {
      auto encrypted = read_bytes(path);
      if (!encrypted) return failed(encrypted.error());
      auto plain = crypto::decrypt(*encrypted, identities);
      if (!plain) return failed(plain.error());
      auto picture = media::decode_image(*plain);
      std::fill(plain->begin(), plain->end(), std::uint8_t{0});
      if (!picture) return failed(picture.error());
      if (auto drawn = draw_thumbnail(picture->view(), 0, scratch); !drawn) {
        return failed(drawn.error());
      }
      return {ThumbnailState::ready, {}};
    }
    media::DecoderOptions options;
    options.threads = 1;
    options.cache_bytes = 0;
    auto decoder = media::VideoDecoder::open(path, identities, -1, options);
    if (!decoder) return failed(decoder.error());
    Time at;
    if (auto whole = decoder->duration()) {
      auto tenth = whole->scaled(Rational::make(1, 10).value(), Rounding::nearest);
      if (tenth) at = *tenth;
      if (auto start = decoder->start_time()) {
        if (auto shifted = add(*start, at)) at = *shifted;
      }
    }
    auto frame = decoder->frame_at(at);
    if (!frame) return failed(frame.error());
    if (auto drawn = draw_thumbnail(frame->frame->view(), 0, scratch); !drawn) {
      return failed(drawn.error());
    }
    return {ThumbnailState::ready, {}};
  }

  ThumbnailInfo failed(const Error& error) {
    (void)fill_thumbnail(0, 70, 40, 10, scratch);
    return {ThumbnailState::failed, error.message()};
  }

  std::vector<std::uint8_t> cell_of_scratch() const {
    std::vector<std::uint8_t> cell(std::size_t{Layout::kCellWidthPx} * Layout::kCellHeightPx * 4);
    const std::size_t row_bytes = std::size_t{Layout::kCellWidthPx} * 4;
    for (std::uint32_t y = 0; y < Layout::kCellHeightPx; ++y) {
      std::copy_n(scratch.begin() + static_cast<std::ptrdiff_t>(y * Layout::kWidthPx * 4),
                  row_bytes, cell.begin() + static_cast<std::ptrdiff_t>(y * row_bytes));
    }
    return cell;
  }

  void place(std::uint32_t cell, const std::vector<std::uint8_t>& pixels) {
    const std::uint32_t x0 = (cell % Layout::kColumns) * Layout::kCellWidthPx;
    const std::uint32_t y0 = (cell / Layout::kColumns) * Layout::kCellHeightPx;
    const std::size_t row_bytes = std::size_t{Layout::kCellWidthPx} * 4;
    for (std::uint32_t y = 0; y < Layout::kCellHeightPx; ++y) {
      std::copy_n(pixels.begin() + static_cast<std::ptrdiff_t>(y * row_bytes), row_bytes,
                  atlas.begin() + static_cast<std::ptrdiff_t>(
                                      (std::size_t{y0 + y} * Layout::kWidthPx + x0) * 4));
    }
  }
};

LibraryWorker::LibraryWorker(std::filesystem::path archive_dir, std::string user,
                             crypto::SecretBytes passphrase)
    : archive_dir_(std::move(archive_dir)),
      user_(std::move(user)),
      passphrase_(std::move(passphrase)),
      thread_([this] { run(); }) {}

LibraryWorker::~LibraryWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LibraryWorker::request_thumbnails(std::vector<ThumbnailJob> jobs, consent::Purpose purpose) {
  {
    std::lock_guard lock(mutex_);
    if (jobs.size() > Layout::kCells) jobs.resize(Layout::kCells);
    thumbnails_.assign(jobs.size(), ThumbnailInfo{});
    thumbnail_jobs_ = std::move(jobs);
    thumbnail_purpose_ = purpose;
    next_thumbnail_ = 0;
    ++thumbnail_generation_;
  }
  wake_.notify_all();
}

std::vector<ThumbnailInfo> LibraryWorker::thumbnails() const {
  std::lock_guard lock(mutex_);
  return thumbnails_;
}

void LibraryWorker::start_import(ImportJob job) {
  {
    std::lock_guard lock(mutex_);
    Task task;
    task.kind = TaskKind::import;
    task.import = std::move(job);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_all();
}

std::optional<Result<archive::RecordingInfo>> LibraryWorker::take_import() {
  std::lock_guard lock(mutex_);
  return std::exchange(import_outcome_, std::nullopt);
}

void LibraryWorker::start_erase(std::string recording_id, std::string reason) {
  {
    std::lock_guard lock(mutex_);
    Task task;
    task.kind = TaskKind::erase;
    task.recording_id = std::move(recording_id);
    task.reason = std::move(reason);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_all();
}

std::optional<Status> LibraryWorker::take_erase() {
  std::lock_guard lock(mutex_);
  return std::exchange(erase_outcome_, std::nullopt);
}

void LibraryWorker::request_audit(std::string recording_id) {
  {
    std::lock_guard lock(mutex_);
    Task task;
    task.kind = TaskKind::audit;
    task.recording_id = std::move(recording_id);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_all();
}

std::optional<AuditTrail> LibraryWorker::take_audit() {
  std::lock_guard lock(mutex_);
  return std::exchange(audit_outcome_, std::nullopt);
}

bool LibraryWorker::busy() const {
  std::lock_guard lock(mutex_);
  return running_task_ || !tasks_.empty() || next_thumbnail_ < thumbnail_jobs_.size();
}

void LibraryWorker::run() noexcept {
  Engine engine;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] {
      return stopping_ || !tasks_.empty() || next_thumbnail_ < thumbnail_jobs_.size();
    });
    if (stopping_) return;
    running_task_ = true;
    if (!tasks_.empty()) {
      Task task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      try {
        auto opened = engine.open(archive_dir_, user_, passphrase_);
        if (task.kind == TaskKind::import) {
          Result<archive::RecordingInfo> outcome =
              opened ? (*opened)->import_file(task.import->file, task.import->recording, false)
                     : Result<archive::RecordingInfo>(tl::unexpected(opened.error()));
          lock.lock();
          import_outcome_ = std::move(outcome);
        } else if (task.kind == TaskKind::erase) {
          Status outcome = opened ? (*opened)->erase_recording(task.recording_id, task.reason)
                                  : Status(tl::unexpected(opened.error()));
          if (outcome) {
            std::erase_if(engine.cache, [&](const auto& entry) {
              return entry.first.first == task.recording_id;
            });
          }
          lock.lock();
          erase_outcome_ = std::move(outcome);
        } else {
          AuditTrail trail{task.recording_id, std::vector<archive::AuditEntry>{}};
          if (!opened) {
            trail.rows = tl::unexpected(opened.error());
          } else {
            std::vector<archive::AuditEntry> rows;
            auto exported = (*opened)->export_audit([&](const std::string& line) {
              auto row = parse_json(line);
              if (!row || row->contains("format")) return;
              if (row->value("target", std::string()) == task.recording_id) {
                rows.push_back(audit_entry_from(*row));
              }
            });
            if (exported) {
              trail.rows = std::move(rows);
            } else {
              trail.rows = tl::unexpected(exported.error());
            }
          }
          lock.lock();
          audit_outcome_ = std::move(trail);
        }
      } catch (const std::exception& e) {
        if (!lock.owns_lock()) lock.lock();
        if (task.kind == TaskKind::import) import_outcome_ = fail(Errc::internal, e.what());
        if (task.kind == TaskKind::erase) erase_outcome_ = fail(Errc::internal, e.what());
        if (task.kind == TaskKind::audit) {
          audit_outcome_ = AuditTrail{task.recording_id, fail(Errc::internal, e.what())};
        }
      }
      running_task_ = false;
      continue;
    }
    const std::size_t index = next_thumbnail_++;
    const ThumbnailJob job = thumbnail_jobs_[index];
    const consent::Purpose purpose = thumbnail_purpose_;
    const std::uint64_t generation = thumbnail_generation_;
    lock.unlock();
    ThumbnailInfo info;
    try {
      const auto key = std::make_pair(job.recording_id, purpose);
      auto cached = engine.cache.find(key);
      if (cached == engine.cache.end()) {
        auto opened = engine.open(archive_dir_, user_, passphrase_);
        if (!opened) {
          info = engine.failed(opened.error());
        } else {
          info = engine.draw(**opened, job, purpose);
        }
        std::vector<std::uint8_t> cell = engine.cell_of_scratch();
        std::set<std::uint32_t> colours;
        for (std::size_t p = 0; p + 3 < cell.size(); p += 4) {
          colours.insert((std::uint32_t{cell[p]} << 16U) | (std::uint32_t{cell[p + 1]} << 8U) |
                         cell[p + 2]);
        }
        info.distinct_colours = colours.size();
        cached = engine.cache.emplace(key, Engine::Cached{info, std::move(cell)}).first;
      }
      info = cached->second.info;
      if (engine.atlas_generation != generation) {
        std::fill(engine.atlas.begin(), engine.atlas.end(), std::uint8_t{0});
        engine.atlas_generation = generation;
      }
      engine.place(static_cast<std::uint32_t>(index), cached->second.cell_rgba);
      slot_.publish(engine.atlas.data(), std::size_t{Layout::kWidthPx} * 4, Layout::kWidthPx,
                    Layout::kHeightPx);
    } catch (const std::exception& e) {
      info = {ThumbnailState::failed, e.what()};
    }
    lock.lock();
    if (generation == thumbnail_generation_ && index < thumbnails_.size()) {
      thumbnails_[index] = std::move(info);
    }
    running_task_ = false;
  }
}

}  // namespace clinvid::studio
