#include "import_fixtures.hpp"

#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <system_error>

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "crypto/reader.hpp"

namespace clinvid::archive::test {

using namespace std::string_view_literals;  // "…\0…"sv keeps embedded NULs

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "clinvid-import-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

void Keys::write_identity_file(const fs::path& path) const {
  const auto secret = identity.to_string();
  std::ofstream(path) << secret.chars() << "\n";
}

Bytes read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& path, std::span<const std::uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

bool contains(std::span<const std::uint8_t> haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// Runs a program without a shell (file names here are hostile on purpose); its stdout and
// stderr go to `output`. Returns the exit status, or -1 if it did not exit normally.
int run(const std::vector<std::string>& argv, std::string* output) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (output != nullptr) *output = std::move(text);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool have_program(const std::string& name) {
  return run({"sh", "-c", "command -v " + name}) == 0;
}

void ffmpeg(std::vector<std::string> args) {
  std::vector<std::string> argv = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-y"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string output;
  ASSERT_EQ(run(argv, &output), 0) << output;
}

// ffprobe's default key=value report of format and streams (tags as TAG:key=value).
std::string ffprobe(const fs::path& path) {
  std::string output;
  EXPECT_EQ(run({"ffprobe", "-v", "error", "-show_format", "-show_streams", "-show_chapters",
                 path.string()},
                &output),
            0)
      << output;
  return output;
}

std::vector<std::string> values_of(const std::string& report, const std::string& key) {
  std::vector<std::string> values;
  std::size_t at = 0;
  const std::string prefix = key + "=";
  while ((at = report.find(prefix, at)) != std::string::npos) {
    if (at == 0 || report[at - 1] == '\n') {
      const auto end = report.find('\n', at);
      values.push_back(report.substr(at + prefix.size(), end - at - prefix.size()));
    }
    at += prefix.size();
  }
  return values;
}

double format_duration(const std::string& report) {
  // The [FORMAT] section comes last; its duration is the last "duration=" line.
  const auto values = values_of(report, "duration");
  return values.empty() ? -1.0 : std::stod(values.back());
}

std::array<std::uint8_t, 32> sha256(std::span<const std::uint8_t> bytes) {
  std::array<std::uint8_t, 32> digest{};
  crypto_hash_sha256(digest.data(), bytes.data(), bytes.size());
  return digest;
}

Bytes decrypt(const fs::path& path, const Keys& keys) {
  auto plain = crypto::decrypt(read_file(path), keys.identities);
  EXPECT_TRUE(plain.has_value()) << plain.error().message();
  return plain ? *plain : Bytes{};
}

// Every file in `dir` (recursively), to check for plaintext and leftovers.
std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool has_finding(const ImportedMedia& media, std::string_view check) {
  return std::any_of(media.quality.begin(), media.quality.end(),
                     [&](const QualityFinding& f) { return f.check == check; });
}

bool mentions(const ImportedMedia& media, std::string_view text) {
  return std::any_of(media.metadata_removed.begin(), media.metadata_removed.end(),
                     [&](const std::string& s) { return contains(s, text); });
}

std::string removed_list(const ImportedMedia& media) {
  std::string all;
  for (const auto& s : media.metadata_removed) all += "[" + s + "] ";
  return all;
}

// ---- fixtures: images -----------------------------------------------------------------------

// A sharp, well-exposed picture: 8 px checkerboard (strong edges) in mid greys plus colour
// quadrants, so rotations and flips are visible in the pixels.
cv::Mat sharp_picture(int width, int height) {
  cv::Mat image(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const bool light = ((x / 8) + (y / 8)) % 2 == 0;
      const auto base = static_cast<std::uint8_t>(light ? 170 : 80);
      cv::Vec3b pixel(base, base, base);
      if (x < width / 2 && y < height / 2) pixel[2] = 230;    // red top-left
      if (x >= width / 2 && y >= height / 2) pixel[0] = 230;  // blue bottom-right
      image.at<cv::Vec3b>(y, x) = pixel;
    }
  }
  return image;
}

Bytes encode(const cv::Mat& image, const std::string& ext) {
  Bytes out;
  EXPECT_TRUE(cv::imencode(ext, image, out));
  return out;
}

void put16(Bytes& out, std::uint16_t v) {  // big-endian ("MM" TIFF, JPEG lengths)
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
}
void put32(Bytes& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v & 0xFFFF));
}

// A big-endian TIFF/EXIF block: IFD0 with Make, Model, Orientation and a GPS IFD pointer; the
// GPS IFD with latitude/longitude of central London.
Bytes exif_tiff(std::uint16_t orientation) {
  Bytes t = {'M', 'M', 0, 42};
  put32(t, 8);  // IFD0 at 8
  const std::uint32_t ifd0_entries = 4;
  const std::uint32_t ifd0_size = 2 + 12 * ifd0_entries + 4;
  const std::uint32_t make_at = 8 + ifd0_size;  // "Apple\0" (6)
  const std::uint32_t model_at = make_at + 6;   // "iPhone 13\0" (10)
  const std::uint32_t gps_at = model_at + 10;   // GPS IFD
  const std::uint32_t gps_entries = 4;
  const std::uint32_t gps_size = 2 + 12 * gps_entries + 4;
  const std::uint32_t lat_at = gps_at + gps_size;  // 3 rationals (24)
  const std::uint32_t lon_at = lat_at + 24;        // 3 rationals (24)
  put16(t, static_cast<std::uint16_t>(ifd0_entries));
  auto entry = [&](std::uint16_t tag, std::uint16_t type, std::uint32_t count, std::uint32_t v) {
    put16(t, tag);
    put16(t, type);
    put32(t, count);
    put32(t, v);
  };
  entry(0x010F, 2, 6, make_at);
  entry(0x0110, 2, 10, model_at);
  put16(t, 0x0112);  // Orientation SHORT, value left-justified
  put16(t, 3);
  put32(t, 1);
  put16(t, orientation);
  put16(t, 0);
  entry(0x8825, 4, 1, gps_at);
  put32(t, 0);  // no IFD1
  for (char c : "Apple\0iPhone 13\0"sv) t.push_back(static_cast<std::uint8_t>(c));
  put16(t, static_cast<std::uint16_t>(gps_entries));
  entry(0x0001, 2, 2, 0x4E000000);  // GPSLatitudeRef "N"
  entry(0x0002, 5, 3, lat_at);
  entry(0x0003, 2, 2, 0x57000000);  // GPSLongitudeRef "W"
  entry(0x0004, 5, 3, lon_at);
  put32(t, 0);
  for (std::uint32_t v : {51u, 1u, 30u, 1u, 2664u, 100u}) put32(t, v);  // 51° 30' 26.64"
  for (std::uint32_t v : {0u, 1u, 7u, 1u, 4008u, 100u}) put32(t, v);    // 0° 7' 40.08"
  return t;
}

Bytes jpeg_segment(std::uint8_t marker, std::span<const std::uint8_t> payload) {
  Bytes s = {0xFF, marker};
  put16(s, static_cast<std::uint16_t>(payload.size() + 2));
  s.insert(s.end(), payload.begin(), payload.end());
  return s;
}

Bytes text_bytes(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

// A phone-like JPEG: OpenCV's JFIF output with EXIF (GPS, camera, orientation), XMP, IPTC,
// an ICC profile segment, a comment, and a motion-photo style trailer after EOI.
Bytes phone_jpeg(const cv::Mat& picture, std::uint16_t orientation) {
  Bytes jpeg = encode(picture, ".jpg");
  Bytes exif = text_bytes("Exif\0\0"sv);
  const Bytes tiff = exif_tiff(orientation);
  exif.insert(exif.end(), tiff.begin(), tiff.end());
  Bytes segments = jpeg_segment(0xE1, exif);
  const auto append = [&](const Bytes& s) { segments.insert(segments.end(), s.begin(), s.end()); };
  append(jpeg_segment(0xE1, text_bytes("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>"
                                       "<exif:GPSLatitude>51,30.444N</exif:GPSLatitude>"
                                       "</x:xmpmeta>"sv)));
  Bytes icc = text_bytes("ICC_PROFILE\0\1\1"sv);
  const Bytes profile(128, 0x11);
  icc.insert(icc.end(), profile.begin(), profile.end());
  append(jpeg_segment(0xE2, icc));
  append(jpeg_segment(0xED, text_bytes("Photoshop 3.0\0"
                                       "8BIM patient name Jane Roe"sv)));
  append(jpeg_segment(0xFE, text_bytes("Jane Roe, ward 7")));
  // After SOI and OpenCV's JFIF APP0.
  const std::size_t after_app0 = 4 + (std::size_t{jpeg[4]} << 8 | jpeg[5]);
  jpeg.insert(jpeg.begin() + static_cast<std::ptrdiff_t>(after_app0), segments.begin(),
              segments.end());
  const Bytes trailer = text_bytes("MotionPhoto_Data ftypmp42 trailing video");
  jpeg.insert(jpeg.end(), trailer.begin(), trailer.end());
  return jpeg;
}

std::uint32_t png_crc(std::span<const std::uint8_t> bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (const auto b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xFFFFFFFFu;
}

Bytes png_chunk(std::string_view type, std::span<const std::uint8_t> data) {
  Bytes chunk;
  put32(chunk, static_cast<std::uint32_t>(data.size()));
  Bytes body(type.begin(), type.end());
  body.insert(body.end(), data.begin(), data.end());
  chunk.insert(chunk.end(), body.begin(), body.end());
  put32(chunk, png_crc(body));
  return chunk;
}

std::vector<std::string> png_chunk_types(std::span<const std::uint8_t> png) {
  std::vector<std::string> types;
  std::size_t pos = 8;
  while (pos + 12 <= png.size()) {
    const std::uint32_t length = (std::uint32_t{png[pos]} << 24) |
                                 (std::uint32_t{png[pos + 1]} << 16) |
                                 (std::uint32_t{png[pos + 2]} << 8) | png[pos + 3];
    types.emplace_back(reinterpret_cast<const char*>(png.data() + pos + 4), 4);
    pos += 12 + std::size_t{length};
  }
  return types;
}

// A PNG with text (author, GPS comment), a timestamp, a gamma chunk to keep and an eXIf block.
Bytes tagged_png(const cv::Mat& picture, std::optional<std::uint16_t> exif_orientation) {
  Bytes png = encode(picture, ".png");
  Bytes extra = png_chunk("tEXt", text_bytes("Author\0Dr Jane Roe"sv));
  const auto append = [&](const Bytes& s) { extra.insert(extra.end(), s.begin(), s.end()); };
  append(png_chunk("zTXt", text_bytes("Comment\0\0x"sv)));
  append(png_chunk("iTXt", text_bytes("GPS\0\0\0en\0\0"
                                      "51.5074 N"sv)));
  append(png_chunk("tIME", Bytes{0x07, 0xE8, 5, 1, 10, 0, 0}));
  const Bytes gamma = {0, 0, 0xB1, 0x8F};  // 1/2.2
  append(png_chunk("gAMA", gamma));
  append(png_chunk("prVt", text_bytes("vendor private data: serial 12345")));
  if (exif_orientation) append(png_chunk("eXIf", exif_tiff(*exif_orientation)));
  const std::size_t after_ihdr = 8 + 25;
  png.insert(png.begin() + static_cast<std::ptrdiff_t>(after_ihdr), extra.begin(), extra.end());
  return png;
}

// ---- fixtures: video ------------------------------------------------------------------------

// A phone-like MP4: H.264 + AAC with creation time, ISO 6709 location, make and model (as an
// iPhone writes them), per-stream tags, a subtitle track and a chapter.
void make_phone_mp4(const TempDir& dir, const fs::path& out) {
  {
    std::ofstream srt(dir / "captions.srt");
    srt << "1\n00:00:00,000 --> 00:00:00,800\nPatient Jane Roe\n";
  }
  {
    std::ofstream chapters(dir / "chapters.txt");
    chapters << ";FFMETADATA1\ntitle=Clinic visit\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=500\n"
                "title=Wound close-up\n";
  }
  const std::vector<std::string> inputs = {
      "-f", "lavfi",
      "-i", "testsrc2=size=192x108:rate=25:duration=1.2",  // 0: video
      "-f", "lavfi",
      "-i", "sine=frequency=440:duration=1.2",  // 1: audio
      "-i", (dir / "captions.srt").string(),    // 2: subtitles
      "-i", (dir / "chapters.txt").string()};   // 3: title, chapter
  const std::vector<std::string> mapping = {"-map",          "0", "-map",          "1", "-map", "2",
                                            "-map_metadata", "3", "-map_chapters", "3"};
  const std::vector<std::string> codecs = {"-c:v",     "libx264", "-preset", "ultrafast",
                                           "-pix_fmt", "yuv420p", "-c:a",    "aac",
                                           "-c:s",     "mov_text"};
  // As an iPhone writes them (use_metadata_tags keeps make/model as mdta keys).
  const std::vector<std::string> tags = {"-metadata",     "creation_time=2024-05-01T10:00:00Z",
                                         "-metadata",     "location=+51.5074-000.1278/",
                                         "-metadata",     "make=Apple",
                                         "-metadata",     "model=iPhone 13",
                                         "-metadata:s:v", "handler_name=Core Media Video",
                                         "-movflags",     "+use_metadata_tags"};
  std::vector<std::string> args;
  for (const auto* part : {&inputs, &mapping, &codecs, &tags}) {
    args.insert(args.end(), part->begin(), part->end());
  }
  args.push_back(out.string());
  ffmpeg(args);
  rotate_first_track_90(out);  // held upright: phones store landscape pixels and a matrix
}

void rotate_first_track_90(const fs::path& mp4) {
  Bytes bytes = read_file(mp4);
  const std::string_view tkhd = "tkhd";
  const auto found = std::search(bytes.begin(), bytes.end(), tkhd.begin(), tkhd.end());
  ASSERT_NE(found, bytes.end());
  const auto box = static_cast<std::size_t>(found - bytes.begin()) - 4;
  const bool version1 = bytes[box + 8] == 1;
  // size, type, version/flags, times + track id + duration, reserved, layer…volume+reserved
  const std::size_t matrix = box + 8 + 4 + (version1 ? 32 : 20) + 8 + 8;
  Bytes values;
  for (const std::uint32_t v : {0u, 0x00010000u, 0u, 0xFFFF0000u, 0u, 0u, 0u, 0u, 0x40000000u}) {
    put32(values, v);  // a 90° turn
  }
  ASSERT_LE(matrix + values.size(), bytes.size());
  std::copy(values.begin(), values.end(), bytes.begin() + static_cast<std::ptrdiff_t>(matrix));
  write_file(mp4, bytes);
}

}  // namespace clinvid::archive::test
