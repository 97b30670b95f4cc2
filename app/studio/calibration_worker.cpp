#include "calibration_worker.hpp"

#include <algorithm>
#include <exception>

#include <fmt/format.h>

#include "colour/calibrate.hpp"
#include "colour/ciede2000.hpp"
#include "colour/colour_math.hpp"
#include "colour/reference.hpp"
#include "colour/standardiser.hpp"
#include "core/frame.hpp"
#include "core/id.hpp"
#include "core/log.hpp"

namespace clinvid::studio {

namespace {

constexpr std::string_view kLogModule = "studio.calibration";

// "2026-11-23T05:13:16Z" -> "20261123T051316Z", for file names.
std::string compact_time(const std::string& iso) {
  std::string out;
  for (const char c : iso) {
    if (c != '-' && c != ':') out += c;
  }
  return out;
}

// Three panels of `width` x `height`, each subsampled by two, side by side.
void compose(const std::array<const std::vector<std::uint8_t>*, 3>& panels, std::uint32_t width,
             std::uint32_t height, std::vector<std::uint8_t>& out, std::uint32_t& out_width,
             std::uint32_t& out_height) {
  const std::uint32_t half_width = std::max<std::uint32_t>(1, width / 2);
  out_height = std::max<std::uint32_t>(1, height / 2);
  out_width = half_width * 3;
  out.assign(std::size_t{out_width} * out_height * 4, 0);
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const std::vector<std::uint8_t>& src = *panels[p];
    for (std::uint32_t y = 0; y < out_height; ++y) {
      const std::size_t src_row = std::size_t{std::min(y * 2, height - 1)} * width * 4;
      std::uint8_t* dst = out.data() + (std::size_t{y} * out_width + p * half_width) * 4;
      for (std::uint32_t x = 0; x < half_width; ++x) {
        const std::size_t s = src_row + std::size_t{std::min(x * 2, width - 1)} * 4;
        std::copy_n(src.data() + s, 4, dst + std::size_t{x} * 4);
      }
    }
  }
}

}  // namespace

std::string_view to_string(CalibrationState state) noexcept {
  switch (state) {
    case CalibrationState::none: return "none";
    case CalibrationState::running: return "running";
    case CalibrationState::found: return "found";
    case CalibrationState::no_chart: return "no_chart";
    case CalibrationState::failed: return "failed";
    case CalibrationState::invalid: break;
  }
  return "invalid";
}

CalibrationWorker::CalibrationWorker(std::size_t cameras) {
  for (std::size_t i = 0; i < cameras; ++i) difference_.push_back(std::make_unique<PreviewSlot>());
  snapshot_.cameras.resize(cameras);
  thread_ = std::thread(&CalibrationWorker::run, this);
}

CalibrationWorker::~CalibrationWorker() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status CalibrationWorker::calibrate(std::size_t camera, std::string camera_id,
                                    const PreviewSlot& source) {
  if (camera >= difference_.size()) {
    return fail(Errc::out_of_range, fmt::format("no camera cam{}", camera));
  }
  set_state(camera, CalibrationState::running, "Looking for the chart and fitting...");
  post(CalibrateJob{camera, std::move(camera_id), &source});
  return {};
}

void CalibrationWorker::match_all(std::vector<std::pair<std::string, const PreviewSlot*>> sources) {
  {
    const std::lock_guard lock(mutex_);
    snapshot_.match = MatchView{CalibrationState::running, "Calibrating every camera...", {}};
  }
  post(MatchJob{std::move(sources)});
}

Status CalibrationWorker::accept(std::size_t camera, std::filesystem::path profile_dir) {
  std::optional<colour::CalibrationProfile> candidate;
  {
    const std::lock_guard lock(mutex_);
    if (camera >= snapshot_.cameras.size()) {
      return fail(Errc::out_of_range, fmt::format("no camera cam{}", camera));
    }
    CameraCalibrationView& view = snapshot_.cameras[camera];
    if (view.state != CalibrationState::found || !view.candidate) {
      return fail(Errc::invalid_argument,
                  fmt::format("cam{} has no calibration to accept: calibrate it first", camera));
    }
    candidate = std::move(view.candidate);
    view.candidate.reset();
    view.state = CalibrationState::none;
    view.message = "Saving the profile...";
  }
  const std::string name =
      fmt::format("cam{}-{}-{}.json", camera, compact_time(candidate->created_utc),
                  Uuid::random().to_string().substr(0, 8));
  post(AcceptJob{camera, std::move(profile_dir) / name, std::move(*candidate)});
  return {};
}

void CalibrationWorker::reject(std::size_t camera) {
  const std::lock_guard lock(mutex_);
  if (camera >= snapshot_.cameras.size()) return;
  CameraCalibrationView& view = snapshot_.cameras[camera];
  if (view.state == CalibrationState::running) return;
  view.candidate.reset();
  view.state = CalibrationState::none;
  view.message = view.accepted ? "Rejected: the accepted profile stays in use."
                               : "Rejected: the camera stays uncalibrated.";
}

void CalibrationWorker::clear_accepted(std::size_t camera) {
  const std::lock_guard lock(mutex_);
  if (camera < snapshot_.cameras.size()) snapshot_.cameras[camera].accepted.reset();
}

CalibrationSnapshot CalibrationWorker::snapshot() const {
  const std::lock_guard lock(mutex_);
  CalibrationSnapshot copy = snapshot_;
  copy.busy = running_job_ || !jobs_.empty();
  return copy;
}

std::shared_ptr<const AcceptedProfile> CalibrationWorker::accepted(std::size_t camera) const {
  const std::lock_guard lock(mutex_);
  if (camera >= snapshot_.cameras.size()) return nullptr;
  return snapshot_.cameras[camera].accepted;
}

void CalibrationWorker::post(Job job) {
  {
    const std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_all();
}

void CalibrationWorker::set_state(std::size_t camera, CalibrationState state, std::string message) {
  const std::lock_guard lock(mutex_);
  CameraCalibrationView& view = snapshot_.cameras.at(camera);
  view.state = state;
  view.message = std::move(message);
  if (state != CalibrationState::found) view.candidate.reset();
}

void CalibrationWorker::run() noexcept {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      running_job_ = true;
    }
    try {
      std::visit([this](auto& j) { handle(j); }, job);
    } catch (const std::exception& error) {
      log(LogLevel::error, kLogModule, "calibration job: {}", error.what());
    }
    const std::lock_guard lock(mutex_);
    running_job_ = false;
    ++snapshot_.jobs_done;
  }
}

void CalibrationWorker::handle(CalibrateJob& job) {
  const PreviewFrame frame = job.source->copy_latest();
  if (frame.sequence == 0) {
    set_state(job.camera, CalibrationState::failed,
              fmt::format("cam{} has shown no frame yet: wait for its preview.", job.camera));
    return;
  }
  auto chart = colour::detect_chart(frame.view());
  if (!chart) {
    if (chart.error().code == Errc::not_found) {
      set_state(job.camera, CalibrationState::no_chart,
                fmt::format("cam{}: {}", job.camera, kNoChartAdvice));
    } else {
      set_state(job.camera, CalibrationState::failed,
                fmt::format("cam{}: {}", job.camera, chart.error().message()));
    }
    return;
  }
  colour::CalibrationOptions options;
  options.camera_id = job.camera_id;
  auto profile = colour::calibrate(*chart, options);
  if (!profile) {
    set_state(job.camera, CalibrationState::failed,
              fmt::format("cam{}: the chart was found but the fit failed: {}", job.camera,
                          profile.error().message()));
    return;
  }
  auto hash = colour::frame_sha256(frame.view());
  if (hash) profile->chart_frame_sha256 = *hash;
  found(job.camera, frame, *chart, std::move(*profile));
}

void CalibrationWorker::handle(MatchJob& job) {
  std::vector<PreviewFrame> frames;
  std::vector<colour::CameraFrame> inputs;
  frames.reserve(job.sources.size());
  for (std::size_t i = 0; i < job.sources.size(); ++i) {
    frames.push_back(job.sources[i].second->copy_latest());
    if (frames.back().sequence == 0) {
      const std::lock_guard lock(mutex_);
      snapshot_.match = {CalibrationState::failed,
                         fmt::format("cam{} has shown no frame yet: wait for its preview.", i),
                         {}};
      return;
    }
  }
  for (std::size_t i = 0; i < frames.size(); ++i) {
    inputs.push_back({job.sources[i].first, frames[i].view()});
  }
  colour::CalibrationOptions options;
  auto calibrated = colour::calibrate_cameras(inputs, options);
  if (!calibrated) {
    const bool no_chart = calibrated.error().code == Errc::not_found;
    const std::lock_guard lock(mutex_);
    snapshot_.match = {no_chart ? CalibrationState::no_chart : CalibrationState::failed,
                       "Match all: " + calibrated.error().message() +
                           (no_chart ? std::string(". ") + kNoChartAdvice : std::string()),
                       {}};
    return;
  }
  auto report = colour::match_report(*calibrated);
  for (std::size_t i = 0; i < calibrated->size(); ++i) {
    found(i, frames[i], (*calibrated)[i].chart, (*calibrated)[i].profile);
  }
  const std::lock_guard lock(mutex_);
  if (!report) {
    snapshot_.match = {CalibrationState::failed, "Match all: " + report.error().message(), {}};
    return;
  }
  snapshot_.match = {CalibrationState::found,
                     fmt::format("Every camera calibrated to one reference; worst pair: mean "
                                 "dE00 {:.2f}, max {:.2f}. Accept each camera to use it.",
                                 report->worst_mean, report->worst_max),
                     std::move(*report)};
}

void CalibrationWorker::handle(AcceptJob& job) {
  std::error_code ec;
  std::filesystem::create_directories(job.path.parent_path(), ec);
  Status saved;
  if (ec) {
    saved = fail(Errc::io, fmt::format("cannot create {}: {}", job.path.parent_path().string(),
                                       ec.message()));
  } else {
    saved = colour::save_profile(job.path, job.profile);
  }
  const std::lock_guard lock(mutex_);
  CameraCalibrationView& view = snapshot_.cameras.at(job.camera);
  if (!saved) {
    view.accept_error = saved.error().message();
    view.message = "The profile was not saved: " + view.accept_error;
    view.candidate = std::move(job.profile);  // still there to accept again
    view.state = CalibrationState::found;
    return;
  }
  auto accepted = std::make_shared<AcceptedProfile>();
  accepted->path = job.path;
  accepted->profile = std::move(job.profile);
  accepted->serial = ++accept_serial_;
  view.accepted = std::move(accepted);
  view.accept_error.clear();
  view.message = "Accepted: the next recording uses " + job.path.string();
  log(LogLevel::info, kLogModule, "cam{}: profile accepted, saved as {}", job.camera,
      job.path.string());
}

void CalibrationWorker::found(std::size_t camera, const PreviewFrame& frame,
                              const colour::ChartDetection& chart,
                              colour::CalibrationProfile profile) {
  // Before: the camera's patches read as sRGB, against the same reference the fit aimed at.
  const std::array<colour::Vec3, colour::kPatchCount> reference =
      colour::builtin_reference(profile.reference).lab();
  std::array<double, colour::kPatchCount> before{};
  for (std::size_t i = 0; i < colour::kPatchCount; ++i) {
    const colour::Vec3& rgb = chart.patches[i].rgb;
    const colour::Vec3 linear{colour::srgb_decode(rgb[0]), colour::srgb_decode(rgb[1]),
                              colour::srgb_decode(rgb[2])};
    before[i] = colour::delta_e00(colour::linear_srgb_to_lab_d50(linear), reference[i]);
  }
  const colour::DeltaEStats before_stats = colour::delta_e_stats(before, profile.patches_used);

  // The difference view: the frame, the frame through the profile, and the dE between them.
  std::vector<std::uint8_t> after(frame.rgba.size());
  std::vector<std::uint8_t> difference(frame.rgba.size());
  std::string view_error;
  auto standardiser = colour::Standardiser::create(colour::Standardiser::Backend::cpu, nullptr);
  if (!standardiser) {
    view_error = standardiser.error().message();
  } else if (auto set = (*standardiser)->set_correction(profile.correction); !set) {
    view_error = set.error().message();
  } else {
    colour::StandardiseSettings settings;
    auto done = (*standardiser)
                    ->process(frame.view(), rgba_view(after, frame.width, frame.height), settings);
    settings.mode = colour::StandardiseMode::difference;
    if (done) {
      done =
          (*standardiser)
              ->process(frame.view(), rgba_view(difference, frame.width, frame.height), settings);
    }
    if (!done) view_error = done.error().message();
  }
  if (view_error.empty()) {
    std::vector<std::uint8_t> composite;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    compose({&frame.rgba, &after, &difference}, frame.width, frame.height, composite, width,
            height);
    difference_.at(camera)->publish(composite.data(), std::size_t{width} * 4, width, height);
  } else {
    log(LogLevel::warn, kLogModule, "cam{}: difference view: {}", camera, view_error);
  }

  const std::lock_guard lock(mutex_);
  CameraCalibrationView& view = snapshot_.cameras.at(camera);
  view.state = CalibrationState::found;
  view.message =
      fmt::format("Chart found ({}, confidence {:.2f}): mean dE00 {:.2f} -> {:.2f}.{}",
                  colour::to_string(chart.method), chart.confidence, before_stats.mean,
                  profile.fit.mean, view_error.empty() ? "" : " No difference view: " + view_error);
  view.before_per_patch = before;
  view.before = before_stats;
  view.frame_width = frame.width;
  view.frame_height = frame.height;
  view.candidate = std::move(profile);
}

}  // namespace clinvid::studio
