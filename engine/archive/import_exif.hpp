// A bounded reader for the few EXIF facts the importer reports or acts on: the orientation
// (baked into the pixels) and which identifying groups were present (GPS, camera, dates,
// serial numbers, people), so metadata_removed can say what was stripped.
//
// Hostile input is expected: every offset is checked, IFD loops and counts are capped, and a
// malformed block yields what could be read (an EXIF block is dropped either way).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace clinvid::archive::detail {

struct ExifSummary {
  bool parsed = false;  // a TIFF header and IFD0 were read
  int orientation = 1;  // 1–8 as TIFF/EXIF define it; 1 when absent or out of range
  bool gps = false;
  bool camera = false;     // Make / Model / lens
  bool date_time = false;  // DateTime, DateTimeOriginal, DateTimeDigitized
  bool serial = false;     // body or lens serial number
  bool person = false;     // Artist, Copyright, CameraOwnerName, user comment
  bool maker_note = false;
  bool thumbnail = false;  // IFD1 (an embedded preview of the unrotated, uncropped picture)
};

// `tiff` starts at the TIFF header ("II*\0" or "MM\0*"), i.e. after "Exif\0\0".
[[nodiscard]] ExifSummary read_exif(std::span<const std::uint8_t> tiff);

// "EXIF (GPS location, camera make/model, date/time, orientation 6)" for metadata_removed.
[[nodiscard]] std::string describe_exif(const ExifSummary& summary);

}  // namespace clinvid::archive::detail
