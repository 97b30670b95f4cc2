// A finished film into the archive: the consent gate over every source clip, the render,
// encryption to the film's own key, cataloguing with provenance, and the WebVTT sidecar.
//
// The gate (DESIGN invariant 3; docs/governance.md):
//  - every clip whose media the film shows or plays is asked `derive` for the purpose; the first
//    refusal stops the export and names the clip, the recording, the consent and the rule;
//  - a clip is anonymised only when faces were marked on it and a redaction covers every marked
//    face at every frame the film shows; otherwise it is identifiable, which an
//    anonymised-only consent refuses;
//  - the film is catalogued under the most restrictive of its sources' consents for the
//    purpose (anonymised-only over identifiable), for that purpose only, derived from every
//    source (so a withdrawal of any source's consent flags it);
//  - all sources must be one patient's (the catalogue keeps one patient per item).
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "archive/archive.hpp"
#include "consent/vocabulary.hpp"
#include "render/export_job.hpp"
#include "timeline/model.hpp"

namespace clinvid::render {

struct ClipConsent {
  std::string clip_id;
  std::string recording_id;
  std::string consent_id;  // empty: implicit consent (e.g. internal recordings for the record)
  consent::Identifiability identifiability = consent::Identifiability::invalid;
  consent::Decision decision;
};

struct FilmConsent {
  std::vector<ClipConsent> clips;
  std::string patient_id;
  std::string consent_id;  // the most restrictive, catalogued on the film
  consent::Identifiability identifiability = consent::Identifiability::invalid;
  std::vector<std::string> sources;                // distinct recording ids, in first-use order
  std::vector<archive::RecordingInfo> recordings;  // their catalogue rows, same order
};

// Asks the gate for every clip (each answer is audited). Errc::permission_denied naming the
// clip, recording, consent and rule on the first refusal; Errc::invalid_argument when the
// sources are several patients' or a clip names an unknown or erased recording.
[[nodiscard]] Result<FilmConsent> check_film_consent(archive::Archive& archive,
                                                     const timeline::Project& project,
                                                     consent::Purpose purpose);

struct FilmRequest {
  timeline::Project project;
  std::string project_name;  // provenance: the saved project it came from ("" if none)
  consent::Purpose purpose = consent::Purpose::invalid;
  ExportPreset preset;
  Backend backend = Backend::cpu;
  media::VideoEncoderKind encoder = media::VideoEncoderKind::automatic;
  ProgressFn progress;
  const std::atomic<bool>* cancel = nullptr;
};

struct FilmOutcome {
  archive::RecordingInfo film;  // as catalogued
  FilmResult render;
  FilmConsent consent;
  bool captions_sidecar = false;  // <id>.vtt.age written
};

// Gate, register, render, catalogue. On failure or cancel the registered film is abandoned
// (no key, row or file remains) and the error returned.
[[nodiscard]] Result<FilmOutcome> render_film(archive::Archive& archive,
                                              const FilmRequest& request);

}  // namespace clinvid::render
