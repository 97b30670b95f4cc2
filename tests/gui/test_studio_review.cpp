// The Review view end to end under Xvfb: a synthetic gait recording (the SyntheticWalker as
// test://gait draws it, imported into a real archive with research consent), a review of it
// keyframed from the walker's truth and tracked with `clinvid analyse`, then a scripted studio
// run that opens the review (the gate asked for `view`), steps frames with the arrow key,
// places an angle measurement by clicking hip, knee and ankle on the canvas (injected clicks
// through Dear ImGui), marks a heel strike with H, saves the review sealed in the archive and
// takes a screenshot. A second view of the recording, aligned on an event, steps with it. The
// model's angle must match the walker's knee within the click's rounding, the event must be where
// it was marked, and the screenshot must show the frames.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "analysis/gait_review.hpp"
#include "analysis/measure.hpp"
#include "analysis/synthetic_walker.hpp"
#include "studio_test_util.hpp"
#include "walker_mp4.hpp"

namespace clinvid::test {
namespace {

namespace an = analysis;

constexpr std::int64_t kFrames = 60;
constexpr std::int64_t kStepTo = 3;

class StudioReview : public StudioArchiveTest {
 protected:
  StudioRun studio(const std::string& script) {
    StudioInvocation how;
    how.timeout_s = 120;
    how.args = "--camera none";
    return studio_as("photo", "photo-pass", script, how);
  }

  static const Json* last_step(const StudioRun& run, const std::string& verb) {
    const Json* found = nullptr;
    for (const Json& s : run.steps) {
      if (s.value("step", "") == verb) found = &s;
    }
    return found;
  }
};

TEST_F(StudioReview, StepMeasureAnAngleByClickingAndMarkAHeelStrike) {
  const std::string patient = add_patient();
  const std::string consent =
      add_consent(patient, Json::array({{{"purpose", "clinical_record"}, {"grant", "identifiable"}},
                                        {{"purpose", "research"}, {"grant", "identifiable"}}}));
  auto walker = an::SyntheticWalker::make(an::gait_scene_walker_spec(640, 360, kFrames));
  ASSERT_TRUE(walker) << walker.error().message();
  const std::string recording = import(patient, consent, walker_mp4(*walker, tmp_.path(), "walk"));
  const fs::path review = tmp_.path() / "gait.json";
  RunResult r = run_as("photo", {"analyse", "demo-review", "--recording", recording, "-o",
                                 review.string(), "--keyframe-every", "15"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_as("photo", {"analyse", "track", review.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // A second view of the same recording, aligned on an event two frames later in it (as a
  // second camera started earlier would be): it must show frame n + 2 whenever the first
  // shows frame n.
  Json doc = parse_json(read_text(review)).value();
  Json second = doc["views"][0];
  second["id"] = "second";
  second["sync"] = {{"method", "event"}, {"offset", "2*1/30"}, {"event_frame", 5}};
  doc["views"].push_back(second);
  write_text(review, doc.dump(2));

  // The near leg's hip, knee and ankle on the frame the script steps to.
  const auto& truth = walker->truth().frames[static_cast<std::size_t>(kStepTo)];
  const an::Point2 hip = truth.near_px[static_cast<std::size_t>(an::WalkerMarker::hip)];
  const an::Point2 knee = truth.near_px[static_cast<std::size_t>(an::WalkerMarker::knee)];
  const an::Point2 ankle = truth.near_px[static_cast<std::size_t>(an::WalkerMarker::ankle)];
  const double expected_deg = an::angle_at_vertex_deg(hip, knee, ankle);

  const fs::path png = fs::path(CLINVID_BINARY_DIR) / "tests" / "gui" / "studio_review.png";
  fs::create_directories(png.parent_path());
  fs::remove(png);
  std::string script =
      "sign_in\nview review\nreview_open " + review.string() + " research\nreview_wait\n";
  for (std::int64_t i = 0; i < kStepTo; ++i) script += "key right\n";
  script += "review_wait\nreview_tool angle\n";
  for (const an::Point2& p : {hip, knee, ankle}) {
    script += fmt::format("review_target 0 {:.3f} {:.3f}\nclick review.target\n", p.x, p.y);
  }
  script += "key h\nkey right\nkey shift+t\nkey left\nreview_wait\nframes 3\nscreenshot " +
            png.string() + "\nreview_save\n";
  const StudioRun run = studio(script);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  const Json* opened = last_step(run, "review_open");
  ASSERT_NE(opened, nullptr) << run.out;
  ASSERT_TRUE(opened->contains("review")) << opened->dump();
  EXPECT_EQ((*opened)["review"]["views"][0]["recording"], recording);
  EXPECT_EQ((*opened)["review"]["frame"], 0);

  // Three arrow presses: frame 3 on the view.
  std::vector<int> frames;
  for (const Json& s : run.steps) {
    if (s.value("step", "") == "key" && s.contains("review")) {
      frames.push_back(s["review"]["frame"].get<int>());
    }
  }
  ASSERT_GE(frames.size(), 3U) << run.out;
  EXPECT_EQ(frames[0], 1);
  EXPECT_EQ(frames[1], 2);
  EXPECT_EQ(frames[2], 3);
  const Json* stepped = nullptr;
  for (const Json& s : run.steps) {
    if (s.value("step", "") == "review_wait" && s.contains("review")) stepped = &s;
  }
  ASSERT_NE(stepped, nullptr);
  ASSERT_EQ((*stepped)["review"]["views"].size(), 2U);
  EXPECT_EQ((*stepped)["review"]["views"][1]["sync"], "event");
  EXPECT_EQ((*stepped)["review"]["views"][1]["frame"],
            (*stepped)["review"]["frame"].get<int>() + 2);

  const Json* saved = last_step(run, "review_save");
  ASSERT_NE(saved, nullptr) << run.out << run.err;
  EXPECT_EQ((*saved)["saved_as"], "review.gait");
  const Json& state = (*saved)["review"];
  ASSERT_EQ(state["measurements"].size(), 1U) << state.dump();
  const Json& angle = state["measurements"][0];
  EXPECT_EQ(angle["kind"], "angle");
  EXPECT_EQ(angle["frame"], kStepTo);
  EXPECT_EQ(angle["unit"], "deg");
  // The clicks land on screen pixels of a scaled canvas: within half a canvas pixel of each
  // marker, so within 1 degree on a 80-px thigh.
  EXPECT_NEAR(angle["value"].get<double>(), expected_deg, 1.0) << angle.dump();

  // H on frame 3: right heel strike; Shift+T on frame 4: left toe off.
  ASSERT_EQ(state["events"].size(), 2U) << state.dump();
  EXPECT_EQ(state["events"][0]["kind"], "heel_strike");
  EXPECT_EQ(state["events"][0]["side"], "right");
  EXPECT_EQ(state["events"][0]["frame"], kStepTo);
  EXPECT_EQ(state["events"][0]["origin"], "manual");
  EXPECT_EQ(state["events"][1]["kind"], "toe_off");
  EXPECT_EQ(state["events"][1]["side"], "left");
  EXPECT_EQ(state["events"][1]["frame"], kStepTo + 1);

  // Sealed in the archive: the review is a project there, readable only through the archive.
  r = run_as("photo", {"project", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("review.gait"), std::string::npos) << r.out;
  EXPECT_FALSE(any_file_contains(archive_, "heel_strike"));

  std::uint32_t width = 0;
  std::uint32_t height = 0;
  EXPECT_GT(distinct_colours(png, width, height), 1000U) << png;
  EXPECT_EQ(width, 1280U);
}

TEST_F(StudioReview, AReviewOfAFileOutsideTheArchiveIsRefusedWithAReason) {
  const fs::path review = tmp_.path() / "outside.json";
  write_text(review, R"({"format": "clinvid-review", "version": 1, "views": [{"id": "side",
    "recording": "file:walk.mp4.age", "stream": 0, "frame_rate": "30/1", "frame_count": 30,
    "sync": {"method": "session_clock", "offset": "0*1/1"}}]})");
  const StudioRun run = studio("sign_in\nview review\nreview_open " + review.string() + "\n");
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.err.find("outside the archive"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace clinvid::test
