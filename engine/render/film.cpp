#include "render/film.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "consent/record.hpp"
#include "crypto/writer.hpp"
#include "timeline/captions.hpp"
#include "timeline/faces.hpp"

namespace clinvid::render {
namespace {

// How much an answer restricts a film: anonymised-only binds tighter than identifiable.
int restriction(consent::Grant grant) {
  switch (grant) {
    case consent::Grant::refused: return 3;
    case consent::Grant::anonymised_only: return 2;
    case consent::Grant::identifiable: return 1;
    default: return 0;
  }
}

struct MediaClip {
  const timeline::Clip* clip = nullptr;
  timeline::TrackKind track = timeline::TrackKind::invalid;
};

std::vector<MediaClip> media_clips(const timeline::Project& project) {
  std::vector<MediaClip> out;
  for (const auto& track : project.tracks) {
    if (track.kind != timeline::TrackKind::video && track.kind != timeline::TrackKind::audio) {
      continue;
    }
    for (const auto& clip : track.clips) out.push_back({&clip, track.kind});
  }
  return out;
}

Result<std::string> film_captions_vtt(const timeline::Project& project) {
  std::vector<timeline::Cue> cues;
  for (const auto& track : project.tracks) {
    if (track.kind != timeline::TrackKind::caption) continue;
    for (const auto& item : track.texts) {
      auto end = timeline::text_end(item);
      if (!end) return tl::unexpected(end.error());
      cues.push_back({item.start, *end, item.text});
    }
  }
  if (cues.empty()) return std::string();
  std::sort(cues.begin(), cues.end(),
            [](const timeline::Cue& a, const timeline::Cue& b) { return a.start < b.start; });
  return timeline::write_webvtt(cues);
}

Json film_manifest(const FilmRequest& request, const FilmResult& result, bool sidecar) {
  const Time duration = result.duration;
  Json streams = Json::array();
  streams.push_back({{"kind", "video"},
                     {"codec", "h264"},
                     {"encoder", result.encoder},
                     {"width", result.width},
                     {"height", result.height},
                     {"frame_rate", result.frame_rate.to_string()}});
  if (result.has_audio) streams.push_back({{"kind", "audio"}, {"codec", "aac"}});
  Json m = {{"container", "mp4"},
            {"codec", "h264"},
            {"width", result.width},
            {"height", result.height},
            {"streams", streams},
            {"procedure", request.project.metadata.title},
            {"notes", "film rendered with preset " + std::string(request.preset.id) +
                          (sidecar ? "; captions in a WebVTT sidecar" : "")}};
  auto seconds = duration.rescale(Rational::make(1, 1000).value(), Rounding::nearest);
  if (seconds) {
    m["duration"] =
        Rational::make(std::max<std::int64_t>(seconds->value(), 1), 1000).value().to_string();
  }
  Json markers = Json::array();
  for (const auto& marker : request.project.markers) {
    markers.push_back({{"time", marker.time.to_string()}, {"label", marker.label}});
  }
  m["markers"] = markers;
  return m;
}

}  // namespace

Result<FilmConsent> check_film_consent(archive::Archive& archive, const timeline::Project& project,
                                       consent::Purpose purpose) {
  FilmConsent out;
  int tightest = -1;
  std::map<std::string, std::size_t> seen;    // recording id → index in out.recordings
  std::map<std::string, int> consent_levels;  // consent id → restriction for the purpose
  for (const MediaClip& mc : media_clips(project)) {
    const timeline::Clip& clip = *mc.clip;
    auto info = seen.find(clip.source.recording_id);
    if (info == seen.end()) {
      auto rec = archive.get_recording(clip.source.recording_id);
      if (!rec) {
        return with_context(rec.error(),
                            "clip " + clip.id + " (recording " + clip.source.recording_id + ")");
      }
      if (rec->status != archive::RecordingStatus::active) {
        return fail(Errc::invalid_argument, "clip " + clip.id + ": recording " + rec->id + " is " +
                                                std::string(archive::to_string(rec->status)) +
                                                ", not available");
      }
      if (out.patient_id.empty()) out.patient_id = rec->patient_id;
      if (rec->patient_id != out.patient_id) {
        return fail(Errc::invalid_argument,
                    "clip " + clip.id + ": recording " + rec->id +
                        " is another patient's; a film is made from one patient's recordings");
      }
      out.sources.push_back(rec->id);
      info = seen.emplace(rec->id, out.recordings.size()).first;
      out.recordings.push_back(std::move(*rec));
    }

    ClipConsent cc;
    cc.clip_id = clip.id;
    cc.recording_id = clip.source.recording_id;
    cc.consent_id = out.recordings[info->second].consent_id;
    std::string face_note;
    if (mc.track == timeline::TrackKind::video) {
      auto uncovered = timeline::uncovered_faces(project, clip.id);
      if (!uncovered) return tl::unexpected(uncovered.error());
      const bool anonymised = !clip.faces.empty() && uncovered->empty();
      cc.identifiability = anonymised ? consent::Identifiability::anonymised
                                      : consent::Identifiability::identifiable;
      if (clip.faces.empty()) {
        face_note = " (no face regions are marked on this clip, so it counts as identifiable)";
      } else if (!uncovered->empty()) {
        face_note = " (" + std::to_string(uncovered->size()) +
                    " marked face region(s) are not covered by a redaction)";
      }
    } else {
      cc.identifiability = consent::Identifiability::identifiable;  // a voice identifies
    }

    archive::GateRequest g;
    g.operation = consent::Operation::derive;
    g.purpose = purpose;
    g.recording_id = clip.source.recording_id;
    g.identifiability = cc.identifiability;
    g.detail = "clip " + clip.id + " of a film for " + std::string(consent::to_string(purpose));
    auto decision = archive.authorize(g);
    if (!decision) return tl::unexpected(decision.error());
    cc.decision = *decision;
    if (decision->effect != consent::Effect::allow) {
      return fail(Errc::permission_denied,
                  "clip " + clip.id + " (recording " + clip.source.recording_id + ", consent " +
                      (cc.consent_id.empty() ? std::string("implicit") : cc.consent_id) +
                      ") may not be used for " + std::string(consent::to_string(purpose)) + ": " +
                      archive::refusal_message(*decision) + face_note);
    }

    auto level_it = consent_levels.find(cc.consent_id);
    if (level_it == consent_levels.end()) {
      int level = 0;
      if (!cc.consent_id.empty()) {
        auto record = archive.get_consent(cc.consent_id);
        if (!record) return tl::unexpected(record.error());
        for (const auto& pc : record->purposes) {
          if (pc.purpose == purpose) level = restriction(pc.grant);
        }
      }
      level_it = consent_levels.emplace(cc.consent_id, level).first;
    }
    const int level = level_it->second;
    if (level > tightest) {
      tightest = level;
      out.consent_id = cc.consent_id;
    }
    out.clips.push_back(std::move(cc));
  }
  if (out.clips.empty()) {
    return fail(Errc::invalid_argument,
                "the project has no clips from the archive: nothing to film");
  }
  const bool all_anonymised = std::all_of(out.clips.begin(), out.clips.end(), [](const auto& c) {
    return c.identifiability == consent::Identifiability::anonymised;
  });
  out.identifiability = all_anonymised ? consent::Identifiability::anonymised
                                       : consent::Identifiability::identifiable;
  return out;
}

namespace {

// The captions as a WebVTT sidecar encrypted to the film's recipients (nothing when there are
// none). Returns whether one was written.
Result<bool> write_captions_sidecar(const timeline::Project& project,
                                    std::span<const crypto::Recipient> recipients,
                                    const std::filesystem::path& path) {
  auto vtt = film_captions_vtt(project);
  if (!vtt) return tl::unexpected(vtt.error());
  if (vtt->empty()) return false;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(vtt->data());
  auto encrypted = crypto::encrypt(std::span(bytes, vtt->size()), recipients);
  if (!encrypted) return tl::unexpected(encrypted.error());
  auto sink = crypto::AtomicFileSink::create(path);
  if (!sink) return tl::unexpected(sink.error());
  if (auto ok = (*sink)->write(*encrypted); !ok) return tl::unexpected(ok.error());
  if (auto ok = (*sink)->close(); !ok) return tl::unexpected(ok.error());
  return true;
}

}  // namespace

Result<FilmOutcome> render_film(archive::Archive& archive, const FilmRequest& request) {
  auto consent = check_film_consent(archive, request.project, request.purpose);
  if (!consent) return tl::unexpected(consent.error());

  // Identities are fetched here, on this thread: the archive is single-threaded, the export's
  // decoders are not.
  std::map<std::string, SourceMedia, std::less<>> sources;
  std::set<std::string> site_keys;
  std::vector<consent::SiteRef> sites;
  for (const archive::RecordingInfo& rec : consent->recordings) {
    auto identity = archive.recording_identity(rec.id);
    if (!identity) return with_context(identity.error(), "recording " + rec.id);
    sources.emplace(rec.id, SourceMedia{archive.media_path(rec.id), std::move(*identity)});
    for (const auto& site : rec.sites) {
      if (site_keys.insert(site.id + "/" + std::string(consent::to_string(site.laterality))).second)
        sites.push_back(site);
    }
  }
  const archive::RecordingInfo& first = consent->recordings.front();

  archive::NewRecording film;
  film.patient_id = consent->patient_id;
  film.consent_id = consent->consent_id;
  film.kind = first.kind;
  film.sites = sites;
  film.purposes = {request.purpose};
  film.case_ref = first.case_ref;
  film.procedure = request.project.metadata.title;
  film.tags = {"film", std::string(request.preset.id)};
  film.derived_from = consent->sources;
  film.project = request.project_name;
  film.identifiability = consent->identifiability;
  auto registered = archive.register_recording(film);
  if (!registered) return tl::unexpected(registered.error());

  // Everything after registration either catalogues the film or abandons it (key, row, media
  // and sidecars), so a failed or cancelled render leaves nothing behind.
  auto render_and_catalogue = [&]() -> Result<FilmOutcome> {
    auto recipient = crypto::X25519Recipient::parse(registered->recipient);
    if (!recipient) return tl::unexpected(recipient.error());
    FilmJob job;
    job.project = request.project;
    job.preset = request.preset;
    job.backend = request.backend;
    job.encoder = request.encoder;
    job.output = registered->media_path;
    job.recipients.emplace_back(*recipient);
    job.progress = request.progress;
    job.cancel = request.cancel;
    job.resolve = [&sources](std::string_view id) -> Result<SourceMedia> {
      auto it = sources.find(id);
      if (it == sources.end()) {
        return fail(Errc::not_found,
                    "recording " + std::string(id) + " was not gated for this film");
      }
      return SourceMedia{it->second.path, it->second.identity.clone()};
    };
    auto rendered = run_film_job(job);
    if (!rendered) return tl::unexpected(rendered.error());
    auto sidecar = write_captions_sidecar(request.project, job.recipients,
                                          archive.sidecar_path(registered->id, "vtt"));
    if (!sidecar) return tl::unexpected(sidecar.error());
    if (auto ok =
            archive.catalogue_manifest(registered->id, film_manifest(request, *rendered, *sidecar));
        !ok) {
      return with_context(ok.error(), "cataloguing film " + registered->id);
    }
    auto info = archive.get_recording(registered->id);
    if (!info) return tl::unexpected(info.error());
    FilmOutcome outcome;
    outcome.film = std::move(*info);
    outcome.render = *rendered;
    outcome.captions_sidecar = *sidecar;
    return outcome;
  };
  auto outcome = render_and_catalogue();
  if (!outcome) {
    (void)archive.abandon_recording(registered->id);
    return tl::unexpected(outcome.error());
  }
  outcome->consent = std::move(*consent);
  return outcome;
}

}  // namespace clinvid::render
