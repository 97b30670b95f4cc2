// Fixtures for the import tests, made at test time: phone-like JPEGs with hand-written EXIF
// (GPS, camera, orientation), XMP, IPTC and trailers; PNGs with text, time and eXIf chunks;
// MP4/Matroska from the ffmpeg CLI; plus small helpers to run programs without a shell,
// read ffprobe reports and decrypt.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "archive/import_media.hpp"
#include "crypto/keys.hpp"

namespace clinvid::archive::test {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

// A fresh directory under the system temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] fs::path operator/(std::string_view name) const { return path_ / name; }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// One X25519 identity, as the recipient list and identity list the import API takes.
struct Keys {
  crypto::X25519Identity identity = crypto::X25519Identity::generate();
  std::vector<crypto::Recipient> recipients;
  std::vector<crypto::Identity> identities;
  Keys() {
    recipients.emplace_back(identity.recipient());
    identities.emplace_back(identity.clone());
  }
  // The identity in age's key-file format, for the `age` CLI.
  void write_identity_file(const fs::path& path) const;
};

Bytes read_file(const fs::path& path);
void write_file(const fs::path& path, std::span<const std::uint8_t> bytes);
bool contains(std::span<const std::uint8_t> haystack, std::string_view needle);
bool contains(const std::string& haystack, std::string_view needle);
Bytes text_bytes(std::string_view text);
std::array<std::uint8_t, 32> sha256(std::span<const std::uint8_t> bytes);
// Every regular file under `dir`, sorted: for leftovers and plaintext scans.
std::vector<fs::path> files_in(const fs::path& dir);

// Runs argv[0] with arguments, no shell (file names are hostile on purpose); stdout and
// stderr go to `output`. Returns the exit status, or -1 if it did not exit normally.
int run(const std::vector<std::string>& argv, std::string* output = nullptr);
bool have_program(const std::string& name);
// The ffmpeg CLI, quiet, overwriting; a gtest failure if it fails.
void ffmpeg(std::vector<std::string> args);
// ffprobe's key=value report of format, streams and chapters (tags as TAG:key=value).
std::string ffprobe(const fs::path& path);
// Every value of `key=` at the start of a line of an ffprobe report, in order.
std::vector<std::string> values_of(const std::string& report, const std::string& key);
double format_duration(const std::string& report);
// The engine's whole-file decryption (a gtest failure if it fails).
Bytes decrypt(const fs::path& path, const Keys& keys);

bool has_finding(const ImportedMedia& media, std::string_view check);
bool mentions(const ImportedMedia& media, std::string_view text);
std::string removed_list(const ImportedMedia& media);

// A sharp, well-exposed picture: an 8 px checkerboard in mid greys with a red top-left and a
// blue bottom-right quadrant, so rotations and flips show in the pixels.
cv::Mat sharp_picture(int width, int height);
Bytes encode(const cv::Mat& image, const std::string& ext);
void put16(Bytes& out, std::uint16_t v);  // big-endian
void put32(Bytes& out, std::uint32_t v);
// A big-endian TIFF/EXIF block: Make "Apple", Model "iPhone 13", `orientation`, and a GPS IFD
// with the latitude and longitude of central London.
Bytes exif_tiff(std::uint16_t orientation);
Bytes jpeg_segment(std::uint8_t marker, std::span<const std::uint8_t> payload);
// OpenCV's JPEG of `picture` with EXIF (exif_tiff), XMP with GPS, an ICC APP2, IPTC APP13, a
// comment naming a patient and a motion-photo style trailer after EOI.
Bytes phone_jpeg(const cv::Mat& picture, std::uint16_t orientation);
Bytes png_chunk(std::string_view type, std::span<const std::uint8_t> data);
std::vector<std::string> png_chunk_types(std::span<const std::uint8_t> png);
// OpenCV's PNG of `picture` with tEXt (author), zTXt, iTXt (GPS), tIME, gAMA, a private chunk
// and, if asked, an eXIf block with that orientation.
Bytes tagged_png(const cv::Mat& picture, std::optional<std::uint16_t> exif_orientation);
// A phone-like MP4 (H.264 + AAC, 192x108, 1.2 s) with creation time, ISO 6709 location, make,
// model, a handler name, a mov_text subtitle track naming a patient, a chapter, and a 90°
// display matrix on the video track (as a phone held upright writes).
void make_phone_mp4(const TempDir& dir, const fs::path& out);
// Writes a 90° rotation into the first track header's matrix (ffprobe: rotation=-90).
void rotate_first_track_90(const fs::path& mp4);

}  // namespace clinvid::archive::test
