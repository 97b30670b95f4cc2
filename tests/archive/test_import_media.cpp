// engine/archive import: real files made at test time (ffmpeg CLI, OpenCV, hand-written EXIF
// and PNG chunks), imported, then decrypted with the Debian `age` CLI or the engine and
// inspected with ffprobe, OpenCV and byte scans.
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "archive/import_av.hpp"  // kRemuxHeadBytes: the tests make outputs larger
#include "archive/import_exif.hpp"
#include "archive/import_image.hpp"
#include "archive/import_media.hpp"
#include "archive/quality.hpp"
#include "import_fixtures/import_fixtures.hpp"

namespace clinvid::archive {
namespace {

using namespace test;
using namespace std::string_view_literals;  // "…\0…"sv keeps embedded NULs

// ---- tests ------------------------------------------------------------------------------------

TEST(ImportVideo, PhoneMp4LosesEveryTagButKeepsStreamsAndDuration) {
  TempDir dir;
  Keys keys;
  const auto source = dir / "IMG_0001.MP4";
  make_phone_mp4(dir, source);
  const std::string before = ffprobe(source);
  ASSERT_TRUE(contains(before, "iPhone 13")) << before;  // the fixture carries what we strip
  ASSERT_TRUE(contains(before, "+51.5074"));
  ASSERT_TRUE(contains(before, "codec_type=subtitle"));
  ASSERT_EQ(values_of(before, "rotation"), std::vector<std::string>{"-90"});

  fs::create_directory(dir / "archive");
  const auto out = dir / "archive" / "clip.age";
  auto media = import_media(source, keys.recipients, out);
  ASSERT_TRUE(media.has_value()) << media.error().message();
  EXPECT_EQ(media->kind, MediaKind::video);
  EXPECT_EQ(media->container, "mp4");
  EXPECT_EQ(media->codec, "h264");
  EXPECT_EQ(media->width, 192);
  EXPECT_EQ(media->height, 108);
  ASSERT_TRUE(media->duration_s.has_value());
  EXPECT_NEAR(media->duration_s->to_double(), 1.2, 0.1);
  EXPECT_TRUE(mentions(*media, "creation_time")) << removed_list(*media);
  EXPECT_TRUE(mentions(*media, "location")) << removed_list(*media);
  EXPECT_TRUE(mentions(*media, "subtitle stream")) << removed_list(*media);
  EXPECT_TRUE(mentions(*media, "chapters")) << removed_list(*media);
  EXPECT_TRUE(fs::exists(source));  // never modified or removed by the import

  // Only the age file in the archive directory, and no plaintext in it.
  ASSERT_EQ(files_in(dir / "archive"), std::vector<fs::path>{out});
  const Bytes encrypted = read_file(out);
  EXPECT_TRUE(contains(encrypted, "age-encryption.org/v1"));
  for (const char* marker : {"ftyp", "mdat", "x264", "Lavf", "iPhone"}) {
    EXPECT_FALSE(contains(encrypted, marker)) << marker;
  }

  // The standard age CLI decrypts it; ffprobe finds none of the tags and the same streams.
  const auto key_file = dir / "key.txt";
  keys.write_identity_file(key_file);
  const auto plain = dir / "plain.mp4";
  std::string age_output;
  ASSERT_EQ(
      run({"age", "-d", "-i", key_file.string(), "-o", plain.string(), out.string()}, &age_output),
      0)
      << age_output;
  const Bytes plaintext = read_file(plain);
  EXPECT_TRUE(contains(plaintext, "ftyp"));  // the marker scan above could have failed
  EXPECT_TRUE(contains(plaintext, "x264"));
  EXPECT_EQ(plaintext.size(), media->plaintext_bytes);
  EXPECT_EQ(sha256(plaintext), media->sha256);

  const std::string after = ffprobe(plain);
  for (const char* gone : {"creation_time", "TAG:location", "make", "model", "iPhone", "Apple",
                           "+51.5074", "Core Media", "encoder", "Clinic visit", "Wound",
                           "[CHAPTER]", "codec_type=subtitle", "Jane"}) {
    EXPECT_FALSE(contains(after, gone)) << gone << " survived:\n" << after;
  }
  EXPECT_EQ(values_of(after, "codec_name"), (std::vector<std::string>{"h264", "aac"})) << after;
  EXPECT_EQ(values_of(before, "width").front(), values_of(after, "width").front());
  // The display matrix says how to show the picture, not who or where: it must survive.
  EXPECT_EQ(values_of(after, "rotation"), std::vector<std::string>{"-90"}) << after;
  EXPECT_NEAR(format_duration(after), format_duration(before), 0.03) << before << after;
  const auto frames_before = values_of(before, "nb_frames");
  const auto frames_after = values_of(after, "nb_frames");
  ASSERT_GE(frames_after.size(), 2u);
  EXPECT_EQ(frames_after[0], frames_before[0]);  // every video frame copied
  EXPECT_EQ(frames_after[1], frames_before[1]);  // and every audio frame

  // The decoded pictures are bit-identical: a remux, not a re-encode.
  std::string md5_before;
  std::string md5_after;
  ASSERT_EQ(run({"ffmpeg", "-v", "error", "-i", source.string(), "-map", "0:v", "-f", "md5", "-"},
                &md5_before),
            0);
  ASSERT_EQ(run({"ffmpeg", "-v", "error", "-i", plain.string(), "-map", "0:v", "-f", "md5", "-"},
                &md5_after),
            0);
  EXPECT_EQ(md5_before, md5_after);

  EXPECT_TRUE(verify_import(out, keys.identities, *media).has_value());
}

TEST(ImportVideo, MatroskaAndWebmStayInTheirFamilyWithoutTagsOrAttachments) {
  TempDir dir;
  Keys keys;
  {
    std::ofstream note(dir / "notes.txt");
    note << "patient: Jane Roe, NHS 943 476 5919\n";
  }
  const auto mkv = dir / "take.mkv";
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=128x96:rate=15:duration=1", "-c:v", "libx264",
          "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-metadata", "title=Jane Roe theatre 3",
          "-metadata:s:v", "title=Camera serial 12345", "-attach", (dir / "notes.txt").string(),
          "-metadata:s:t", "mimetype=text/plain", mkv.string()});
  const auto webm = dir / "take.webm";
  ffmpeg({"-f",         "lavfi",      "-i",        "testsrc2=size=128x96:rate=15:duration=1",
          "-f",         "lavfi",      "-i",        "sine=duration=1",
          "-c:v",       "libvpx-vp9", "-deadline", "realtime",
          "-cpu-used",  "8",          "-b:v",      "200k",
          "-c:a",       "libopus",    "-metadata", "title=Jane Roe",
          webm.string()});

  for (const auto& [source, container, codec] :
       {std::tuple{mkv, "matroska", "h264"}, std::tuple{webm, "webm", "vp9"}}) {
    SCOPED_TRACE(source.string());
    const auto out = dir / (source.filename().string() + ".age");
    auto media = import_media(source, keys.recipients, out);
    ASSERT_TRUE(media.has_value()) << media.error().message();
    EXPECT_EQ(media->container, container);
    EXPECT_EQ(media->codec, codec);
    EXPECT_TRUE(mentions(*media, "title")) << removed_list(*media);
    const auto plain = dir / (source.filename().string() + ".plain");
    write_file(plain, decrypt(out, keys));
    const std::string before = ffprobe(source);
    const std::string after = ffprobe(plain);
    EXPECT_FALSE(contains(after, "Jane")) << after;
    EXPECT_FALSE(contains(after, "serial")) << after;
    EXPECT_FALSE(contains(after, "attachment")) << after;
    EXPECT_FALSE(contains(read_file(plain), "NHS 943")) << "the attachment's bytes survived";
    EXPECT_NEAR(format_duration(after), format_duration(before), 0.03) << before << after;
    EXPECT_TRUE(contains(values_of(after, "format_name").front(), "matroska"));
  }
}

// Outputs larger than the head the first pass keeps (4 MiB): the muxers' final patches must
// land in the head and the body must stream through unchanged, for MP4 and Matroska alike.
TEST(ImportVideo, OutputsPastTheHeadStreamThroughBothPasses) {
  TempDir dir;
  Keys keys;
  const auto mp4 = dir / "big.mp4";  // noisy MJPEG at top quality: ~200 KB a frame, fast
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=640x480:rate=25:duration=1.2", "-f", "lavfi", "-i",
          "sine=duration=1.2", "-vf", "noise=alls=30:allf=t", "-c:v", "mjpeg", "-q:v", "1", "-c:a",
          "aac", "-metadata", "location=+51.5074-000.1278/", mp4.string()});
  const auto mkv = dir / "big.mkv";  // raw 4:2:0 frames, 115 KB each
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=1.5", "-f", "lavfi", "-i",
          "sine=duration=1.5", "-c:v", "rawvideo", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le",
          "-metadata", "title=Jane Roe", mkv.string()});
  const auto key_file = dir / "key.txt";
  keys.write_identity_file(key_file);
  for (const auto& source : {mp4, mkv}) {
    SCOPED_TRACE(source.string());
    const auto out = dir / (source.filename().string() + ".age");
    auto media = import_media(source, keys.recipients, out);
    ASSERT_TRUE(media.has_value()) << media.error().message();
    EXPECT_GT(media->plaintext_bytes, detail::kRemuxHeadBytes + 512 * 1024);
    const auto plain = dir / (source.filename().string() + ".plain");
    std::string age_output;
    ASSERT_EQ(run({"age", "-d", "-i", key_file.string(), "-o", plain.string(), out.string()},
                  &age_output),
              0)
        << age_output;
    EXPECT_EQ(sha256(read_file(plain)), media->sha256);
    const std::string before = ffprobe(source);
    const std::string after = ffprobe(plain);
    EXPECT_FALSE(contains(after, "+51.5074"));
    EXPECT_FALSE(contains(after, "Jane"));
    EXPECT_EQ(values_of(after, "nb_frames"), values_of(before, "nb_frames"));
    EXPECT_NEAR(format_duration(after), format_duration(before), 0.03) << before << after;
    std::string md5_before;
    std::string md5_after;
    ASSERT_EQ(run({"ffmpeg", "-v", "error", "-i", source.string(), "-f", "md5", "-"}, &md5_before),
              0);
    ASSERT_EQ(run({"ffmpeg", "-v", "error", "-i", plain.string(), "-f", "md5", "-"}, &md5_after),
              0);
    EXPECT_EQ(md5_before, md5_after);  // every decoded video frame, bit for bit
    std::string errors;
    EXPECT_EQ(run({"ffmpeg", "-v", "error", "-i", plain.string(), "-f", "null", "-"}, &errors), 0);
    EXPECT_TRUE(errors.empty()) << errors;
  }
}

TEST(ImportVideo, AudioOnlyRecordingIsAudio) {
  TempDir dir;
  Keys keys;
  const auto m4a = dir / "dictation.m4a";
  ffmpeg({"-f", "lavfi", "-i", "sine=duration=0.6", "-c:a", "aac", "-metadata",
          "artist=Dr Jane Roe", "-metadata", "creation_time=2024-05-01T10:00:00Z", m4a.string()});
  auto media = import_media(m4a, keys.recipients, dir / "dictation.age");
  ASSERT_TRUE(media.has_value()) << media.error().message();
  EXPECT_EQ(media->kind, MediaKind::audio);
  EXPECT_EQ(media->container, "mp4");
  EXPECT_EQ(media->codec, "aac");
  EXPECT_EQ(media->width, 0);
  EXPECT_TRUE(media->quality.empty());
  ASSERT_TRUE(media->duration_s.has_value());
  EXPECT_NEAR(media->duration_s->to_double(), 0.6, 0.05);
  EXPECT_TRUE(mentions(*media, "artist")) << removed_list(*media);
  const auto plain = dir / "dictation.plain";
  write_file(plain, decrypt(dir / "dictation.age", keys));
  const std::string after = ffprobe(plain);
  EXPECT_FALSE(contains(after, "Jane")) << after;
  EXPECT_FALSE(contains(after, "creation_time")) << after;
  EXPECT_EQ(values_of(after, "codec_name"), std::vector<std::string>{"aac"});
}

TEST(ImportImage, JpegLosesExifGpsXmpIptcAndCommentAndOrientationIsBaked) {
  TempDir dir;
  Keys keys;
  const cv::Mat picture = sharp_picture(96, 64);
  const Bytes jpeg = phone_jpeg(picture, 6);
  const auto source = dir / "IMG_0002.JPG";
  write_file(source, jpeg);
  // What a viewer shows for the original: OpenCV's loader applies the EXIF orientation.
  const cv::Mat shown = cv::imdecode(jpeg, cv::IMREAD_COLOR);
  ASSERT_EQ(shown.cols, 64);  // rotated by 90°
  ASSERT_EQ(shown.rows, 96);

  const auto out = dir / "photo.age";
  auto media = import_media(source, keys.recipients, out);
  ASSERT_TRUE(media.has_value()) << media.error().message();
  EXPECT_EQ(media->kind, MediaKind::image);
  EXPECT_EQ(media->container, "jpeg");
  EXPECT_EQ(media->codec, "mjpeg");
  EXPECT_EQ(media->width, 64);
  EXPECT_EQ(media->height, 96);
  EXPECT_FALSE(media->duration_s.has_value());
  EXPECT_TRUE(mentions(*media, "GPS location")) << removed_list(*media);
  EXPECT_TRUE(mentions(*media, "camera make/model")) << removed_list(*media);
  EXPECT_TRUE(mentions(*media, "XMP")) << removed_list(*media);
  EXPECT_TRUE(mentions(*media, "IPTC")) << removed_list(*media);
  EXPECT_TRUE(mentions(*media, "comment")) << removed_list(*media);
  EXPECT_TRUE(mentions(*media, "after the end of the image")) << removed_list(*media);
  EXPECT_TRUE(mentions(*media, "orientation 6 baked")) << removed_list(*media);

  const Bytes encrypted = read_file(out);
  EXPECT_FALSE(contains(encrypted, "Exif")) << "plaintext in the archive";
  EXPECT_FALSE(contains(encrypted, "JFIF"));
  const Bytes plain = decrypt(out, keys);
  EXPECT_EQ(plain.size(), media->plaintext_bytes);
  EXPECT_EQ(sha256(plain), media->sha256);
  ASSERT_TRUE(contains(plain, "JFIF"));
  EXPECT_FALSE(contains(plain, "Exif\0\0"sv));
  for (const char* gone : {"iPhone", "Apple", "xmpmeta", "ns.adobe.com", "Photoshop", "Jane Roe",
                           "MotionPhoto", "ftypmp42"}) {
    EXPECT_FALSE(contains(plain, gone)) << gone;
  }
  EXPECT_TRUE(contains(plain, "ICC_PROFILE"));  // the colour profile is kept

  // Upright without any orientation tag: the same picture a viewer showed for the original.
  const cv::Mat decoded = cv::imdecode(plain, cv::IMREAD_COLOR);
  ASSERT_EQ(decoded.size(), shown.size());
  cv::Mat difference;
  cv::absdiff(decoded, shown, difference);
  EXPECT_LT(cv::mean(difference)[0], 4.0);  // one more JPEG generation, nothing else

  if (have_program("exiftool")) {
    const auto plain_path = dir / "plain.jpg";
    write_file(plain_path, plain);
    std::string report;
    run({"exiftool", "-a", "-G1", plain_path.string()}, &report);
    EXPECT_FALSE(contains(report, "GPS")) << report;
    EXPECT_FALSE(contains(report, "Orientation")) << report;
  }
}

TEST(ImportImage, JpegWithoutOrientationIsNotReencoded) {
  TempDir dir;
  Keys keys;
  const cv::Mat picture = sharp_picture(80, 48);
  const Bytes clean = encode(picture, ".jpg");
  const auto source = dir / "upright.jpg";
  write_file(source, phone_jpeg(picture, 1));
  auto media = import_media(source, keys.recipients, dir / "upright.age");
  ASSERT_TRUE(media.has_value()) << media.error().message();
  EXPECT_FALSE(mentions(*media, "baked")) << removed_list(*media);
  EXPECT_EQ(media->width, 80);
  const Bytes plain = decrypt(dir / "upright.age", keys);
  // Exactly OpenCV's file plus the kept ICC segment: the entropy-coded data is untouched.
  EXPECT_EQ(plain.size(), clean.size() + 4 + 14 + 128);
  EXPECT_TRUE(std::equal(clean.end() - 1000, clean.end(), plain.end() - 1000));
}

// Progressive scans (several SOS with tables between) and restart markers inside the
// entropy-coded data must pass through the segment walker intact.
TEST(ImportImage, ProgressiveJpegWithRestartMarkersAndOrientation3) {
  TempDir dir;
  Keys keys;
  const cv::Mat picture = sharp_picture(120, 72);
  Bytes jpeg;
  ASSERT_TRUE(cv::imencode(".jpg", picture, jpeg,
                           {cv::IMWRITE_JPEG_PROGRESSIVE, 1, cv::IMWRITE_JPEG_RST_INTERVAL, 2}));
  Bytes exif = text_bytes("Exif\0\0"sv);
  const Bytes tiff = exif_tiff(3);
  exif.insert(exif.end(), tiff.begin(), tiff.end());
  const Bytes app1 = jpeg_segment(0xE1, exif);
  jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());  // before the JFIF APP0, as cameras do
  const auto source = dir / "progressive.jpg";
  write_file(source, jpeg);
  auto media = import_media(source, keys.recipients, dir / "progressive.age");
  ASSERT_TRUE(media.has_value()) << media.error().message();
  EXPECT_EQ(media->width, 120);
  EXPECT_EQ(media->height, 72);
  EXPECT_TRUE(mentions(*media, "orientation 3 baked")) << removed_list(*media);
  const Bytes plain = decrypt(dir / "progressive.age", keys);
  EXPECT_FALSE(contains(plain, "iPhone"));
  // The original's pixels turned by 180°, against one more JPEG generation of them.
  const cv::Mat stored = cv::imdecode(jpeg, cv::IMREAD_UNCHANGED);
  cv::Mat expected;
  cv::rotate(stored, expected, cv::ROTATE_180);
  const cv::Mat decoded = cv::imdecode(plain, cv::IMREAD_COLOR);
  ASSERT_EQ(decoded.size(), expected.size());
  cv::Mat difference;
  cv::absdiff(decoded, expected, difference);
  EXPECT_LT(cv::mean(difference)[0], 4.0);
  cv::absdiff(decoded, stored, difference);
  EXPECT_GT(cv::mean(difference)[0], 20.0);  // not upright: the turn is visible
}

TEST(ImportImage, PngLosesTextTimeAndPrivateChunksKeepsGammaAndPixels) {
  TempDir dir;
  Keys keys;
  const cv::Mat picture = sharp_picture(70, 50);
  const auto source = dir / "scan.png";
  write_file(source, tagged_png(picture, std::nullopt));
  auto media = import_media(source, keys.recipients, dir / "scan.age");
  ASSERT_TRUE(media.has_value()) << media.error().message();
  EXPECT_EQ(media->container, "png");
  EXPECT_EQ(media->codec, "png");
  EXPECT_EQ(media->width, 70);
  EXPECT_EQ(media->height, 50);
  EXPECT_TRUE(mentions(*media, "tEXt 'Author'")) << removed_list(*media);
  EXPECT_TRUE(mentions(*media, "iTXt 'GPS'")) << removed_list(*media);
  EXPECT_TRUE(mentions(*media, "tIME")) << removed_list(*media);
  EXPECT_TRUE(mentions(*media, "prVt")) << removed_list(*media);

  const Bytes plain = decrypt(dir / "scan.age", keys);
  const auto types = png_chunk_types(plain);
  for (const char* gone : {"tEXt", "zTXt", "iTXt", "tIME", "prVt", "eXIf"}) {
    EXPECT_EQ(std::count(types.begin(), types.end(), gone), 0) << gone;
  }
  EXPECT_EQ(std::count(types.begin(), types.end(), "gAMA"), 1);
  EXPECT_FALSE(contains(plain, "Jane Roe"));
  const cv::Mat decoded = cv::imdecode(plain, cv::IMREAD_UNCHANGED);
  ASSERT_EQ(decoded.size(), picture.size());
  EXPECT_EQ(cv::norm(decoded, picture, cv::NORM_INF), 0.0);  // lossless: not one value changed
}

TEST(ImportImage, PngExifOrientationIsBakedLosslessly) {
  TempDir dir;
  Keys keys;
  const cv::Mat picture = sharp_picture(70, 50);
  const auto source = dir / "rotated.png";
  write_file(source, tagged_png(picture, 8));
  auto media = import_media(source, keys.recipients, dir / "rotated.age");
  ASSERT_TRUE(media.has_value()) << media.error().message();
  EXPECT_EQ(media->width, 50);
  EXPECT_EQ(media->height, 70);
  EXPECT_TRUE(mentions(*media, "GPS location")) << removed_list(*media);
  const Bytes plain = decrypt(dir / "rotated.age", keys);
  cv::Mat expected;
  cv::rotate(picture, expected, cv::ROTATE_90_COUNTERCLOCKWISE);  // EXIF 8: 90° anticlockwise
  const cv::Mat decoded = cv::imdecode(plain, cv::IMREAD_UNCHANGED);
  ASSERT_EQ(decoded.size(), expected.size());
  EXPECT_EQ(cv::norm(decoded, expected, cv::NORM_INF), 0.0);
  EXPECT_EQ(png_chunk_types(plain)[1], "gAMA");  // colour chunks re-inserted after IHDR
}

// ---- quality ----------------------------------------------------------------------------------

class ImportQuality : public ::testing::Test {
 protected:
  ImportedMedia import_picture(const cv::Mat& picture, const std::string& name) {
    const auto source = dir_ / (name + ".png");
    write_file(source, encode(picture, ".png"));
    auto media = import_media(source, keys_.recipients, dir_ / (name + ".age"));
    EXPECT_TRUE(media.has_value()) << media.error().message();
    return media ? *media : ImportedMedia{};
  }
  TempDir dir_;
  Keys keys_;
  cv::Mat sharp_ = sharp_picture(640, 480);
};

TEST_F(ImportQuality, SharpWellExposedPictureHasNoFindings) {
  const auto media = import_picture(sharp_, "sharp");
  EXPECT_TRUE(media.quality.empty()) << media.quality.front().check;
}

TEST_F(ImportQuality, BlurredPictureIsFlaggedWithRetakeAdvice) {
  cv::Mat blurred;
  cv::GaussianBlur(sharp_, blurred, cv::Size(0, 0), 6.0);
  const auto media = import_picture(blurred, "blurred");
  ASSERT_EQ(media.quality.size(), 1u);
  const auto& finding = media.quality.front();
  EXPECT_EQ(finding.check, "blur");
  EXPECT_LT(finding.value, finding.threshold);
  EXPECT_EQ(finding.threshold, kBlurLaplacianVarianceMin);
  EXPECT_TRUE(contains(finding.advice, "retake")) << finding.advice;
}

TEST_F(ImportQuality, DarkPictureIsFlagged) {
  cv::Mat dark;
  sharp_.convertTo(dark, -1, 0.2, 0.0);
  const auto media = import_picture(dark, "dark");
  ASSERT_TRUE(has_finding(media, "dark"));
  EXPECT_FALSE(has_finding(media, "overexposed"));
  for (const auto& finding : media.quality) {
    if (finding.check == "dark") {
      EXPECT_LT(finding.value, kDarkMeanLumaMax);
      EXPECT_TRUE(contains(finding.advice, "retake")) << finding.advice;
    }
  }
}

TEST_F(ImportQuality, OverexposedPictureIsFlagged) {
  cv::Mat bright;
  sharp_.convertTo(bright, -1, 1.0, 120.0);  // most of it clips at 255
  const auto media = import_picture(bright, "bright");
  ASSERT_TRUE(has_finding(media, "overexposed"));
  EXPECT_FALSE(has_finding(media, "dark"));
  for (const auto& finding : media.quality) {
    if (finding.check == "overexposed") {
      EXPECT_GT(finding.value, kOverexposedClippedShareMax);
    }
  }
}

TEST_F(ImportQuality, ChecksCanBeTurnedOff) {
  cv::Mat blurred;
  cv::GaussianBlur(sharp_, blurred, cv::Size(0, 0), 6.0);
  const auto source = dir_ / "off.png";
  write_file(source, encode(blurred, ".png"));
  ImportOptions options;
  options.quality_checks = false;
  auto media = import_media(source, keys_.recipients, dir_ / "off.age", options);
  ASSERT_TRUE(media.has_value()) << media.error().message();
  EXPECT_TRUE(media->quality.empty());
}

TEST_F(ImportQuality, VideoFramesAreSampled) {
  const auto sharp = dir_ / "sharp.mkv";
  const auto dark = dir_ / "dark.mkv";
  const auto blurred = dir_ / "blurred.mkv";
  const std::vector<std::string> source = {"-f", "lavfi", "-i",
                                           "testsrc2=size=320x240:rate=10:duration=1"};
  const std::vector<std::string> encoder = {"-c:v", "libx264", "-preset",  "ultrafast",
                                            "-qp",  "10",      "-pix_fmt", "yuv420p"};
  auto make = [&](const fs::path& out, const std::string& filter) {
    std::vector<std::string> args = source;
    if (!filter.empty()) args.insert(args.end(), {"-vf", filter});
    args.insert(args.end(), encoder.begin(), encoder.end());
    args.push_back(out.string());
    ffmpeg(args);
  };
  make(sharp, "");
  make(dark, "eq=brightness=-0.45");
  make(blurred, "gblur=sigma=8");
  auto imported = [&](const fs::path& path) {
    auto media = import_media(path, keys_.recipients, path.string() + ".age");
    EXPECT_TRUE(media.has_value()) << media.error().message();
    return media ? *media : ImportedMedia{};
  };
  const auto sharp_media = imported(sharp);
  EXPECT_TRUE(sharp_media.quality.empty()) << sharp_media.quality.front().check;
  const auto dark_media = imported(dark);
  EXPECT_TRUE(has_finding(dark_media, "dark"));
  const auto blurred_media = imported(blurred);
  ASSERT_TRUE(has_finding(blurred_media, "blur"));
  EXPECT_TRUE(contains(blurred_media.quality.front().advice, "video is blurred"));
}

TEST(ImportQualityMeasures, ThresholdsSeparateTheCases) {
  const cv::Mat sharp = sharp_picture(300, 200);
  cv::Mat grey;
  cv::cvtColor(sharp, grey, cv::COLOR_BGR2GRAY);
  auto measures =
      measure_quality({grey.data, grey.cols, grey.rows, static_cast<std::ptrdiff_t>(grey.step)});
  ASSERT_TRUE(measures.has_value());
  EXPECT_GT(measures->laplacian_variance, kBlurLaplacianVarianceMin * 10);
  EXPECT_GT(measures->mean_luma, kDarkMeanLumaMax);
  EXPECT_LT(measures->clipped_share, kOverexposedClippedShareMax);
  EXPECT_TRUE(quality_findings(*measures, QualitySubject::image).empty());
  EXPECT_FALSE(measure_quality({nullptr, 0, 0, 0}).has_value());
  const std::vector<QualityMeasures> samples = {{1, 10, 0}, {500, 100, 0.5}, {300, 90, 0.2}};
  const auto median = median_measures(samples);
  EXPECT_EQ(median.laplacian_variance, 300);
  EXPECT_EQ(median.mean_luma, 90);
  EXPECT_EQ(median.clipped_share, 0.2);
}

// ---- failures ---------------------------------------------------------------------------------

class ImportFailure : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directory(dir_ / "out"); }
  // Imports `source` expecting `code`; nothing may be left in the output directory.
  void expect_refused(const fs::path& source, Errc code, std::string_view words) {
    SCOPED_TRACE(source.filename().string());
    const auto out = dir_ / "out" / "refused.age";
    auto media = import_media(source, keys_.recipients, out);
    ASSERT_FALSE(media.has_value());
    EXPECT_EQ(media.error().code, code) << media.error().message();
    EXPECT_TRUE(contains(media.error().message(), words)) << media.error().message();
    EXPECT_TRUE(files_in(dir_ / "out").empty())
        << "left behind: " << files_in(dir_ / "out").front();
  }
  fs::path write(const std::string& name, std::span<const std::uint8_t> bytes) {
    const auto path = dir_ / name;
    write_file(path, bytes);
    return path;
  }
  TempDir dir_;
  Keys keys_;
};

TEST_F(ImportFailure, EmptyMissingDirectoryAndFifo) {
  expect_refused(write("empty.jpg", Bytes{}), Errc::corrupt, "is empty");
  expect_refused(dir_ / "missing.mp4", Errc::not_found, "missing.mp4");
  fs::create_directory(dir_ / "folder.mp4");
  expect_refused(dir_ / "folder.mp4", Errc::invalid_argument, "not a regular file");
  const auto fifo = dir_ / "fifo.mp4";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_refused(fifo, Errc::invalid_argument, "not a regular file");  // and does not hang
}

TEST_F(ImportFailure, TruncatedAndCorruptImages) {
  const Bytes jpeg = phone_jpeg(sharp_picture(64, 64), 1);
  expect_refused(write("cut.jpg", std::span(jpeg).first(jpeg.size() / 2)), Errc::corrupt,
                 "truncated");
  Bytes no_marker = jpeg;
  no_marker[2] = 0x00;  // the first segment's marker
  expect_refused(write("damaged.jpg", no_marker), Errc::corrupt, "damaged");

  const Bytes png = tagged_png(sharp_picture(64, 64), std::nullopt);
  expect_refused(write("cut.png", std::span(png).first(png.size() - 20)), Errc::corrupt,
                 "truncated");
  Bytes flipped = png;
  flipped[png.size() - 30] ^= 0x40;  // inside the IDAT data: its CRC no longer matches
  expect_refused(write("flipped.png", flipped), Errc::corrupt, "CRC");
}

// A header claiming a huge picture is refused before anything is decoded.
TEST_F(ImportFailure, PicturesPastThePixelLimit) {
  Bytes jpeg = encode(sharp_picture(16, 16), ".jpg");
  for (std::size_t i = 2; i + 9 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {  // SOF0: length, precision, height, width
      jpeg[i + 5] = 0x4E;                          // 20000 = 0x4E20
      jpeg[i + 6] = 0x20;
      jpeg[i + 7] = 0x4E;
      jpeg[i + 8] = 0x20;
      break;
    }
  }
  expect_refused(write("huge.jpg", jpeg), Errc::out_of_range, "MP import limit");

  Bytes png(8);
  const Bytes signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::copy(signature.begin(), signature.end(), png.begin());
  Bytes ihdr;
  put32(ihdr, 30000);
  put32(ihdr, 30000);
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});
  const Bytes chunk = png_chunk("IHDR", ihdr);
  png.insert(png.end(), chunk.begin(), chunk.end());
  const Bytes end = png_chunk("IEND", Bytes{});
  png.insert(png.end(), end.begin(), end.end());
  expect_refused(write("huge.png", png), Errc::out_of_range, "MP import limit");
}

TEST_F(ImportFailure, TruncatedAndCorruptVideo) {
  const auto mp4 = dir_ / "whole.mp4";
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=1", "-c:v", "libx264",
          "-preset", "ultrafast", mp4.string()});
  const Bytes whole = read_file(mp4);
  // The index (moov) is at the end: without it nothing can be demuxed.
  expect_refused(write("cut.mp4", std::span(whole).first(whole.size() * 2 / 3)), Errc::corrupt,
                 "damaged or truncated");
  // With the index first (as phones and "faststart" write it), a cut copy still demuxes; the
  // samples the index lists but the file lacks give it away.
  const auto faststart = dir_ / "faststart.mp4";
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=1", "-c:v", "libx264",
          "-preset", "ultrafast", "-movflags", "+faststart", faststart.string()});
  const Bytes front_index = read_file(faststart);
  expect_refused(
      write("cut_faststart.mp4", std::span(front_index).first(front_index.size() * 3 / 4)),
      Errc::corrupt, "truncated");
  // Matroska has no sample index; its declared duration shows a cut copy.
  const auto mkv = dir_ / "whole.mkv";
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=2", "-c:v", "libx264",
          "-preset", "ultrafast", mkv.string()});
  const Bytes whole_mkv = read_file(mkv);
  expect_refused(write("cut.mkv", std::span(whole_mkv).first(whole_mkv.size() / 2)), Errc::corrupt,
                 "truncated");
  Bytes garbage(4096);
  std::mt19937 random(7);
  for (auto& b : garbage) b = static_cast<std::uint8_t>(random());
  expect_refused(write("noise.mp4", garbage), Errc::unsupported, "importer takes");
}

TEST_F(ImportFailure, UnsupportedTypesAreNamed) {
  const cv::Mat picture = sharp_picture(32, 32);
  expect_refused(write("picture.bmp", encode(picture, ".bmp")), Errc::unsupported, "BMP");
  expect_refused(write("picture.tiff", encode(picture, ".tiff")), Errc::unsupported, "TIFF");
  expect_refused(write("picture.gif", text_bytes("GIF89a\x01\x00\x01\x00")), Errc::unsupported,
                 "GIF");
  expect_refused(write("IMG_0003.HEIC", text_bytes("\0\0\0\x18"
                                                   "ftypheic"sv)),
                 Errc::unsupported, "HEIF");
  expect_refused(write("notes.txt", text_bytes("patient notes, not media\n")), Errc::unsupported,
                 "importer takes");
  const auto wav = dir_ / "dictation.wav";
  ffmpeg({"-f", "lavfi", "-i", "sine=duration=0.2", wav.string()});
  expect_refused(wav, Errc::unsupported, "WAV");
}

TEST_F(ImportFailure, HostileNamesAreNeverInterpreted) {
  // FFmpeg would read "pipe:0" as stdin and "concat:a|b" as two files; the importer never hands
  // it a name. Valid media under such names imports; the output may carry odd names too.
  const auto valid = dir_ / "valid.mkv";
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=0.5", "-c:v", "libx264",
          "-preset", "ultrafast", valid.string()});
  for (const std::string name : {"pipe:0", "concat:valid.mkv|valid.mkv", "-i x.mkv",
                                 "file:..%2Fetc%2Fpasswd", "new\nline $(rm -rf ~).mkv"}) {
    SCOPED_TRACE(name);
    const auto source = dir_ / name;
    fs::copy_file(valid, source);
    fs::create_directories(dir_ / "named");
    const auto out = dir_ / "named" / (name + ".age");
    auto media = import_media(source, keys_.recipients, out);
    ASSERT_TRUE(media.has_value()) << media.error().message();
    EXPECT_EQ(media->container, "matroska");
    EXPECT_TRUE(verify_import(out, keys_.identities, *media).has_value());
  }
  expect_refused(write("concat:pipe:0|-", text_bytes("nothing")), Errc::unsupported,
                 "importer takes");
}

TEST_F(ImportFailure, ExistingOutputIsNeverOverwritten) {
  const auto source = write("photo.png", encode(sharp_picture(32, 32), ".png"));
  const auto out = dir_ / "out" / "taken.age";
  write_file(out, text_bytes("an earlier import"));
  auto media = import_media(source, keys_.recipients, out);
  ASSERT_FALSE(media.has_value());
  EXPECT_EQ(media.error().code, Errc::invalid_argument);
  EXPECT_EQ(read_file(out), text_bytes("an earlier import"));
  EXPECT_EQ(files_in(dir_ / "out"), std::vector<fs::path>{out});

  auto no_recipients = import_media(source, {}, dir_ / "out" / "none.age");
  ASSERT_FALSE(no_recipients.has_value());
  EXPECT_EQ(no_recipients.error().code, Errc::invalid_argument);

  auto no_directory = import_media(source, keys_.recipients, dir_ / "absent" / "x.age");
  ASSERT_FALSE(no_directory.has_value());
  EXPECT_FALSE(fs::exists(dir_ / "absent"));
}

// ---- verification and deleting the original ---------------------------------------------------

class ImportVerify : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(source_, encode(sharp_picture(200, 150), ".png"));
    auto media = import_media(source_, keys_.recipients, out_);
    ASSERT_TRUE(media.has_value()) << media.error().message();
    media_ = *media;
  }
  TempDir dir_;
  Keys keys_;
  fs::path source_ = dir_ / "DCIM_0004.png";
  fs::path out_ = dir_ / "imported.age";
  ImportedMedia media_;
};

TEST_F(ImportVerify, PassesOnTheImportedFile) {
  EXPECT_TRUE(verify_import(out_, keys_.identities, media_).has_value());
}

TEST_F(ImportVerify, FailsOnTamperedTruncatedOrMismatchedFiles) {
  Bytes encrypted = read_file(out_);
  Bytes tampered = encrypted;
  tampered[tampered.size() - 40] ^= 0x01;
  write_file(dir_ / "tampered.age", tampered);
  auto result = verify_import(dir_ / "tampered.age", keys_.identities, media_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, Errc::corrupt) << result.error().message();

  write_file(dir_ / "cut.age", std::span(encrypted).first(encrypted.size() - 100));
  result = verify_import(dir_ / "cut.age", keys_.identities, media_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, Errc::corrupt) << result.error().message();

  ImportedMedia wrong_hash = media_;
  wrong_hash.sha256[0] ^= 1;
  result = verify_import(out_, keys_.identities, wrong_hash);
  ASSERT_FALSE(result.has_value());
  EXPECT_TRUE(contains(result.error().message(), "SHA-256")) << result.error().message();

  ImportedMedia wrong_size = media_;
  wrong_size.plaintext_bytes += 1;
  result = verify_import(out_, keys_.identities, wrong_size);
  ASSERT_FALSE(result.has_value());
  EXPECT_TRUE(contains(result.error().message(), "bytes")) << result.error().message();
}

TEST_F(ImportVerify, FailsWithTheWrongIdentity) {
  Keys other;
  auto result = verify_import(out_, other.identities, media_);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, Errc::crypto) << result.error().message();
}

TEST_F(ImportVerify, DeleteKeepsTheOriginalUnlessVerified) {
  Keys other;
  auto refused = delete_original_after_verify(source_, out_, other.identities, media_);
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(contains(refused.error().message(), "original kept"));
  EXPECT_TRUE(fs::exists(source_));

  Bytes tampered = read_file(out_);
  tampered[tampered.size() - 1] ^= 0x80;
  write_file(dir_ / "tampered.age", tampered);
  EXPECT_FALSE(
      delete_original_after_verify(source_, dir_ / "tampered.age", keys_.identities, media_));
  EXPECT_TRUE(fs::exists(source_));
  EXPECT_FALSE(delete_original_after_verify(source_, source_, keys_.identities, media_));
  EXPECT_TRUE(fs::exists(source_));

  auto deleted = delete_original_after_verify(source_, out_, keys_.identities, media_);
  ASSERT_TRUE(deleted.has_value()) << deleted.error().message();
  EXPECT_FALSE(fs::exists(source_));
  EXPECT_TRUE(fs::exists(out_));
}

}  // namespace
}  // namespace clinvid::archive

namespace clinvid::archive {
namespace {

using namespace test;

// ---- hostile bytes --------------------------------------------------------------------------

// Mutated and truncated pictures: every outcome is a result or a clear error, never a crash or
// an out-of-bounds read (CI runs this under ASan/UBSan).
TEST(ImportRobustness, MutatedAndTruncatedPicturesNeverCrash) {
  const Bytes jpeg = phone_jpeg(sharp_picture(40, 24), 6);
  const Bytes png = tagged_png(sharp_picture(40, 24), 6);
  std::mt19937 random(2024);
  int accepted = 0;
  for (int round = 0; round < 400; ++round) {
    for (const Bytes* original : {&jpeg, &png}) {
      Bytes mutated = *original;
      const int flips = 1 + static_cast<int>(random() % 6);
      for (int i = 0; i < flips; ++i) {
        mutated[random() % mutated.size()] = static_cast<std::uint8_t>(random());
      }
      if (round % 4 == 0) mutated.resize(random() % mutated.size());
      auto result =
          original == &jpeg ? detail::sanitise_jpeg(mutated) : detail::sanitise_png(mutated);
      if (result) {
        ++accepted;
        EXPECT_FALSE(result->bytes.empty());
        EXPECT_GT(result->width, 0);
      } else {
        const auto code = result.error().code;
        EXPECT_TRUE(code == Errc::corrupt || code == Errc::unsupported ||
                    code == Errc::out_of_range || code == Errc::media)
            << result.error().message();
      }
    }
  }
  // Some mutations land in pixel data or dropped metadata and still make a valid picture.
  EXPECT_GT(accepted, 0);
}

TEST(ImportRobustness, ExifReaderStaysInBounds) {
  const Bytes tiff = exif_tiff(6);
  const auto summary = detail::read_exif(tiff);
  EXPECT_TRUE(summary.parsed);
  EXPECT_TRUE(summary.gps);
  EXPECT_TRUE(summary.camera);
  EXPECT_EQ(summary.orientation, 6);
  std::mt19937 random(99);
  for (int round = 0; round < 2000; ++round) {
    Bytes mutated = tiff;
    for (int i = 0; i < 4; ++i)
      mutated[random() % mutated.size()] = static_cast<std::uint8_t>(random());
    mutated.resize(random() % (mutated.size() + 1));
    const auto mutated_summary = detail::read_exif(mutated);
    EXPECT_GE(mutated_summary.orientation, 1);
    EXPECT_LE(mutated_summary.orientation, 8);
  }
}

// Damaged video either imports (and verifies) or is refused leaving nothing behind.
TEST(ImportRobustness, MutatedVideoImportsCleanlyOrLeavesNothing) {
  TempDir dir;
  Keys keys;
  const auto mkv = dir / "clip.mkv";
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=1", "-c:v", "libx264",
          "-preset", "ultrafast", mkv.string()});
  const auto mp4 = dir / "clip.mp4";
  ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=1", "-c:v", "libx264",
          "-preset", "ultrafast", mp4.string()});
  std::mt19937 random(7);
  fs::create_directory(dir / "out");
  for (const auto& source : {mkv, mp4}) {
    const Bytes original = read_file(source);
    for (int round = 0; round < 15; ++round) {
      Bytes mutated = original;
      for (int i = 0; i < 3; ++i) {
        mutated[random() % mutated.size()] = static_cast<std::uint8_t>(random());
      }
      const auto path = dir / ("mutated" + source.extension().string());
      write_file(path, mutated);
      const auto out = dir / "out" / "clip.age";
      auto media = import_media(path, keys.recipients, out);
      if (media) {
        EXPECT_TRUE(verify_import(out, keys.identities, *media).has_value());
        fs::remove(out);
      }
      EXPECT_TRUE(files_in(dir / "out").empty());
    }
  }
}

}  // namespace
}  // namespace clinvid::archive
