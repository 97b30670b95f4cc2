#include "export_fixture.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>

#include "timeline/commands.hpp"

namespace clinvid::render::testing {

int run(const std::vector<std::string>& argv, std::string* output) {
  std::string command;
  for (const auto& a : argv) {
    command += "'";
    for (const char c : a) {
      if (c == '\'') {
        command += "'\\''";
      } else {
        command += c;
      }
    }
    command += "' ";
  }
  command += "2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buffer{};
  std::string out;
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) {
    out.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  if (output != nullptr) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::uint64_t luma_checksum(const ConstFrameView& frame) {
  std::uint64_t h = 1469598103934665603ULL;
  for (std::uint32_t y = 0; y < frame.height; ++y) {
    const std::uint8_t* row = frame.planes[0] + y * frame.strides[0];
    for (std::uint32_t x = 0; x < frame.width; ++x) {
      h = (h ^ row[x]) * 1099511628211ULL;
    }
  }
  return h;
}

void FilmTest::SetUp() {
  ArchiveTest::SetUp();
  auto a = open_as("photo");
  patient_ = add_patient(a);
  consent_all_ = add_consent(a, patient_,
                             {{consent::Purpose::clinical_record, consent::Grant::identifiable},
                              {consent::Purpose::teaching, consent::Grant::identifiable},
                              {consent::Purpose::research, consent::Grant::identifiable}});
}

std::string FilmTest::add_video(archive::Archive& a, const std::string& consent_id, int width,
                                int height, double seconds, const std::string& name,
                                bool with_audio) {
  const fs::path source = root_ / (name + ".mp4");
  std::vector<std::string> args = {"ffmpeg",
                                   "-v",
                                   "error",
                                   "-y",
                                   "-f",
                                   "lavfi",
                                   "-i",
                                   "testsrc2=size=" + std::to_string(width) + "x" +
                                       std::to_string(height) +
                                       ":rate=30:duration=" + std::to_string(seconds)};
  if (with_audio) {
    args.insert(args.end(),
                {"-f", "lavfi", "-i",
                 "sine=frequency=440:sample_rate=48000:duration=" + std::to_string(seconds), "-c:a",
                 "aac"});
  }
  args.insert(args.end(), {"-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-bf", "2",
                           "-pix_fmt", "yuv420p", source.string()});
  EXPECT_EQ(run(args), 0) << "ffmpeg could not make " << source;
  archive::NewRecording rec;
  rec.patient_id = patient_;
  rec.consent_id = consent_id;
  rec.kind = consent::RecordingKind::external_video;
  rec.sites = {{"hand", consent::Laterality::left}};
  rec.purposes = {consent::Purpose::clinical_record};
  rec.recorded_on = archive::testing::day("2025-06-02");
  rec.procedure = "gait assessment " + name;
  auto info = a.import_file(source, rec, true);
  EXPECT_TRUE(info) << info.error().message();
  return info ? info->id : std::string();
}

fs::path FilmTest::decrypt_film(archive::Archive& a, const std::string& film_id) {
  auto identity = a.recording_identity(film_id);
  EXPECT_TRUE(identity) << identity.error().message();
  const fs::path key = root_ / (film_id + ".key");
  const std::string secret(identity->to_string().chars());
  archive::testing::write_bytes(
      key, std::span(reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size()));
  const fs::path plain = root_ / (film_id + ".mp4");
  std::string out;
  EXPECT_EQ(
      run({"age", "-d", "-i", key.string(), "-o", plain.string(), a.media_path(film_id).string()},
          &out),
      0)
      << out;
  return plain;
}

timeline::Project FilmTest::project(std::uint32_t width, std::uint32_t height,
                                    timeline::LayoutKind layout) {
  timeline::Project p;
  p.format.width_px = width;
  p.format.height_px = height;
  p.format.frame_rate = Rational::make(30, 1).value();
  p.metadata.title = "Test film";
  p.metadata.consent_reference = "consent on file";
  p.layout.kind = layout;
  return p;
}

std::string FilmTest::add_clip(timeline::Project& p, const std::string& recording,
                               std::int64_t in_frame, std::int64_t out_frame, int slot,
                               Rational speed, std::int64_t start_frame) {
  timeline::History history(p);
  auto track = history.apply(timeline::add_track(timeline::TrackKind::video, "V"));
  EXPECT_TRUE(track) << track.error().message();
  const Rational rate = Rational::make(30, 1).value();
  timeline::Clip clip;
  clip.source = {recording, 0};
  clip.source_in = Time::frames(in_frame, rate);
  clip.source_out = Time::frames(out_frame, rate);
  clip.start = Time::frames(start_frame, rate);
  clip.speed = speed;
  clip.placement.kind = timeline::PlacementKind::slot;
  clip.placement.slot = slot;
  auto rec_size = [&]() -> std::pair<std::uint32_t, std::uint32_t> {
    auto a = open_as("photo");
    auto info = a.get_recording(recording);
    if (!info) return {0, 0};
    return {static_cast<std::uint32_t>(info->width), static_cast<std::uint32_t>(info->height)};
  }();
  clip.source_width_px = rec_size.first;
  clip.source_height_px = rec_size.second;
  auto id = history.apply(timeline::add_clip(*track, clip));
  EXPECT_TRUE(id) << id.error().message();
  p = history.project();
  return id ? *id : std::string();
}

ExportPreset FilmTest::lossless() {
  ExportPreset p = find_preset("archive").value();
  p.x264_preset = "ultrafast";
  p.crf = 0;
  return p;
}

}  // namespace clinvid::render::testing
