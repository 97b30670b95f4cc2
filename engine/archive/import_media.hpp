// Importing media brought in from outside the studio (phones, cameras, other systems) into the
// archive: metadata that identifies people, places and devices is stripped, the picture is
// checked for blur and exposure, and the sanitised bytes go straight into an age file
// (DESIGN invariant 1: no plaintext on disk).
//
// What is stripped:
// * JPEG (segments rewritten, pixels untouched): every APPn segment except the JFIF APP0 (its
//   thumbnail dropped), ICC APP2 and Adobe APP14 (colour-transform flags CMYK decoding needs):
//   EXIF (GPS, camera, dates, serials, maker notes, thumbnail), XMP, IPTC/Photoshop, MPF; COM
//   comments; and bytes after the end-of-image marker (motion-photo videos, depth maps). An
//   EXIF orientation other than 1 is baked into the pixels (decoded, turned, re-encoded at
//   quality 95, ICC profile re-inserted) so the picture still shows upright.
// * PNG (chunks rewritten, pixels untouched): tEXt, zTXt, iTXt, eXIf, tIME and every unknown
//   ancillary chunk are dropped; colour and display chunks (iCCP, gAMA, cHRM, sRGB, sBIT, cICP,
//   tRNS, bKGD, pHYs, …) and APNG animation chunks are kept; an eXIf orientation is baked in
//   losslessly. Chunk CRCs are checked.
// * Every image result must decode to the size its header states before it is encrypted.
// * Other picture types (TIFF/raw, BMP, GIF, WebP, HEIF/HEIC/AVIF) are refused with
//   Errc::unsupported, naming the type, rather than re-encoded: converting them is the
//   device's job, and a silent conversion would hide what the archive holds.
// * Video/audio (MP4/MOV, Matroska, WebM): remuxed with FFmpeg without re-encoding, keeping
//   only video and audio streams; global and per-stream tags (creation_time, location, make,
//   model, encoder, handler names …), chapters, attachments, cover pictures, subtitle and data
//   streams are dropped. MP4/MOV stays MP4 (so a phone's rotation matrix survives; MOV with a
//   codec MP4 cannot hold becomes Matroska), Matroska stays Matroska, WebM stays WebM. The
//   muxers get a seekable output and write a normal, finished file (index, duration): see
//   archive/import_av.hpp for how that works over an append-only age stream in two passes.
//   Files cut short (MP4 samples missing from the data, Matroska ending before its declared
//   duration, incomplete packets) are refused as corrupt.
// * Nothing is refused for picture quality: findings are advice for the user.
//
// Threading: the functions are independent and may run concurrently on different files.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/rational.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"

namespace clinvid::archive {

enum class MediaKind { invalid = 0, image, video, audio };

struct QualityFinding {
  std::string check;     // "blur", "dark", "overexposed"
  double value = 0;      // the measured value
  double threshold = 0;  // the limit it crossed
  std::string advice;    // plain words, e.g. "image is blurred: retake, holding the camera still"
};

struct ImportedMedia {
  MediaKind kind = MediaKind::invalid;
  std::string container;  // "jpeg", "png", "mp4", "matroska", ...
  std::string codec;      // "mjpeg"/"png"/"h264"/...
  int width = 0, height = 0;
  std::optional<clinvid::Rational> duration_s;  // video/audio, seconds as a rational
  std::uint64_t plaintext_bytes = 0;            // of the sanitised media, as encrypted
  std::array<std::uint8_t, 32> sha256{};        // of the sanitised plaintext
  std::vector<std::string> metadata_removed;    // what was stripped, e.g. "EXIF (GPS, camera
                                                // model)", "format tag creation_time"
  std::vector<QualityFinding> quality;          // empty: no retake advice
};

struct ImportOptions {
  bool quality_checks = true;
};

// Reads `source` (never modifies it), strips metadata, runs quality checks and writes the
// sanitised media encrypted (age v1) to `recipients` at `out` (through out.tmp, renamed on
// success; plaintext never touches disk). Clear errors for unreadable/unsupported/corrupt input.
// Errors: Errc::not_found/io (source unreadable), Errc::invalid_argument (not a regular file,
// no recipients, or `out` or `out.tmp` already exists: an import never overwrites),
// Errc::unsupported (a type it does not take, named), Errc::corrupt (empty, damaged or
// truncated), Errc::out_of_range (a picture past 200 MP). On any error nothing is left at
// `out` or `out.tmp`.
[[nodiscard]] Result<ImportedMedia> import_media(const std::filesystem::path& source,
                                                 std::span<const crypto::Recipient> recipients,
                                                 const std::filesystem::path& out,
                                                 const ImportOptions& options = {});

// Decrypts `encrypted` with `identities` and checks its length and SHA-256 against `expected`.
// Errors: Errc::crypto (no identity matches), Errc::corrupt (damaged, truncated, or not the
// bytes the import wrote), Errc::io.
[[nodiscard]] Result<void> verify_import(const std::filesystem::path& encrypted,
                                         std::span<const crypto::Identity> identities,
                                         const ImportedMedia& expected);

// verify_import first; only if it passes, removes `source` (the original on the capture device).
[[nodiscard]] Result<void> delete_original_after_verify(
    const std::filesystem::path& source, const std::filesystem::path& encrypted,
    std::span<const crypto::Identity> identities, const ImportedMedia& expected);

}  // namespace clinvid::archive
