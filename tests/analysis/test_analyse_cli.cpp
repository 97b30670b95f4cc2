// `clinvid analyse` as a batch script drives it, in child processes: a synthetic gait
// recording (the SyntheticWalker encoded with libx264 into an age file, as test://gait records
// it) keyframed from its ground truth (demo-review), tracked, and measured (angles, events,
// CSV, plot), the numbers compared with SyntheticWalker::truth(); and the malformed and
// refused cases with their exit codes.
// GCC 12 reports a false -Wnull-dereference inside std::string when run_as() (which appends
// to its argument vector) is inlined into a helper; the fixture notes the same family.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/gait_review.hpp"
#include "analysis/synthetic_walker.hpp"
#include "archive_cli_fixture.hpp"
#include "crypto/identity_file.hpp"
#include "crypto/keys.hpp"
#include "media/encoder.hpp"
#include "walker_mp4.hpp"

namespace clinvid::test {
namespace {

namespace fs = std::filesystem;
namespace an = analysis;

constexpr std::int64_t kFrames = 360;
const std::string kAnalyse = "analyse";  // 6 s at 60 fps

an::WalkerSpec walker_spec() {
  an::WalkerSpec spec = an::gait_scene_walker_spec(640, 360, kFrames);
  spec.frame_rate = Rational::make(60, 1).value();
  return spec;
}

class AnalyseCli : public ArchiveCli {
 protected:
  void SetUp() override {
    ArchiveCli::SetUp();
    const crypto::X25519Identity identity = crypto::X25519Identity::generate();
    const crypto::SecretBytes text =
        crypto::format_identity_file(identity, std::chrono::system_clock::now());
    key_ = tmp_.path() / "key.txt";
    write_text(key_, std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
    recipient_ = identity.recipient();
  }

  // The walker encoded as test://gait records it: H.264 in MP4, age-encrypted to key_.
  fs::path walker_video(const an::SyntheticWalker& walker, const std::string& name) {
    const fs::path out = tmp_.path() / (name + ".mp4.age");
    media::EncodeSettings s;
    s.width = walker.spec().width_px;
    s.height = walker.spec().height_px;
    s.frame_rate = walker.spec().frame_rate;
    s.encoder = media::VideoEncoderKind::libx264;
    s.x264_preset = "veryfast";
    s.crf = 18;
    s.audio = false;
    s.threads = 2;
    std::vector<crypto::Recipient> recipients;
    recipients.emplace_back(recipient_);
    auto encoder = media::Mp4Encoder::create(s, out, recipients);
    EXPECT_TRUE(encoder) << encoder.error().message();
    if (!encoder) return out;
    auto frame = Frame::allocate(PixelFormat::i420, s.width, s.height);
    EXPECT_TRUE(frame);
    for (std::int64_t i = 0; i < walker.spec().frame_count; ++i) {
      EXPECT_TRUE(walker.render(i, frame->view()));
      EXPECT_TRUE(encoder->add_video(std::as_const(*frame).view(), i));
    }
    EXPECT_TRUE(encoder->finish());
    return out;
  }

  RunResult analyse(std::vector<std::string> args) {
    std::vector<std::string> all(1 + args.size());
    all[0] = kAnalyse;
    std::move(args.begin(), args.end(), all.begin() + 1);
    return run_as("photo", std::move(all));
  }

  fs::path key_;
  crypto::X25519Recipient recipient_;
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

TEST_F(AnalyseCli, SubcommandsHaveHelp) {
  for (const char* sub : {"demo-review", "track", "angles", "events", "csv", "plot", "film"}) {
    const RunResult r = analyse({sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub << r.err;
    EXPECT_NE(r.out.find("Exit codes"), std::string::npos) << sub;
  }
  EXPECT_EQ(analyse({}).exit_code, 2);
}

// The must-show: a gait recording measured from the command line matches the walker's truth.
TEST_F(AnalyseCli, GaitRecordingMeasuredWithinTwoDegreesAndRightCadence) {
  auto walker = an::SyntheticWalker::make(walker_spec());
  ASSERT_TRUE(walker) << walker.error().message();
  const fs::path video = walker_video(*walker, "gait");
  const fs::path review = tmp_.path() / "review.json";
  const std::vector<std::string> media = {"--file", video.string(), "-i", key_.string()};
  auto with_media = [&](std::vector<std::string> args) {
    args.insert(args.end(), media.begin(), media.end());
    return analyse(std::move(args));
  };

  RunResult r = with_media({"demo-review", "-o", review.string(), "--keyframe-every", "30",
                            "--walker-rate", "60/1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(parse_json(r.out).value()["frames"], kFrames);
  r = with_media({"track", review.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json tracked = parse_json(r.out).value();
  for (const Json& t : tracked["tracks"]) {
    const std::string name = t["track"];
    if (name.ends_with("hip") || name.ends_with("knee") || name.ends_with("ankle")) {
      EXPECT_EQ(t["lost_frames"], 0) << name;
    }
  }

  // Unfiltered angles: the tracker's accuracy through the codec.
  r = analyse({"angles", review.string(), "--smoothing", "none", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json angles = parse_json(r.out).value();
  EXPECT_TRUE(angles["cutoff_hz"].is_null());
  const Json& knee = angles["series"]["right_knee_flexion_deg"];
  ASSERT_EQ(knee.size(), static_cast<std::size_t>(kFrames));
  double max_error = 0;
  double sum_sq = 0;
  for (std::int64_t f = 0; f < kFrames; ++f) {
    ASSERT_FALSE(knee[static_cast<std::size_t>(f)].is_null()) << f;
    const double error =
        knee[static_cast<std::size_t>(f)].get<double>() -
        walker->truth().frames[static_cast<std::size_t>(f)].near_deg.knee_flexion_deg;
    max_error = std::max(max_error, std::abs(error));
    sum_sq += error * error;
  }
  EXPECT_LT(max_error, 2.0);
  std::printf("knee unfiltered: RMS %.3f deg, max %.3f deg\n",
              std::sqrt(sum_sq / static_cast<double>(kFrames)), max_error);

  // The 6 Hz filtered angles state the cutoff.
  r = analyse({"angles", review.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  angles = parse_json(r.out).value();
  EXPECT_EQ(angles["cutoff_hz"], 6.0);
  EXPECT_NE(angles["filter"].get<std::string>().find("6 Hz"), std::string::npos);

  // The CSV: filtered knee within 2 degrees of the truth.
  const fs::path csv = tmp_.path() / "kinematics.csv";
  r = analyse({"csv", review.string(), "-o", csv.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(read_text(csv));
  std::vector<std::string> header;
  int column = -1;
  max_error = 0;
  sum_sq = 0;
  std::int64_t rows = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("#")) continue;
    const auto fields = split(line);
    if (header.empty()) {
      header = fields;
      for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] == "right_knee_flexion_deg") column = static_cast<int>(i);
      }
      ASSERT_GE(column, 0) << line;
      continue;
    }
    const auto frame = std::stoll(fields[0]);
    const double error =
        std::stod(fields[static_cast<std::size_t>(column)]) -
        walker->truth().frames[static_cast<std::size_t>(frame)].near_deg.knee_flexion_deg;
    max_error = std::max(max_error, std::abs(error));
    sum_sq += error * error;
    ++rows;
  }
  EXPECT_EQ(rows, kFrames);
  EXPECT_LT(max_error, 2.0);
  std::printf("knee 6 Hz (csv): RMS %.3f deg, max %.3f deg\n",
              std::sqrt(sum_sq / static_cast<double>(rows)), max_error);

  // Events and cadence.
  r = analyse({"events", review.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json events = parse_json(r.out).value();
  const double cadence = events["parameters"]["cadence_steps_per_min"];
  EXPECT_NEAR(cadence, walker->spec().cadence_steps_per_min, 1.0);
  std::printf("cadence %.2f steps/min, stance right %s\n", cadence,
              events["parameters"]["right"]["stance_percent"].dump().c_str());
  int heel_strikes = 0;
  for (const Json& e : events["events"]) {
    if (e["kind"] != "heel_strike") continue;
    ++heel_strikes;
    const std::int64_t frame = e["frame"];
    const std::string side = e["side"];
    bool near_truth = false;
    for (const an::GaitEvent& t : walker->truth().events) {
      near_truth |= t.kind == an::GaitEventKind::heel_strike && an::to_string(t.side) == side &&
                    std::abs(t.frame - frame) <= 2;
    }
    EXPECT_TRUE(near_truth) << side << " heel strike at " << frame;
  }
  EXPECT_GE(heel_strikes, 10);

  // A cycle plot, and a before/after comparison against itself.
  const fs::path svg = tmp_.path() / "knee.svg";
  r = analyse(
      {"plot", review.string(), "-o", svg.string(), "--compare", review.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_text(svg).find("<svg"), std::string::npos);
  EXPECT_NEAR(parse_json(r.out).value()["rms_difference_deg"].get<double>(), 0.0, 1e-9);
  const fs::path png = tmp_.path() / "knee.png";
  r = analyse({"plot", review.string(), "-o", png.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_text(png).substr(1, 3), "PNG");
}

TEST_F(AnalyseCli, BadInputIsRefusedClearly) {
  an::WalkerSpec spec = an::gait_scene_walker_spec(320, 180, 30);
  auto walker = an::SyntheticWalker::make(spec);
  ASSERT_TRUE(walker);
  const fs::path video = walker_video(*walker, "short");
  const fs::path review = tmp_.path() / "review.json";
  RunResult r = analyse({"demo-review", "--file", video.string(), "-i", key_.string(), "-o",
                         review.string(), "--keyframe-every", "10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // Missing review: runtime error naming the file.
  r = analyse({"angles", (tmp_.path() / "missing.json").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("missing.json"), std::string::npos) << r.err;
  // Not JSON, and a review with a bad field: located, exit 1 like a malformed project.
  const fs::path bad = tmp_.path() / "bad.json";
  write_text(bad, "{ not json");
  r = analyse({"events", bad.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.err;
  Json doc = parse_json(read_text(review)).value();
  doc["tracks"][0]["keyframes"][0]["frame"] = -3;
  write_text(bad, doc.dump());
  r = analyse({"track", bad.string(), "--file", video.string(), "-i", key_.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/tracks/0/keyframes/0/frame"), std::string::npos) << r.err;

  // Wrong key: the age failure class, exit 1. --file without -i: usage.
  const crypto::X25519Identity other = crypto::X25519Identity::generate();
  const crypto::SecretBytes text =
      crypto::format_identity_file(other, std::chrono::system_clock::now());
  const fs::path wrong = tmp_.path() / "wrong.txt";
  write_text(wrong, std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
  r = analyse({"track", review.string(), "--file", video.string(), "-i", wrong.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no match"), std::string::npos) << r.err;
  EXPECT_EQ(analyse({"track", review.string(), "--file", video.string()}).exit_code, 2);
  // A file review without --file: usage, saying what to give.
  r = analyse({"track", review.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--file"), std::string::npos) << r.err;
  // Bad options.
  EXPECT_EQ(analyse({"angles", review.string(), "--smoothing", "median"}).exit_code, 2);
  EXPECT_EQ(analyse({"plot", review.string(), "-o", (tmp_.path() / "k.gif").string()}).exit_code,
            2);
  EXPECT_EQ(analyse({"angles", review.string(), "--view", "front"}).exit_code, 2);
}

TEST_F(AnalyseCli, ArchiveRecordingsAreGatedForThePurpose) {
  const std::string patient = add_patient();
  const std::string consent =
      add_consent(patient, Json::array({{{"purpose", "clinical_record"}, {"grant", "identifiable"}},
                                        {{"purpose", "research"}, {"grant", "identifiable"}},
                                        {{"purpose", "publication"}, {"grant", "refused"}}}));
  auto walker = an::SyntheticWalker::make(an::gait_scene_walker_spec(640, 360, 120));
  ASSERT_TRUE(walker);
  const fs::path mp4 = walker_mp4(*walker, tmp_.path(), "walk");
  const std::string id = import(patient, consent, mp4);
  const fs::path review = tmp_.path() / "review.json";
  RunResult r =
      analyse({"demo-review", "--recording", id, "-o", review.string(), "--keyframe-every", "15"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_text(review).find(id), std::string::npos);
  r = analyse({"track", review.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Results leaving the archive in plaintext are audited exports.
  const fs::path csv = tmp_.path() / "research.csv";
  r = analyse({"csv", review.string(), "-o", csv.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  bool audited = false;
  for (const Json& row : audit_rows()) {
    audited |= row.dump().find("research.csv") != std::string::npos &&
               row.dump().find("export") != std::string::npos;
  }
  EXPECT_TRUE(audited);
  // A gait film of the recording: slow motion, freeze, derived from it.
  r = analyse({"film", review.string(), "--purpose", "research", "--preset", "archive", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json film = parse_json(r.out).value();
  EXPECT_EQ(film["derived_from"], Json::array({id}));
  EXPECT_GT(film["frames"].get<int>(), 60 + 4 * 25 + 60);  // real time, a stride x4, freeze
  EXPECT_EQ(film["width"], 640);
  r = analyse({"film", review.string(), "--purpose", "publication", "--preset", "archive"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  r = analyse({"film", review.string(), "--purpose", "research", "--preset", "nope"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  // Refused purpose: exit 4, audited.
  r = analyse({"track", review.string(), "--purpose", "publication"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("refused"), std::string::npos) << r.err;
  EXPECT_EQ(analyse({"csv", review.string(), "-o", (tmp_.path() / "k.csv").string(), "--purpose",
                     "publication"})
                .exit_code,
            4);
  EXPECT_FALSE(fs::exists(tmp_.path() / "k.csv"));
  // Unknown recording.
  Json doc = parse_json(read_text(review)).value();
  doc["views"][0]["recording"] = "00000000-0000-4000-8000-000000000000";
  write_text(review, doc.dump());
  r = analyse({"track", review.string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;  // not found: a runtime error, as `frame` reports it
  EXPECT_NE(r.err.find("00000000-0000-4000-8000-000000000000"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace clinvid::test
