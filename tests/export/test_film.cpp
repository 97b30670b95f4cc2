// Finished films end to end: a real archive, real recordings, the consent gate, the render
// pipeline, libx264, age encryption; the result read back with `age -d`, ffprobe and our own
// decoder.
#include <gtest/gtest.h>

#include <atomic>

#include "crypto/reader.hpp"
#include "crypto/writer.hpp"
#include "export_fixture.hpp"
#include "media/decoder.hpp"
#include "timeline/commands.hpp"

namespace clinvid::render::testing {
namespace {

using timeline::LayoutKind;
const Rational k30 = Rational::make(30, 1).value();

std::string probe(const fs::path& file, const std::string& entries) {
  std::string out;
  EXPECT_EQ(run({"ffprobe", "-v", "error", "-count_frames", "-show_entries", entries, "-of",
                 "default=noprint_wrappers=1", file.string()},
                &out),
            0)
      << out;
  return out;
}

FilmRequest request_for(const timeline::Project& p, consent::Purpose purpose, ExportPreset preset) {
  FilmRequest r;
  r.project = p;
  r.project_name = "test-project";
  r.purpose = purpose;
  r.preset = preset;
  r.encoder = media::VideoEncoderKind::libx264;
  return r;
}

TEST_F(FilmTest, SideBySideWithTitleCaptionAndRedactionRendersAnEncryptedCataloguedFilm) {
  auto photo = open_as("photo");
  const std::string before = add_video(photo, consent_all_, 320, 180, 2.0, "before");
  const std::string after = add_video(photo, consent_all_, 320, 180, 2.0, "after", true);

  timeline::Project p = project(640, 360, LayoutKind::side_by_side);
  const std::string left = add_clip(p, before, 0, 60, 0);
  add_clip(p, after, 0, 60, 1);
  timeline::History h(p);
  auto overlay = h.apply(timeline::add_track(timeline::TrackKind::overlay, "Titles"));
  ASSERT_TRUE(overlay);
  timeline::TextItem title;
  title.text = "Before and after";
  title.start = Time();
  title.duration = Time(1, Rational());
  title.position = timeline::TextPosition::top;
  ASSERT_TRUE(h.apply(timeline::add_text(*overlay, title)));
  auto captions = h.apply(timeline::add_track(timeline::TrackKind::caption, "Captions"));
  ASSERT_TRUE(captions);
  timeline::TextItem caption;
  caption.text = "Heel strike on the left";
  caption.start = Time(1, Rational::make(1, 2).value());
  caption.duration = Time(1, Rational());
  caption.position = timeline::TextPosition::caption;
  ASSERT_TRUE(h.apply(timeline::add_text(*captions, caption)));
  timeline::Redaction redaction;
  redaction.mode = RedactionMode::pixelate;
  redaction.keyframes.push_back({Time(), {0.1, 0.1, 0.3, 0.3}});
  ASSERT_TRUE(h.apply(timeline::add_redaction(left, redaction)));
  // The second recording's sound (stream 1 of the imported file) under the pictures.
  auto sound = h.apply(timeline::add_track(timeline::TrackKind::audio, "Sound"));
  ASSERT_TRUE(sound);
  timeline::Clip audio;
  audio.source = {after, 1};
  audio.source_in = Time();
  audio.source_out = Time(2, Rational());
  audio.start = Time();
  audio.speed = Rational();
  ASSERT_TRUE(h.apply(timeline::add_clip(*sound, audio)));

  auto edu = open_as("edu");
  std::int64_t last_done = 0, calls = 0;
  FilmRequest request =
      request_for(h.project(), consent::Purpose::teaching, find_preset("web").value());
  request.preset.x264_preset = "ultrafast";
  request.progress = [&](const ExportProgress& pr) {
    EXPECT_EQ(pr.frames_done, last_done + 1);
    last_done = pr.frames_done;
    ++calls;
  };
  auto film = render_film(edu, request);
  ASSERT_TRUE(film) << film.error().message();
  EXPECT_EQ(film->render.frames, 60);
  EXPECT_EQ(last_done, 60);
  EXPECT_EQ(film->render.width, 1280U);  // the web preset scales the 640x360 canvas
  EXPECT_TRUE(film->render.has_audio);
  EXPECT_EQ(film->film.status, archive::RecordingStatus::active);
  EXPECT_EQ(film->film.derived_from.size(), 2U);
  EXPECT_EQ(film->film.purposes, std::vector<consent::Purpose>{consent::Purpose::teaching});
  EXPECT_EQ(film->film.project, "test-project");
  EXPECT_TRUE(film->captions_sidecar);

  // The media is age: the standard CLI decrypts it with the film's key, ffprobe reads it.
  const fs::path plain = decrypt_film(edu, film->film.id);
  const std::string report =
      probe(plain, "format=duration,format_name:stream=codec_name,nb_read_frames,width,height");
  EXPECT_NE(report.find("codec_name=h264"), std::string::npos) << report;
  EXPECT_NE(report.find("codec_name=aac"), std::string::npos) << report;
  EXPECT_NE(report.find("nb_read_frames=60"), std::string::npos) << report;
  EXPECT_NE(report.find("width=1280"), std::string::npos) << report;
  const auto at = report.find("duration=");
  ASSERT_NE(at, std::string::npos);
  EXPECT_NEAR(std::stod(report.substr(at + 9)), 2.0, 0.05) << report;
  // faststart: the moov box comes before mdat.
  const auto bytes = archive::testing::read_bytes(plain);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  EXPECT_LT(text.find("moov"), text.find("mdat"));

  // The caption is burned in: white text in the bottom band (black letterbox) while its cue
  // is on, none after it. Decoded straight from the film's age file.
  {
    auto key = edu.recording_identity(film->film.id);
    ASSERT_TRUE(key);
    std::vector<crypto::Identity> keys;
    keys.emplace_back(std::move(*key));
    auto decoder = media::VideoDecoder::open(edu.media_path(film->film.id), keys);
    ASSERT_TRUE(decoder) << decoder.error().message();
    auto bright_in_bottom_band = [&](std::int64_t frame) {
      auto f = decoder->frame_at(Time::frames(frame, k30));
      EXPECT_TRUE(f) << f.error().message();
      if (!f) return 0;
      const ConstFrameView v = f->frame->view();
      int bright = 0;
      for (std::uint32_t y = v.height * 4 / 5; y < v.height; ++y) {
        for (std::uint32_t x = 0; x < v.width; ++x)
          bright += v.planes[0][y * v.strides[0] + x] > 200;
      }
      return bright;
    };
    EXPECT_GT(bright_in_bottom_band(30), 200);  // 1.0 s: "Heel strike on the left"
    EXPECT_LT(bright_in_bottom_band(55), 20);   // 1.83 s: the cue has ended
  }

  // The WebVTT sidecar, encrypted to the same key.
  auto identity = edu.recording_identity(film->film.id);
  ASSERT_TRUE(identity);
  std::vector<crypto::Identity> ids;
  ids.emplace_back(std::move(*identity));
  auto sidecar =
      crypto::decrypt(archive::testing::read_bytes(edu.sidecar_path(film->film.id, "vtt")), ids);
  ASSERT_TRUE(sidecar) << sidecar.error().message();
  const std::string vtt(sidecar->begin(), sidecar->end());
  EXPECT_EQ(vtt.rfind("WEBVTT", 0), 0U) << vtt;
  EXPECT_NE(vtt.find("00:00:00.500 --> 00:00:01.500"), std::string::npos) << vtt;
  EXPECT_NE(vtt.find("Heel strike on the left"), std::string::npos) << vtt;

  // Withdrawing teaching consent flags the film (provenance).
  consent::Withdrawal w;
  w.purposes = {consent::Purpose::teaching};
  w.withdrawn_on = archive::today_utc();
  w.recorded_by = {"Grace Witnessworth-Photographer", "Clinical photographer"};
  auto flagged = photo.withdraw_consent(consent_all_, w);
  ASSERT_TRUE(flagged) << flagged.error().message();
  auto after_withdrawal = photo.get_recording(film->film.id);
  ASSERT_TRUE(after_withdrawal);
  EXPECT_TRUE(after_withdrawal->flagged);

  // Erasing the film takes its captions sidecar with it.
  const fs::path sidecar_file = photo.sidecar_path(film->film.id, "vtt");
  ASSERT_TRUE(fs::exists(sidecar_file));
  auto ig = open_as(kIg);
  ASSERT_TRUE(ig.erase_recording(film->film.id, "consent for teaching withdrawn"));
  EXPECT_FALSE(fs::exists(sidecar_file));
  EXPECT_FALSE(fs::exists(photo.media_path(film->film.id)));
}

TEST_F(FilmTest, ClipWhoseConsentExcludesTeachingIsRefusedByName) {
  auto photo = open_as("photo");
  const std::string ok_source = add_video(photo, consent_all_, 160, 90, 1.0, "ok");
  const std::string no_teaching =
      add_consent(photo, patient_,
                  {{consent::Purpose::clinical_record, consent::Grant::identifiable},
                   {consent::Purpose::teaching, consent::Grant::refused}});
  const std::string refused_source = add_video(photo, no_teaching, 160, 90, 1.0, "refused");
  timeline::Project p = project(320, 180, LayoutKind::side_by_side);
  add_clip(p, ok_source, 0, 30, 0);
  const std::string bad_clip = add_clip(p, refused_source, 0, 30, 1);

  auto edu = open_as("edu");
  auto before = edu.search({});
  ASSERT_TRUE(before);
  auto film = render_film(edu, request_for(p, consent::Purpose::teaching, lossless()));
  ASSERT_FALSE(film);
  EXPECT_EQ(film.error().code, Errc::permission_denied);
  EXPECT_NE(film.error().detail.find("clip " + bad_clip), std::string::npos) << film.error().detail;
  EXPECT_NE(film.error().detail.find(no_teaching), std::string::npos) << film.error().detail;
  EXPECT_NE(film.error().detail.find("rule"), std::string::npos) << film.error().detail;
  auto after = edu.search({});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->size(), before->size());  // nothing catalogued
  // The same project is fine for the clinical record.
  auto doc = open_as("doc");
  auto record = render_film(doc, request_for(p, consent::Purpose::clinical_record, lossless()));
  EXPECT_TRUE(record) << record.error().message();
}

TEST_F(FilmTest, AnonymisedOnlyConsentNeedsEveryMarkedFaceRedacted) {
  auto photo = open_as("photo");
  const std::string anon =
      add_consent(photo, patient_,
                  {{consent::Purpose::clinical_record, consent::Grant::identifiable},
                   {consent::Purpose::teaching, consent::Grant::anonymised_only}});
  const std::string source = add_video(photo, anon, 160, 90, 1.0, "face");
  timeline::Project p = project(160, 90);
  const std::string clip = add_clip(p, source, 0, 30);
  auto edu = open_as("edu");

  // No face marked: identifiable, refused.
  auto unmarked = render_film(edu, request_for(p, consent::Purpose::teaching, lossless()));
  ASSERT_FALSE(unmarked);
  EXPECT_NE(unmarked.error().detail.find("no face regions are marked"), std::string::npos)
      << unmarked.error().detail;

  timeline::History h(p);
  timeline::FaceRegion face;
  face.keyframes.push_back({Time(), {0.4, 0.2, 0.2, 0.3}});
  ASSERT_TRUE(h.apply(timeline::add_face(clip, face)));
  auto uncovered =
      render_film(edu, request_for(h.project(), consent::Purpose::teaching, lossless()));
  ASSERT_FALSE(uncovered);
  EXPECT_NE(uncovered.error().detail.find("not covered by a redaction"), std::string::npos)
      << uncovered.error().detail;

  timeline::Redaction redaction;
  redaction.mode = RedactionMode::solid;
  redaction.keyframes.push_back({Time(), {0.35, 0.15, 0.3, 0.4}});
  ASSERT_TRUE(h.apply(timeline::add_redaction(clip, redaction)));
  auto film = render_film(edu, request_for(h.project(), consent::Purpose::teaching, lossless()));
  ASSERT_TRUE(film) << film.error().message();
  EXPECT_EQ(film->consent.identifiability, consent::Identifiability::anonymised);
  EXPECT_EQ(film->film.consent_id, anon);
}

// Decodes every frame of a film (through age -d) and returns their luma checksums.
std::vector<std::uint64_t> film_checksums(const fs::path& plain_mp4, const fs::path& dir) {
  // Re-encrypt-free path: our decoder reads age files, so wrap the plaintext in one.
  auto identity = crypto::X25519Identity::generate();
  std::vector<crypto::Recipient> r;
  r.emplace_back(identity.recipient());
  const fs::path wrapped = dir / (plain_mp4.stem().string() + ".check.age");
  EXPECT_TRUE(crypto::encrypt_file(plain_mp4, wrapped, r));
  std::vector<crypto::Identity> ids;
  ids.emplace_back(std::move(identity));
  auto decoder = media::VideoDecoder::open(wrapped, ids);
  EXPECT_TRUE(decoder) << decoder.error().message();
  std::vector<std::uint64_t> out;
  if (!decoder) return out;
  for (std::int64_t n = 0;; ++n) {
    auto f = decoder->frame_at(Time::frames(n, k30));
    if (!f) break;
    if (n > 0 && f->pts < Time::frames(n, k30)) break;  // past the end: the last frame again
    out.push_back(luma_checksum(f->frame->view()));
  }
  return out;
}

std::vector<std::uint64_t> source_checksums(archive::Archive& a, const std::string& recording,
                                            const std::vector<Time>& times) {
  auto identity = a.recording_identity(recording);
  EXPECT_TRUE(identity);
  std::vector<crypto::Identity> ids;
  ids.emplace_back(std::move(*identity));
  auto decoder = media::VideoDecoder::open(a.media_path(recording), ids);
  EXPECT_TRUE(decoder) << decoder.error().message();
  std::vector<std::uint64_t> out;
  for (const Time& t : times) {
    auto f = decoder->frame_at(t);
    EXPECT_TRUE(f) << f.error().message();
    out.push_back(f ? luma_checksum(f->frame->view()) : 0);
  }
  return out;
}

TEST_F(FilmTest, TrimsAreFrameAccurate) {
  auto photo = open_as("photo");
  const std::string source = add_video(photo, consent_all_, 160, 90, 2.0, "trim");
  timeline::Project p = project(160, 90);
  add_clip(p, source, 7, 41);  // source frames 7..40
  auto film = render_film(photo, request_for(p, consent::Purpose::clinical_record, lossless()));
  ASSERT_TRUE(film) << film.error().message();
  ASSERT_EQ(film->render.frames, 34);
  const auto got = film_checksums(decrypt_film(photo, film->film.id), root_);
  std::vector<Time> times;
  for (std::int64_t k = 7; k < 41; ++k) times.push_back(Time::frames(k, k30));
  EXPECT_EQ(got, source_checksums(photo, source, times));
}

TEST_F(FilmTest, SpeedChangesGiveTheRightFramesAndCounts) {
  auto photo = open_as("photo");
  const std::string source = add_video(photo, consent_all_, 160, 90, 2.0, "speed");
  timeline::Project p = project(160, 90);
  add_clip(p, source, 10, 30, 0, Rational::make(1, 2).value());  // 20 frames → 40 at half speed
  add_clip(p, source, 30, 50, 0, Rational::make(2, 1).value(), 40);  // 20 frames → 10 at 2×
  auto film = render_film(photo, request_for(p, consent::Purpose::clinical_record, lossless()));
  ASSERT_TRUE(film) << film.error().message();
  ASSERT_EQ(film->render.frames, 50);
  const auto got = film_checksums(decrypt_film(photo, film->film.id), root_);
  std::vector<Time> times;
  for (std::int64_t k = 0; k < 40; ++k)
    times.push_back(Time::frames(10 * 2 + k, Rational::make(60, 1).value()));
  for (std::int64_t k = 0; k < 10; ++k) times.push_back(Time::frames(30 + 2 * k, k30));
  EXPECT_EQ(got, source_checksums(photo, source, times));
}

TEST_F(FilmTest, CancelLeavesNothingBehind) {
  auto photo = open_as("photo");
  const std::string source = add_video(photo, consent_all_, 160, 90, 2.0, "cancel");
  timeline::Project p = project(160, 90);
  add_clip(p, source, 0, 60);
  std::atomic<bool> cancel{false};
  FilmRequest request = request_for(p, consent::Purpose::clinical_record, lossless());
  request.cancel = &cancel;
  request.progress = [&](const ExportProgress& pr) {
    if (pr.frames_done == 5) cancel = true;
  };
  auto before = photo.search({});
  auto film = render_film(photo, request);
  ASSERT_FALSE(film);
  EXPECT_EQ(film.error().code, Errc::cancelled);
  auto after = photo.search({});
  EXPECT_EQ(after->size(), before->size());
  for (const auto& entry : fs::directory_iterator(photo.dir() / "media")) {
    const auto name = entry.path().filename().string();
    EXPECT_TRUE(name.ends_with(".age")) << "left behind: " << name;
  }
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(photo.dir() / "media")) ++files;
  EXPECT_EQ(files, 1U);  // the source only
}

TEST_F(FilmTest, ExportWorkerReportsProgressAndCancels) {
  auto photo = open_as("photo");
  const std::string source = add_video(photo, consent_all_, 160, 90, 2.0, "worker");
  timeline::Project p = project(160, 90);
  add_clip(p, source, 0, 60);
  auto identity = photo.recording_identity(source);
  ASSERT_TRUE(identity);
  const fs::path media = photo.media_path(source);
  auto id = std::make_shared<crypto::X25519Identity>(identity->clone());
  auto make_job = [&](const fs::path& output) {
    FilmJob job;
    job.project = p;
    job.preset = lossless();
    job.encoder = media::VideoEncoderKind::libx264;
    job.output = output;
    job.recipients.emplace_back(id->recipient());
    job.resolve = [media, id](std::string_view) -> Result<SourceMedia> {
      return SourceMedia{media, id->clone()};
    };
    return job;
  };
  const fs::path done_path = root_ / "worker.age";
  auto worker = ExportWorker::start(make_job(done_path));
  auto result = worker->wait();
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(worker->progress().frames_done, 60);
  EXPECT_DOUBLE_EQ(worker->progress().fraction, 1.0);
  EXPECT_TRUE(fs::exists(done_path));

  const fs::path cancelled_path = root_ / "cancelled.age";
  auto cancelled = ExportWorker::start(make_job(cancelled_path));
  cancelled->cancel();
  auto r2 = cancelled->wait();
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, Errc::cancelled);
  EXPECT_FALSE(fs::exists(cancelled_path));
}

TEST_F(FilmTest, MissingSourceMediaFailsClearlyAndCataloguesNothing) {
  auto photo = open_as("photo");
  const std::string source = add_video(photo, consent_all_, 160, 90, 1.0, "vanish");
  timeline::Project p = project(160, 90);
  add_clip(p, source, 0, 30);
  fs::remove(photo.media_path(source));
  auto before = photo.search({});
  auto film = render_film(photo, request_for(p, consent::Purpose::clinical_record, lossless()));
  ASSERT_FALSE(film);
  EXPECT_NE(film.error().detail.find(source), std::string::npos) << film.error().detail;
  EXPECT_EQ(photo.search({})->size(), before->size());
}

}  // namespace
}  // namespace clinvid::render::testing
