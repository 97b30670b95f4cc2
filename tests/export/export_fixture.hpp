// A real archive holding real recordings (ffmpeg testsrc2, libx264, imported through the
// archive's own import) for the film export tests, and helpers to look inside a finished film:
// the `age` CLI to decrypt it with the film's own key, ffprobe to read it, and our decoder to
// compare its frames with the source frames expected at each time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "../archive/archive_fixture.hpp"
#include "render/film.hpp"
#include "timeline/model.hpp"

namespace clinvid::render::testing {

namespace fs = std::filesystem;

// Runs argv (no shell); returns the exit status, stdout+stderr into `output`.
int run(const std::vector<std::string>& argv, std::string* output = nullptr);

// FNV-1a of the visible luma bytes: frames compare by checksum.
std::uint64_t luma_checksum(const ConstFrameView& frame);

class FilmTest : public archive::testing::ArchiveTest {
 protected:
  void SetUp() override;

  // A 30 fps recording of `seconds` at width×height (testsrc2: a moving pattern with a frame
  // counter), H.264, imported into the archive for the patient under `consent_id`.
  std::string add_video(archive::Archive& a, const std::string& consent_id, int width, int height,
                        double seconds, const std::string& name, bool with_audio = false);

  // Every frame of the film's video, decoded through age -d + our decoder at each frame time.
  fs::path decrypt_film(archive::Archive& a, const std::string& film_id);

  // A project of `width`×`height` at 30 fps with one video track per clip.
  timeline::Project project(std::uint32_t width, std::uint32_t height,
                            timeline::LayoutKind layout = timeline::LayoutKind::single);
  // Adds a whole-canvas-slot clip of `recording` [in, out) (seconds as frame counts at 30 fps).
  std::string add_clip(timeline::Project& p, const std::string& recording, std::int64_t in_frame,
                       std::int64_t out_frame, int slot = 0, Rational speed = Rational(),
                       std::int64_t start_frame = 0);

  ExportPreset lossless();  // x264 qp 0: decoded output equals the composed frames

  std::string patient_;
  std::string consent_all_;  // every purpose, identifiable
};

}  // namespace clinvid::render::testing
