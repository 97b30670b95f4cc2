// The studio's UI-free parts: the signature pad's rasteriser and PNG (decoded back with libpng),
// the consent form model (form → ConsentRecord, problems → the field to fix), storing the
// signature encrypted in a real archive and reading it back, and the inactivity lock's clock.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <png.h>

#include "archive/archive.hpp"
#include "consent/signature.hpp"
#include "consent_form.hpp"
#include "exposure_aids.hpp"
#include "lock_screen.hpp"

namespace clinvid::studio {
namespace {

namespace fs = std::filesystem;

consent::SignatureStroke line(float x0, float y0, float x1, float y1, int points = 20) {
  consent::SignatureStroke stroke;
  for (int i = 0; i <= points; ++i) {
    const float t = static_cast<float>(i) / static_cast<float>(points);
    stroke.points.push_back({x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, 1.0F});
  }
  return stroke;
}

struct Grey {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint8_t> pixels;
};

Grey decode(const std::vector<std::uint8_t>& png) {
  Grey out;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_memory(&image, png.data(), png.size()) == 0) return out;
  image.format = PNG_FORMAT_GRAY;
  out.pixels.resize(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, out.pixels.data(), 0, nullptr) == 0) {
    png_image_free(&image);
    return {};
  }
  out.width = image.width;
  out.height = image.height;
  return out;
}

TEST(SignaturePad, StrokesBecomeInkInAPngThatDecodes) {
  const std::vector strokes = {line(40, 80, 440, 80), line(100, 30, 120, 140)};
  auto image = consent::rasterise_signature(strokes, 480, 160);
  ASSERT_TRUE(image) << image.error().message();
  // A 400-pixel line 3 pixels wide, plus a crossing stroke.
  EXPECT_GT(consent::ink_pixels(*image), 1000U);
  EXPECT_LT(consent::ink_pixels(*image), 3000U);
  const Grey decoded = decode(consent::encode_png(*image));
  ASSERT_EQ(decoded.width, 480U);
  ASSERT_EQ(decoded.height, 160U);
  EXPECT_EQ(decoded.pixels, image->grey);
  EXPECT_LT(decoded.pixels[80 * 480 + 240], 64) << "ink on the stroke";
  EXPECT_EQ(decoded.pixels[10 * 480 + 240], 255) << "paper away from it";
  // Bigger than one deflate stored block: the PNG still decodes (several blocks).
  auto large = consent::rasterise_signature(strokes, 1000, 400);
  ASSERT_TRUE(large);
  EXPECT_EQ(decode(consent::encode_png(*large)).pixels, large->grey);
}

TEST(SignaturePad, EmptyTapsAndBadInputAreRefusedWithTheReason) {
  const std::vector<consent::SignatureStroke> none;
  auto empty = consent::rasterise_signature(none, 480, 160);
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().detail.find("the signature is empty"), std::string::npos);
  consent::SignatureStroke tap;
  tap.points.push_back({10, 10, 1});
  EXPECT_FALSE(consent::rasterise_signature(std::vector{tap}, 480, 160));
  EXPECT_FALSE(consent::rasterise_signature(std::vector{line(0, 0, 100, 100)}, 0, 160));
  EXPECT_FALSE(consent::rasterise_signature(std::vector{line(0, 0, 100, 100)}, 480, 5000));
  consent::SignatureStroke bad = line(0, 0, 100, 100);
  bad.points[3].pressure = 2.0F;
  auto refused = consent::rasterise_signature(std::vector{bad}, 480, 160);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("stroke 0 point 3"), std::string::npos);
  // A pen leaving the pad is clipped, not refused.
  EXPECT_TRUE(consent::rasterise_signature(std::vector{line(-50, 80, 900, 80)}, 480, 160));
}

ConsentForm complete_form(const std::string& patient) {
  ConsentForm form;
  form.patient_id = patient;
  form.purposes[0].explained = true;  // clinical_record
  form.purposes[1].explained = true;  // teaching
  form.purposes[1].grant = consent::Grant::anonymised_only;
  form.body_sites = "hand, face hand";
  form.taken_by = {"Mary Taker", "Clinical photographer"};
  form.consented_on = "2025-06-01";
  form.strokes = {line(40, 80, 440, 80)};
  return form;
}

TEST(ConsentFormModel, BuildsTheRecordTheFormDescribes) {
  const ConsentForm form = complete_form("P-ABCDEFGHJKMN");
  auto record = to_record(form, consent::SignatureRef{"s", std::string(64, 'a')});
  ASSERT_TRUE(record) << record.error().message();
  ASSERT_EQ(record->purposes.size(), 2U);
  EXPECT_EQ(record->purposes[1].purpose, consent::Purpose::teaching);
  EXPECT_EQ(record->purposes[1].grant, consent::Grant::anonymised_only);
  EXPECT_EQ(record->body_sites, (std::vector<std::string>{"hand", "face"}));
  EXPECT_EQ(record->mode, consent::ConsentMode::written);
  EXPECT_EQ(record->consented_on.to_string(), "2025-06-01");
  EXPECT_FALSE(plain_words(consent::Purpose::publication).empty());
  for (consent::Purpose purpose : consent::all_purposes()) {
    EXPECT_FALSE(plain_words(purpose).empty()) << consent::to_string(purpose);
  }
}

TEST(ConsentFormModel, ProblemsNameTheFieldAndWhatToDoNext) {
  ConsentForm form = complete_form("");
  auto missing_patient = to_record(form, consent::SignatureRef{"s", std::string(64, 'a')});
  ASSERT_FALSE(missing_patient);
  FormProblem problem = explain_problem(missing_patient.error());
  EXPECT_EQ(problem.field, "consent.patient");
  EXPECT_FALSE(problem.next_step.empty());

  form = complete_form("P-ABCDEFGHJKMN");
  form.mode = consent::ConsentMode::verbal;
  auto no_witness = to_record(form, std::nullopt);
  ASSERT_FALSE(no_witness);
  EXPECT_EQ(explain_problem(no_witness.error()).field, "consent.witness_name");

  form = complete_form("P-ABCDEFGHJKMN");
  form.expires_on = "2025-02-30";
  auto bad_date = to_record(form, consent::SignatureRef{"s", std::string(64, 'a')});
  ASSERT_FALSE(bad_date);
  EXPECT_EQ(explain_problem(bad_date.error()).field, "consent.expires_on");

  form = complete_form("P-ABCDEFGHJKMN");
  form.body_sites = "hand elbowz";
  auto bad_site = to_record(form, consent::SignatureRef{"s", std::string(64, 'a')});
  ASSERT_FALSE(bad_site);
  EXPECT_EQ(explain_problem(bad_site.error()).field, "consent.body_sites");
  EXPECT_NE(bad_site.error().detail.find("elbowz"), std::string::npos);

  form.body_sites = "vulva";
  EXPECT_TRUE(names_intimate_site(form));
  form.body_sites = "hand";
  EXPECT_FALSE(names_intimate_site(form));
}

class ConsentArchive : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("clinvid-studio-logic-" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto made = archive::Archive::create(dir_, "ig", consent::Role::information_governance_officer,
                                         crypto::SecretBytes::copy_of(std::string_view("ig-pass")),
                                         archive::KdfStrength::fast);
    ASSERT_TRUE(made) << made.error().message();
    archive_.emplace(std::move(*made));
    auto patient = archive_->add_patient({"Ann Example", "", std::nullopt});
    ASSERT_TRUE(patient) << patient.error().message();
    patient_ = *patient;
  }
  void TearDown() override {
    archive_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  std::optional<archive::Archive> archive_;
  std::string patient_;
};

TEST_F(ConsentArchive, SavesTheSignatureEncryptedAndTheFormThenWithdraws) {
  auto saved = save_consent(*archive_, complete_form(patient_));
  ASSERT_TRUE(saved) << saved.error().message();
  ASSERT_TRUE(saved->signature);
  const fs::path file = archive_->signature_path(saved->signature->media_ref);
  ASSERT_TRUE(fs::exists(file));
  std::string bytes(static_cast<std::size_t>(fs::file_size(file)), '\0');
  std::ifstream(file, std::ios::binary)
      .read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EXPECT_TRUE(bytes.starts_with("age-encryption.org/v1\n")) << "an age v1 file";
  EXPECT_EQ(bytes.find("IHDR"), std::string::npos) << "no plaintext PNG on disk";

  auto record = archive_->get_consent(saved->consent_id);
  ASSERT_TRUE(record) << record.error().message();
  ASSERT_TRUE(record->signature);
  EXPECT_EQ(*record->signature, *saved->signature);
  auto png = archive_->load_signature(*record->signature);
  ASSERT_TRUE(png) << png.error().message();
  EXPECT_EQ(decode(*png).width, kSignaturePadWidthPx);

  // A form naming another image's hash: the swap is detected.
  consent::SignatureRef swapped = *record->signature;
  swapped.sha256_hex = std::string(64, '0');
  auto refused = archive_->load_signature(swapped);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::corrupt);

  WithdrawalForm withdrawal;
  withdrawal.consent_id = saved->consent_id;
  withdrawal.purposes = {consent::Purpose::teaching};
  withdrawal.recorded_by.role = "Clinician";
  auto flagged = withdraw(*archive_, withdrawal);
  ASSERT_TRUE(flagged) << flagged.error().message();
  auto after = archive_->get_consent(saved->consent_id);
  ASSERT_TRUE(after);
  EXPECT_EQ(consent::consent_state(*after, consent::Purpose::teaching, archive::today_utc()),
            consent::ConsentState::withdrawn);
  // Withdrawing a purpose that is not on the form names the problem.
  withdrawal.purposes = {consent::Purpose::publication};
  auto not_on_form = withdraw(*archive_, withdrawal);
  ASSERT_FALSE(not_on_form);
  EXPECT_NE(not_on_form.error().detail.find("not on the form"), std::string::npos);
}

TEST_F(ConsentArchive, NothingIsStoredForAFormThatWouldBeRefused) {
  ConsentForm form = complete_form(patient_);
  form.taken_by = {};
  auto refused = save_consent(*archive_, form);
  ASSERT_FALSE(refused);
  EXPECT_EQ(explain_problem(refused.error()).field, "consent.taken_by_name");
  EXPECT_FALSE(fs::exists(dir_ / "signatures")) << "no signature stored for a refused form";

  form = complete_form(patient_);
  form.strokes.clear();
  refused = save_consent(*archive_, form);
  ASSERT_FALSE(refused);
  EXPECT_EQ(explain_problem(refused.error()).field, "consent.signature_pad");

  form = complete_form("P-NOSUCHPATIENT");
  refused = save_consent(*archive_, form);
  ASSERT_FALSE(refused);
  EXPECT_EQ(explain_problem(refused.error()).field, "consent.patient");

  EXPECT_FALSE(archive_->store_signature(patient_, std::vector<std::uint8_t>{1, 2, 3}));
}

TEST(InactivityLock, LocksAfterTheTimeoutAndInputRestartsIt) {
  using namespace std::chrono_literals;
  const auto t0 = InactivityLock::Clock::time_point{} + 1000s;
  InactivityLock lock(60s, t0);
  EXPECT_FALSE(lock.tick(t0 + 59s));
  lock.note_input(t0 + 59s);
  EXPECT_FALSE(lock.tick(t0 + 118s));
  EXPECT_NEAR(lock.seconds_left(t0 + 118s), 1.0, 1e-9);
  EXPECT_TRUE(lock.tick(t0 + 119s));
  EXPECT_TRUE(lock.locked());
  EXPECT_FALSE(lock.tick(t0 + 200s)) << "locks once";
  lock.note_input(t0 + 300s);
  EXPECT_TRUE(lock.locked()) << "input does not unlock";
  lock.unlock(t0 + 400s);
  EXPECT_FALSE(lock.locked());
  EXPECT_FALSE(lock.tick(t0 + 459s));
  // Zero: never by itself, but Lock now still works.
  lock.set_timeout(0s, t0 + 500s);
  EXPECT_FALSE(lock.tick(t0 + 100000s));
  lock.lock();
  EXPECT_TRUE(lock.locked());
}

// A checkerboard of 8-texel squares, black and white, optionally box-blurred (radius texels).
std::vector<std::uint8_t> checkerboard(std::uint32_t size, int blur_radius) {
  std::vector<int> grey(std::size_t{size} * size);
  for (std::uint32_t y = 0; y < size; ++y) {
    for (std::uint32_t x = 0; x < size; ++x) grey[y * size + x] = ((x / 8 + y / 8) % 2) * 255;
  }
  std::vector<std::uint8_t> rgba(std::size_t{size} * size * 4, 255);
  const int n = static_cast<int>(size);
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      int sum = 0;
      int count = 0;
      for (int dy = -blur_radius; dy <= blur_radius; ++dy) {
        for (int dx = -blur_radius; dx <= blur_radius; ++dx) {
          const int sx = std::clamp(x + dx, 0, n - 1);
          const int sy = std::clamp(y + dy, 0, n - 1);
          sum += grey[static_cast<std::size_t>(sy * n + sx)];
          ++count;
        }
      }
      const auto value = static_cast<std::uint8_t>(sum / count);
      std::uint8_t* texel = rgba.data() + static_cast<std::size_t>(y * n + x) * 4;
      texel[0] = texel[1] = texel[2] = value;
    }
  }
  return rgba;
}

TEST(ExposureAids, FocusPeakingPaintsSharpEdgesAndRanksTheSharperPictureHigher) {
  std::vector<std::uint8_t> sharp = checkerboard(64, 0);
  std::vector<std::uint8_t> soft = checkerboard(64, 6);
  const std::vector<std::uint8_t> sharp_before = sharp;
  const FocusReading in_focus = mark_focus_peaks(sharp.data(), 64, 64);
  const FocusReading out_of_focus = mark_focus_peaks(soft.data(), 64, 64);
  EXPECT_GT(in_focus.peaks, 500U);
  EXPECT_EQ(out_of_focus.peaks, 0U);
  EXPECT_GT(in_focus.mean_gradient, out_of_focus.mean_gradient);
  // Painted texels are magenta; everything else is as it was.
  std::size_t magenta = 0;
  for (std::size_t i = 0; i < sharp.size(); i += 4) {
    if (sharp[i] == 255 && sharp[i + 1] == 0 && sharp[i + 2] == 255) {
      ++magenta;
    } else {
      EXPECT_EQ(sharp[i + 1], sharp_before[i + 1]) << "texel " << i / 4;
    }
  }
  EXPECT_EQ(magenta, in_focus.peaks);
  // Too small to have an edge: left alone.
  std::vector<std::uint8_t> tiny(2 * 2 * 4, 0);
  EXPECT_EQ(mark_focus_peaks(tiny.data(), 2, 2).peaks, 0U);
}

TEST(ExposureAids, ZebraStripesExactlyTheClippedTexelsAndLumaIsMeasured) {
  std::vector<std::uint8_t> grey(32 * 16 * 4, 128);
  EXPECT_DOUBLE_EQ(mean_luma(grey.data(), 32, 16), 128.0);
  for (std::size_t i = 0; i < 10; ++i) grey[i * 4 + 1] = kClippedLevel;  // one channel clips
  EXPECT_EQ(stripe_clipped(grey.data(), 32, 16), 10U);
  EXPECT_EQ(stripe_clipped(grey.data(), 32, 16), 0U) << "the stripes themselves are not clipped";
}

}  // namespace
}  // namespace clinvid::studio
