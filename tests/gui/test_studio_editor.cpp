// The Editor view's tools driven through the real frame loop under Xvfb with synthetic input
// (issue 8): a cut with the button and the S key (each undone), a caption typed into the text
// field and added at the playhead, a blur redaction dragged on the preview, an arrow dragged and
// an angle clicked on it, a face marked, captions exported to WebVTT and imported back, a caption
// deleted with its button, a title card typed and inserted at the start. The model is checked
// through the JSON lines and the composed preview through the window's pixels: the caption changes
// the lower part of the picture, the redaction blurs the rectangle it covers.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "studio_test_util.hpp"

namespace clinvid::test {
namespace {

const Json kRecordAndTeaching =
    Json::array({{{"purpose", "clinical_record"}, {"grant", "identifiable"}},
                 {{"purpose", "teaching"}, {"grant", "identifiable"}}});

struct Rgba {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint8_t> pixels;
  [[nodiscard]] int at(int x, int y, int channel) const {
    return pixels[(static_cast<std::size_t>(y) * width + static_cast<std::size_t>(x)) * 4 +
                  static_cast<std::size_t>(channel)];
  }
};

Rgba read_png(const fs::path& path) {
  Rgba out;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&image, path.c_str()) == 0) return out;
  image.format = PNG_FORMAT_RGBA;
  out.pixels.resize(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, out.pixels.data(), 0, nullptr) == 0) {
    png_image_free(&image);
    out.pixels.clear();
    return out;
  }
  out.width = image.width;
  out.height = image.height;
  return out;
}

struct Box {
  int x0, y0, x1, y1;
};

// Mean absolute difference per channel between two screenshots over `box`.
double mean_difference(const Rgba& a, const Rgba& b, Box box) {
  double sum = 0;
  std::size_t n = 0;
  for (int y = box.y0; y < box.y1; ++y) {
    for (int x = box.x0; x < box.x1; ++x) {
      for (int c = 0; c < 3; ++c) sum += std::abs(a.at(x, y, c) - b.at(x, y, c));
      n += 3;
    }
  }
  return n == 0 ? 0.0 : sum / static_cast<double>(n);
}

// Mean absolute horizontal gradient over `box`: detail, which a blur removes.
double detail(const Rgba& a, Box box) {
  double sum = 0;
  std::size_t n = 0;
  for (int y = box.y0; y < box.y1; ++y) {
    for (int x = box.x0 + 1; x < box.x1; ++x) {
      for (int c = 0; c < 3; ++c) sum += std::abs(a.at(x, y, c) - a.at(x - 1, y, c));
      n += 3;
    }
  }
  return n == 0 ? 0.0 : sum / static_cast<double>(n);
}

class StudioEditor : public StudioArchiveTest {
 protected:
  static const Json& at_line(const StudioRun& run, std::size_t line) {
    static const Json kMissing = Json::object();
    for (const Json& s : run.steps) {
      if (s.value("line", 0U) == line) return s;
    }
    return kMissing;
  }
};

TEST_F(StudioEditor, CutCaptionRedactionAnnotationsAndFaceDrawnOnThePreview) {
  add_user("edu", "educator");
  const std::string patient = add_patient();
  const std::string consent = add_consent(patient, kRecordAndTeaching);
  import(patient, consent, video("long", 10));
  const fs::path before_png = tmp_.path() / "before.png";
  const fs::path caption_png = tmp_.path() / "caption.png";
  const fs::path redacted_png = tmp_.path() / "redacted.png";
  const fs::path docs_png = screenshot_path("studio_editor_tools.png");
  const fs::path vtt = tmp_.path() / "captions.vtt";
  const std::string script =
      "sign_in\n"               // 1
      "view library\n"          // 2
      "search Dupuytren\n"      // 3
      "select 0\n"              // 4
      "add_to_timeline\n"       // 5
      "view editor\n"           // 6
      "click editor.clip.c2\n"  // 7
      "step 150\n"              // 8
      "click editor.cut\n"      // 9: two clips
      "key ctrl+z\n"            // 10: one again
      "key s\n"                 // 11: the key cuts too
      "key ctrl+z\n"            // 12
      "wait_preview\n"          // 13
      "frames 3\n"              // 14
      "screenshot " +
      before_png.string() + "\n" +  // 15
      "click editor.text\n"         // 16
      "type Consent obtained\n"     // 17
      "click editor.add_caption\n"  // 18
      "wait_preview\n"              // 19
      "frames 3\n"                  // 20
      "screenshot " +
      caption_png.string() + "\n" +    // 21
      "click editor.tool.redact\n"     // 22
      "drag editor.preview 200 120\n"  // 23
      "wait_preview\n"                 // 24
      "frames 3\n"                     // 25
      "screenshot " +
      redacted_png.string() + "\n" +     // 26
      "click editor.tool.arrow\n"        // 27
      "drag editor.preview -200 -100\n"  // 28
      "click editor.tool.angle\n"        // 29
      "editor_target 0.2 0.3\n"          // 30
      "click editor.target\n"            // 31
      "editor_target 0.3 0.6\n"          // 32
      "click editor.target\n"            // 33
      "editor_target 0.45 0.3\n"         // 34
      "click editor.target\n"            // 35
      "click editor.tool.face\n"         // 36
      "drag editor.preview -150 -120\n"  // 37
      "captions_export " +
      vtt.string() + "\n" +                       // 38
      "captions_import " + vtt.string() + "\n" +  // 39: the same cue again
      "click editor.text_delete.s4\n"             // 40: the typed one
      "wait_preview\n"                            // 41
      "frames 3\n"                                // 42
      "screenshot " +
      docs_png.string() + "\n" +    // 43
      "click editor.text\n"         // 44
      "type Knee review\n"          // 45
      "click editor.add_title\n"    // 46: a title card at the start
      "click editor.cover_faces\n"  // 47: a redaction following the face
      "quit\n";
  StudioInvocation how;
  how.env = "CLINVID_ARCHIVE_KDF=fast";
  how.screen = "1280x1024x24";
  how.timeout_s = 120;
  how.args = "--camera none --height 960";
  const StudioRun run = studio_as("edu", "edu-pass", script, how);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  ASSERT_EQ(at_line(run, 5)["clip"], "c2") << at_line(run, 5).dump();

  // Cut: the button and the key each make two clips; undo restores one.
  EXPECT_EQ(at_line(run, 7)["clips"], 1);
  EXPECT_EQ(at_line(run, 9)["clips"], 2) << at_line(run, 9).dump();
  const Json halves = at_line(run, 9)["clip_spans"];
  ASSERT_EQ(halves.size(), 2U);
  EXPECT_EQ(halves[0]["end_frame"], 150);
  EXPECT_EQ(halves[1]["start_frame"], 150);
  EXPECT_EQ(at_line(run, 10)["clips"], 1);
  EXPECT_EQ(at_line(run, 11)["clips"], 2);
  EXPECT_EQ(at_line(run, 12)["clips"], 1);

  // The caption typed into the field is in the model, at the playhead, on a caption track.
  const Json& texts = at_line(run, 18)["texts"];
  ASSERT_EQ(texts.size(), 1U) << at_line(run, 18).dump();
  EXPECT_EQ(texts[0]["text"], "Consent obtained");
  EXPECT_EQ(texts[0]["position"], "caption");
  EXPECT_NEAR(texts[0]["start_s"].get<double>(), 150.0 * 1001.0 / 30000.0, 1e-6);
  EXPECT_NEAR(texts[0]["duration_s"].get<double>(), 3.0, 1e-6);

  // The preview image's rectangle on screen; the canvas is the recording's 320×180.
  const Json image = at_line(run, 21)["preview_image"];
  ASSERT_EQ(image.size(), 4U);
  const double ix0 = image[0];
  const double iy0 = image[1];
  const double iw = image[2].get<double>() - ix0;
  const double ih = image[3].get<double>() - iy0;
  ASSERT_GT(iw, 320.0);
  ASSERT_GT(ih, 180.0);
  const int cx = static_cast<int>(ix0 + iw / 2);
  const int cy = static_cast<int>(iy0 + ih / 2);

  // The redaction lands on the clip under the drag, clip-normalised, keyframed at the
  // playhead's source time.
  const Json& redactions = at_line(run, 23)["redactions"];
  ASSERT_EQ(redactions.size(), 1U) << at_line(run, 23).dump();
  EXPECT_EQ(redactions[0]["clip"], "c2");
  EXPECT_EQ(redactions[0]["mode"], "blur");
  EXPECT_NEAR(redactions[0]["time_s"].get<double>(), 150.0 * 1001.0 / 30000.0, 1e-6);
  const Json rect = redactions[0]["rect"];
  EXPECT_NEAR(rect[0].get<double>(), 0.5, 0.01) << rect.dump();
  EXPECT_NEAR(rect[1].get<double>(), 0.5, 0.01) << rect.dump();
  EXPECT_NEAR(rect[2].get<double>(), 200.0 / iw, 0.01) << rect.dump();
  EXPECT_NEAR(rect[3].get<double>(), 120.0 / ih, 0.01) << rect.dump();

  // Pixels: the caption changed the bottom of the picture and nothing in the middle; the
  // redaction blurred its rectangle.
  const Rgba before = read_png(before_png);
  const Rgba captioned = read_png(caption_png);
  const Rgba redacted = read_png(redacted_png);
  ASSERT_FALSE(before.pixels.empty());
  ASSERT_FALSE(captioned.pixels.empty());
  ASSERT_FALSE(redacted.pixels.empty());
  const Box bottom{static_cast<int>(ix0 + iw * 0.2), static_cast<int>(iy0 + ih * 0.8),
                   static_cast<int>(ix0 + iw * 0.8), static_cast<int>(iy0 + ih * 0.98)};
  const Box inside{cx + 20, cy + 15, cx + 180, cy + 105};
  EXPECT_GT(mean_difference(before, captioned, bottom), 5.0) << "the caption is drawn";
  EXPECT_LT(mean_difference(before, captioned, inside), 1.0) << "the same frame otherwise";
  EXPECT_GT(mean_difference(captioned, redacted, inside), 3.0) << "the redaction changed it";
  EXPECT_LT(detail(redacted, inside), detail(captioned, inside) * 0.6) << "and blurred it";

  // The arrow, from the drag's start to its end, and the angle from three clicks.
  const Json& annotations = at_line(run, 35)["annotations"];
  ASSERT_EQ(annotations.size(), 2U) << at_line(run, 35).dump();
  EXPECT_EQ(annotations[0]["kind"], "arrow");
  EXPECT_NEAR(annotations[0]["points"][0][0].get<double>(), 0.5, 0.01);
  EXPECT_NEAR(annotations[0]["points"][1][0].get<double>(), 0.5 - 200.0 / iw, 0.01);
  EXPECT_NEAR(annotations[0]["points"][1][1].get<double>(), 0.5 - 100.0 / ih, 0.01);
  EXPECT_EQ(annotations[1]["kind"], "angle");
  const Json angle = annotations[1]["points"];
  ASSERT_EQ(angle.size(), 3U);
  EXPECT_NEAR(angle[1][0].get<double>(), 0.3, 0.01);
  EXPECT_NEAR(angle[1][1].get<double>(), 0.6, 0.01);
  EXPECT_EQ(at_line(run, 33)["annotations"].size(), 1U) << "two clicks are not an angle yet";

  const Json& faces = at_line(run, 37)["faces"];
  ASSERT_EQ(faces.size(), 1U) << at_line(run, 37).dump();
  EXPECT_NEAR(faces[0]["rect"][0].get<double>(), 0.5 - 150.0 / iw, 0.01);
  EXPECT_NEAR(faces[0]["rect"][3].get<double>(), 120.0 / ih, 0.01);

  // Captions out to WebVTT and back in; then one deleted with its button.
  EXPECT_NE(read_text(vtt).find("Consent obtained"), std::string::npos) << read_text(vtt);
  ASSERT_EQ(at_line(run, 39)["texts"].size(), 2U) << at_line(run, 39).dump();
  EXPECT_EQ(at_line(run, 39)["texts"][1]["text"], "Consent obtained");
  EXPECT_EQ(at_line(run, 40)["texts"].size(), 1U) << at_line(run, 40).dump();

  // The title card goes before everything, which moves later by its 3 s.
  const Json& titled = at_line(run, 46);
  ASSERT_EQ(titled["texts"].size(), 2U) << titled.dump();
  const Json& caption = titled["texts"][0];
  const Json& title = titled["texts"][1];  // on the overlay track, after the caption track
  EXPECT_EQ(title["text"], "Knee review");
  EXPECT_EQ(title["position"], "title");
  EXPECT_EQ(title["start_s"], 0.0);
  EXPECT_NEAR(caption["start_s"].get<double>(), 3.0 + 150.0 * 1001.0 / 30000.0, 1e-6);
  EXPECT_NEAR(titled["clip_spans"][0]["in_s"].get<double>(), 0.0, 1e-9);
  EXPECT_EQ(titled["clip_spans"][0]["start_frame"], 90) << titled.dump();

  // The face is uncovered until Cover faces adds a redaction that follows it.
  EXPECT_GT(at_line(run, 37)["uncovered_faces"].get<int>(), 0) << at_line(run, 37).dump();
  const Json& covered = at_line(run, 47);
  EXPECT_EQ(covered["uncovered_faces"], 0) << covered.dump();
  ASSERT_EQ(covered["redactions"].size(), 2U) << covered.dump();
  EXPECT_EQ(covered["redactions"][1]["rect"], covered["faces"][0]["rect"]);

  std::uint32_t width = 0;
  std::uint32_t height = 0;
  EXPECT_GT(distinct_colours(docs_png, width, height), 20U) << docs_png << " looks blank";
  EXPECT_EQ(width, 1280U);
}

TEST_F(StudioEditor, BadInputIsRefusedWithAClearError) {
  add_user("edu", "educator");
  const std::string patient = add_patient();
  const std::string consent = add_consent(patient, kRecordAndTeaching);
  import(patient, consent, video("short", 2));
  StudioInvocation how;
  how.env = "CLINVID_ARCHIVE_KDF=fast";
  how.screen = "1280x1024x24";
  how.timeout_s = 90;
  how.args = "--camera none --height 960";
  const std::string prefix =
      "sign_in\nview library\nsearch Dupuytren\nselect 0\nadd_to_timeline\nview editor\n";
  // A cut with the playhead on the clip's first frame is refused, the project unchanged.
  const StudioRun cut = studio_as("edu", "edu-pass", prefix + "select_clip c2\ncut\n", how);
  EXPECT_EQ(cut.exit_code, 1);
  EXPECT_NE(cut.err.find("cut: put the playhead inside the selected clip"), std::string::npos)
      << cut.err;
  // A caption file of the wrong kind is refused by name.
  const StudioRun file = studio_as("edu", "edu-pass", prefix + "captions_import notes.txt\n", how);
  EXPECT_EQ(file.exit_code, 1);
  EXPECT_NE(file.err.find("is not a .vtt or .srt file"), std::string::npos) << file.err;
}

}  // namespace
}  // namespace clinvid::test
