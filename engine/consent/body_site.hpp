// Body sites and kinds of recording: the two facts about *what* was filmed that change
// what consent is needed.
//
// The site taxonomy is fixed in code (ids are stored in the archive and named in policy
// files, so they are append-only). Each site carries a SNOMED CT body-structure concept id
// where one is known with confidence (empty otherwise: never a guess), whether it is paired
// (left/right) and whether it is *intimate*: genitalia, perineum and anus, breasts and
// nipples, buttocks, the pubic region, and the vagina and cervix. Recordings of intimate
// sites need explicit written consent naming the site (policy rule intimate-explicit-written);
// of a child, they are never made (rule under18-intimate).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace clinvid::consent {

enum class RecordingKind {
  invalid = 0,
  external_photo,  // still photograph of the body surface
  external_video,  // video of the body surface, movement, gait, a consultation
  audio,           // sound only (a consultation, speech)
  // The six kinds below are those for which GMC recordings guidance para 10 makes consent
  // to the recording implicit in consent to the investigation or treatment.
  endoscopic,      // endoscopy (incl. colposcopy, cystoscopy, arthroscopy)
  laparoscopic,    // laparoscopy and other minimal-access surgery
  internal_organ,  // images of internal organs or structures at open surgery
  pathology,       // images of pathology slides and specimens
  organ_function,  // recordings of organ function (e.g. urodynamics, swallow studies)
  ultrasound,
  xray,  // plain films, fluoroscopy and other X-ray imaging
};

[[nodiscard]] std::string_view to_string(RecordingKind value) noexcept;
[[nodiscard]] Result<RecordingKind> parse_recording_kind(std::string_view text);
[[nodiscard]] std::span<const RecordingKind> all_recording_kinds() noexcept;

// True for the kinds listed in GMC recordings para 10 (consent to make the recording is
// implicit in consent to the procedure; anonymised secondary use needs no consent, para 12).
[[nodiscard]] bool implicit_consent_kind(RecordingKind kind) noexcept;

enum class Laterality {
  invalid = 0,
  not_applicable,  // an unpaired site (face, abdomen)
  left,
  right,
  bilateral,
};

[[nodiscard]] std::string_view to_string(Laterality value) noexcept;
[[nodiscard]] Result<Laterality> parse_laterality(std::string_view text);
// SNOMED CT laterality qualifier value ("7771000" left, "24028007" right, "51440002" right
// and left); empty for not_applicable and invalid.
[[nodiscard]] std::string_view snomed_laterality(Laterality value) noexcept;

enum class BodyRegion {
  invalid = 0,
  head_neck,
  trunk,
  upper_limb,
  lower_limb,
  genital_perineal,
  internal,  // reached by endoscopy, laparoscopy, surgery or imaging
  whole_body,
};

[[nodiscard]] std::string_view to_string(BodyRegion value) noexcept;

enum class Pairing {
  invalid = 0,
  unpaired,
  paired,  // needs left, right or bilateral
};

enum class Intimacy {
  invalid = 0,
  not_intimate,
  intimate,
};

struct BodySite {
  std::string_view id;     // stable: "hand", "vulva"
  std::string_view label;  // for people: "Hand"
  BodyRegion region = BodyRegion::invalid;
  Pairing pairing = Pairing::invalid;
  Intimacy intimacy = Intimacy::invalid;
  std::string_view snomed_ct;  // body structure concept id, or empty when not known
};

// The whole taxonomy, grouped by region. Stable order.
[[nodiscard]] std::span<const BodySite> body_sites() noexcept;
// Errc::not_found naming the id.
[[nodiscard]] Result<BodySite> find_body_site(std::string_view id);
[[nodiscard]] bool is_intimate(std::string_view site_id) noexcept;

// A site as filmed: which site and which side.
struct SiteRef {
  std::string id;
  Laterality laterality = Laterality::invalid;

  friend bool operator==(const SiteRef&, const SiteRef&) = default;
};

// Errc::invalid_argument unless the site exists and the laterality fits it (paired sites
// need left/right/bilateral; unpaired ones not_applicable).
[[nodiscard]] Status validate(const SiteRef& site);

// A body site as people write it: "SITE[:left|right|bilateral]" ("hand:left", "face").
// Errc::invalid_argument naming what is wrong (no site, an unknown site, a paired site without
// a side, a side an unpaired site cannot have).
[[nodiscard]] Result<SiteRef> parse_site_ref(std::string_view text);

}  // namespace clinvid::consent
