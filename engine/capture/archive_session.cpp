#include "capture/archive_session.hpp"

#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "core/rational.hpp"

namespace clinvid::capture {
namespace {

constexpr const char* kMicrophoneId = "mic0";

archive::NewRecording new_recording(const ArchiveTarget& target, const std::string& session_ref) {
  archive::NewRecording rec;
  rec.patient_id = target.patient_id;
  rec.consent_id = target.consent_id;
  rec.kind = target.kind;
  rec.sites = target.sites;
  rec.purposes = target.purposes;
  rec.procedure = target.procedure;
  rec.view = target.view;
  rec.case_ref = target.case_ref;
  rec.notes = target.notes;
  rec.session_ref = session_ref;
  return rec;
}

// How long a camera stream's file plays: its encoded frames at its rate, as rational seconds
// (the Library and the editor size clips from it). nullopt when the rate is not known (a
// camera that chose its own) or nothing was encoded.
std::optional<Rational> stream_duration(const Json& stream) {
  const auto frames = stream.value("frames", std::int64_t{0});
  if (frames <= 0 || !stream.contains("rate") || !stream["rate"].is_string()) return std::nullopt;
  auto rate = Rational::parse(stream["rate"].get<std::string>());
  if (!rate) return std::nullopt;
  auto duration = Rational::make(frames * rate->den(), rate->num());
  if (!duration) return std::nullopt;
  return *duration;
}

// The part of the session manifest about stream `id`, as the archive catalogues one recording;
// null when the stream wrote nothing.
Json stream_manifest(const Json& manifest, const std::string& id) {
  Json part = manifest;
  part["streams"] = Json::array();
  for (const Json& stream : manifest.value("streams", Json::array())) {
    if (stream.value("id", std::string()) == id) part["streams"].push_back(stream);
  }
  if (part["streams"].empty()) return nullptr;
  const Json stream = part["streams"][0];
  if (stream.value("bytes", std::uint64_t{0}) == 0) return nullptr;
  part["camera"] = stream.value("uri", std::string());
  if (auto duration = stream_duration(stream)) part["duration"] = duration->to_string();
  part["container"] = "matroska";
  part["codec"] = stream.value("codec", std::string());
  if (stream.contains("width")) part["width"] = stream["width"];
  if (stream.contains("height")) part["height"] = stream["height"];
  // The catalogue names the calibration profile the stream was standardised with, and its fit.
  const Json calibration = stream.value("calibration", Json());
  if (calibration.is_object()) {
    part["calibration_profile"] = calibration.value("path", std::string());
    const Json fit = calibration.value("profile", Json::object())
                         .value("report", Json::object())
                         .value("fit", Json::object())
                         .value("delta_e00_mean", Json());
    if (fit.is_number()) part["delta_e00_mean"] = fit;
  }
  return part;
}

}  // namespace

Status validate(const ArchiveTarget& target) {
  if (target.patient_id.empty()) return fail(Errc::invalid_argument, "name the patient");
  if (target.consent_id.empty()) {
    return fail(Errc::invalid_argument, "name the consent form that covers the recording");
  }
  if (target.purposes.empty()) return fail(Errc::invalid_argument, "name at least one purpose");
  if (target.sites.empty()) {
    return fail(Errc::invalid_argument, "say what is filmed: at least one body site");
  }
  if (target.kind == consent::RecordingKind::invalid) {
    return fail(Errc::invalid_argument, "say what kind of recording this is");
  }
  return {};
}

std::vector<std::string> stream_ids(const SessionConfig& config) {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < config.cameras.size(); ++i) ids.push_back(fmt::format("cam{}", i));
  if (config.audio_uri) ids.emplace_back(kMicrophoneId);
  return ids;
}

Result<ConsentCheck> check_recording_consent(archive::Archive& archive, const ArchiveTarget& target,
                                             bool has_audio) {
  if (auto valid = validate(target); !valid) return tl::unexpected(valid.error());
  std::vector<consent::RecordingKind> kinds{target.kind};
  if (has_audio && target.kind != consent::RecordingKind::audio) {
    kinds.push_back(consent::RecordingKind::audio);
  }
  // Asked exactly as register_recording asks, so a check that passes is not refused a moment
  // later at Record (unless the consent itself changed in between).
  const consent::Date today = archive::today_utc();
  for (const consent::RecordingKind kind : kinds) {
    for (const consent::Purpose purpose : target.purposes) {
      archive::GateRequest request;
      request.operation = consent::Operation::record;
      request.purpose = purpose;
      request.patient_id = target.patient_id;
      request.consent_id = target.consent_id;
      request.kind = kind;
      request.sites = target.sites;
      request.recorded_on = today;
      request.on = today;
      request.detail = "consent check before recording";
      auto decision = archive.authorize(request);
      if (!decision) return tl::unexpected(decision.error());
      if (decision->effect != consent::Effect::allow) {
        return ConsentCheck{false, fmt::format("{}: {}", consent::to_string(purpose),
                                               archive::refusal_message(*decision))};
      }
    }
  }
  return ConsentCheck{true, {}};
}

Result<ArchiveRecording> ArchiveRecording::register_streams(archive::Archive& archive,
                                                            const ArchiveTarget& target,
                                                            SessionConfig& config,
                                                            const std::string& session_ref) {
  if (auto valid = validate(target); !valid) return tl::unexpected(valid.error());
  ArchiveRecording out(archive);
  const archive::NewRecording base = new_recording(target, session_ref);
  for (const std::string& id : stream_ids(config)) {
    archive::NewRecording rec = base;
    if (id == kMicrophoneId) rec.kind = consent::RecordingKind::audio;
    rec.tags = {"stream:" + id};
    auto registered = archive.register_recording(rec);
    if (!registered) {
      out.abandon();
      return tl::unexpected(registered.error());
    }
    config.targets[id] = {registered->media_path, {registered->recipient}};
    out.streams_.emplace_back(id, registered->id);
  }
  return out;
}

Status ArchiveRecording::catalogue(const Json& manifest) {
  Status result;
  catalogued_.clear();
  for (const auto& [id, recording] : streams_) {
    const Json part = stream_manifest(manifest, id);
    if (part.is_null()) {
      (void)archive_->abandon_recording(recording);
      continue;
    }
    if (auto done = archive_->catalogue_manifest(recording, part); !done) {
      if (result) result = with_context(done.error(), "cataloguing " + id);
      continue;
    }
    catalogued_.emplace_back(id, recording);
  }
  return result;
}

void ArchiveRecording::abandon() noexcept {
  for (const auto& [id, recording] : streams_) (void)archive_->abandon_recording(recording);
  streams_.clear();
}

Result<StartedRecording> start_recording(archive::Archive& archive, const ArchiveTarget& target,
                                         SessionConfig config, const std::string& session_ref) {
  auto registered = ArchiveRecording::register_streams(archive, target, config, session_ref);
  if (!registered) return tl::unexpected(registered.error());
  auto session = Session::create(std::move(config));
  if (!session) {
    registered->abandon();
    return tl::unexpected(session.error());
  }
  if (auto started = session->start(); !started) {
    registered->abandon();
    return tl::unexpected(started.error());
  }
  return StartedRecording{std::move(*registered), std::move(*session)};
}

}  // namespace clinvid::capture
