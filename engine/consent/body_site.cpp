#include "consent/body_site.hpp"

#include <array>

#include "consent/enum_names.hpp"

namespace clinvid::consent {
namespace {

using detail::EnumName;

constexpr EnumName<RecordingKind> kKinds[] = {
    {RecordingKind::external_photo, "external_photo"},
    {RecordingKind::external_video, "external_video"},
    {RecordingKind::audio, "audio"},
    {RecordingKind::endoscopic, "endoscopic"},
    {RecordingKind::laparoscopic, "laparoscopic"},
    {RecordingKind::internal_organ, "internal_organ"},
    {RecordingKind::pathology, "pathology"},
    {RecordingKind::organ_function, "organ_function"},
    {RecordingKind::ultrasound, "ultrasound"},
    {RecordingKind::xray, "xray"},
};
constexpr std::array kAllKinds = {
    RecordingKind::external_photo, RecordingKind::external_video, RecordingKind::audio,
    RecordingKind::endoscopic,     RecordingKind::laparoscopic,   RecordingKind::internal_organ,
    RecordingKind::pathology,      RecordingKind::organ_function, RecordingKind::ultrasound,
    RecordingKind::xray,
};
constexpr EnumName<Laterality> kLateralities[] = {
    {Laterality::not_applicable, "not_applicable"},
    {Laterality::left, "left"},
    {Laterality::right, "right"},
    {Laterality::bilateral, "bilateral"},
};
constexpr EnumName<BodyRegion> kRegions[] = {
    {BodyRegion::head_neck, "head_neck"},
    {BodyRegion::trunk, "trunk"},
    {BodyRegion::upper_limb, "upper_limb"},
    {BodyRegion::lower_limb, "lower_limb"},
    {BodyRegion::genital_perineal, "genital_perineal"},
    {BodyRegion::internal, "internal"},
    {BodyRegion::whole_body, "whole_body"},
};

constexpr auto H = BodyRegion::head_neck;
constexpr auto T = BodyRegion::trunk;
constexpr auto U = BodyRegion::upper_limb;
constexpr auto L = BodyRegion::lower_limb;
constexpr auto G = BodyRegion::genital_perineal;
constexpr auto I = BodyRegion::internal;
constexpr auto W = BodyRegion::whole_body;
constexpr auto one = Pairing::unpaired;
constexpr auto two = Pairing::paired;
constexpr auto no = Intimacy::not_intimate;
constexpr auto yes = Intimacy::intimate;

// SNOMED CT ids are International Edition body-structure concepts; each passes the Verhoeff
// check (tests/consent). Blank where no concept is known with confidence.
constexpr BodySite kSites[] = {
    {"head", "Head", H, one, no, "69536005"},
    {"scalp", "Scalp", H, one, no, "41695006"},
    {"face", "Face", H, one, no, "89545001"},
    {"forehead", "Forehead", H, one, no, "52795006"},
    {"eyelid", "Eyelid", H, two, no, "80243003"},
    {"eye", "Eye", H, two, no, "81745001"},
    {"ear", "Ear", H, two, no, "117590005"},
    {"nose", "Nose", H, one, no, "45206002"},
    {"cheek", "Cheek", H, two, no, "60819002"},
    {"lip", "Lip", H, one, no, "48477009"},
    {"mouth", "Mouth (oral cavity)", H, one, no, "74262004"},
    {"tongue", "Tongue", H, one, no, "21974007"},
    {"teeth", "Teeth", H, one, no, "38199008"},
    {"chin", "Chin", H, one, no, "30291003"},
    {"neck", "Neck", H, one, no, "45048000"},

    {"chest", "Chest", T, one, no, "51185008"},
    {"breast", "Breast", T, two, yes, "76752008"},
    {"nipple", "Nipple and areola", T, two, yes, "24142002"},
    {"axilla", "Axilla", T, two, no, "91470000"},
    {"abdomen", "Abdomen", T, one, no, "113345001"},
    {"umbilicus", "Umbilicus", T, one, no, ""},
    {"back", "Back", T, one, no, "77568009"},
    {"spine", "Spine", T, one, no, "421060004"},
    {"pelvis", "Pelvis", T, one, no, "12921003"},
    {"groin", "Groin", T, two, no, "26893007"},
    {"buttock", "Buttock", T, two, yes, "46862004"},

    {"upper_limb", "Upper limb (whole)", U, two, no, "53120007"},
    {"shoulder", "Shoulder", U, two, no, "16982005"},
    {"upper_arm", "Upper arm", U, two, no, "40983000"},
    {"elbow", "Elbow", U, two, no, "127949000"},
    {"forearm", "Forearm", U, two, no, "14975008"},
    {"wrist", "Wrist", U, two, no, "8205005"},
    {"hand", "Hand", U, two, no, "85562004"},
    {"thumb", "Thumb", U, two, no, "76505004"},
    {"finger", "Finger", U, two, no, "7569003"},

    {"lower_limb", "Lower limb (whole)", L, two, no, "61685007"},
    {"hip", "Hip", L, two, no, "29836001"},
    {"thigh", "Thigh", L, two, no, "68367000"},
    {"knee", "Knee", L, two, no, "72696002"},
    {"lower_leg", "Lower leg", L, two, no, "30021000"},
    {"ankle", "Ankle", L, two, no, "344001"},
    {"foot", "Foot", L, two, no, "56459004"},
    {"heel", "Heel", L, two, no, "76853006"},
    {"toe", "Toe", L, two, no, "29707007"},
    {"great_toe", "Great toe", L, two, no, "78883009"},

    {"pubic_region", "Pubic region", G, one, yes, ""},
    {"vulva", "Vulva", G, one, yes, "45292006"},
    {"penis", "Penis", G, one, yes, "18911002"},
    {"scrotum", "Scrotum", G, one, yes, "20233005"},
    {"testis", "Testis", G, two, yes, "40689003"},
    {"perineum", "Perineum", G, one, yes, "38864007"},
    {"anus", "Anus and perianal region", G, one, yes, "53505006"},

    {"brain", "Brain", I, one, no, "12738006"},
    {"spinal_cord", "Spinal cord", I, one, no, "2748008"},
    {"pharynx", "Pharynx", I, one, no, "54066008"},
    {"larynx", "Larynx", I, one, no, "4596009"},
    {"trachea", "Trachea", I, one, no, "44567001"},
    {"bronchus", "Bronchus", I, one, no, "955009"},
    {"lung", "Lung", I, two, no, "39607008"},
    {"heart", "Heart", I, one, no, "80891009"},
    {"oesophagus", "Oesophagus", I, one, no, "32849002"},
    {"stomach", "Stomach", I, one, no, "69695003"},
    {"duodenum", "Duodenum", I, one, no, "38848004"},
    {"small_intestine", "Small intestine", I, one, no, "30315005"},
    {"appendix", "Appendix", I, one, no, "66754008"},
    {"colon", "Colon", I, one, no, "71854001"},
    {"rectum", "Rectum", I, one, no, "34402009"},
    {"liver", "Liver", I, one, no, "10200004"},
    {"gallbladder", "Gallbladder", I, one, no, "28231008"},
    {"pancreas", "Pancreas", I, one, no, "15776009"},
    {"peritoneum", "Peritoneum", I, one, no, "15425007"},
    {"kidney", "Kidney", I, two, no, "64033007"},
    {"bladder", "Urinary bladder", I, one, no, "89837001"},
    {"prostate", "Prostate", I, one, no, "41216001"},
    {"uterus", "Uterus", I, one, no, "35039007"},
    {"cervix", "Cervix uteri", I, one, yes, "71252005"},
    {"vagina", "Vagina", I, one, yes, "76784001"},
    {"ovary", "Ovary", I, two, no, "15497006"},

    {"whole_body", "Whole body", W, one, no, "38266002"},
    {"skin", "Skin (site not specified)", W, one, no, "39937001"},
    {"nail", "Nail", W, one, no, "72651009"},
};

}  // namespace

std::string_view to_string(RecordingKind value) noexcept {
  return detail::name_of(kKinds, value);
}
Result<RecordingKind> parse_recording_kind(std::string_view text) {
  return detail::parse_name(kKinds, text, "recording kind");
}
std::span<const RecordingKind> all_recording_kinds() noexcept {
  return kAllKinds;
}

bool implicit_consent_kind(RecordingKind kind) noexcept {
  switch (kind) {
    case RecordingKind::endoscopic:
    case RecordingKind::laparoscopic:
    case RecordingKind::internal_organ:
    case RecordingKind::pathology:
    case RecordingKind::organ_function:
    case RecordingKind::ultrasound:
    case RecordingKind::xray: return true;
    case RecordingKind::external_photo:
    case RecordingKind::external_video:
    case RecordingKind::audio:
    case RecordingKind::invalid: break;
  }
  return false;
}

std::string_view to_string(Laterality value) noexcept {
  return detail::name_of(kLateralities, value);
}
Result<Laterality> parse_laterality(std::string_view text) {
  return detail::parse_name(kLateralities, text, "laterality");
}
std::string_view snomed_laterality(Laterality value) noexcept {
  switch (value) {
    case Laterality::left: return "7771000";
    case Laterality::right: return "24028007";
    case Laterality::bilateral: return "51440002";
    case Laterality::not_applicable:
    case Laterality::invalid: break;
  }
  return {};
}

std::string_view to_string(BodyRegion value) noexcept {
  return detail::name_of(kRegions, value);
}

std::span<const BodySite> body_sites() noexcept {
  return kSites;
}

Result<BodySite> find_body_site(std::string_view id) {
  for (const BodySite& site : kSites) {
    if (site.id == id) return site;
  }
  return fail(Errc::not_found, "unknown body site '" + std::string(id) + "'");
}

bool is_intimate(std::string_view site_id) noexcept {
  for (const BodySite& site : kSites) {
    if (site.id == site_id) return site.intimacy == Intimacy::intimate;
  }
  return false;
}

Status validate(const SiteRef& site) {
  auto found = find_body_site(site.id);
  if (!found) return fail(Errc::invalid_argument, found.error().detail);
  if (site.laterality == Laterality::invalid) {
    return fail(Errc::invalid_argument, "body site '" + site.id + "' has no laterality");
  }
  const bool sided = site.laterality != Laterality::not_applicable;
  if (found->pairing == Pairing::paired && !sided) {
    return fail(Errc::invalid_argument,
                "body site '" + site.id + "' is paired: say left, right or bilateral");
  }
  if (found->pairing == Pairing::unpaired && sided) {
    return fail(Errc::invalid_argument,
                "body site '" + site.id + "' is unpaired: laterality must be not_applicable");
  }
  return {};
}

Result<SiteRef> parse_site_ref(std::string_view text) {
  const std::size_t colon = text.find(':');
  SiteRef site;
  site.id = std::string(text.substr(0, colon));
  if (site.id.empty()) return fail(Errc::invalid_argument, "name the body site filmed");
  auto found = find_body_site(site.id);
  if (!found) {
    return fail(Errc::invalid_argument,
                "unknown body site '" + site.id + "' (see docs/governance.md for the list)");
  }
  if (colon == std::string_view::npos) {
    if (found->pairing == Pairing::paired) {
      return fail(Errc::invalid_argument, site.id + " is paired: write " + site.id + ":left, " +
                                              site.id + ":right or " + site.id + ":bilateral");
    }
    site.laterality = Laterality::not_applicable;
  } else {
    auto side = parse_laterality(text.substr(colon + 1));
    if (!side) return tl::unexpected(side.error());
    site.laterality = *side;
  }
  if (auto valid = validate(site); !valid) return tl::unexpected(valid.error());
  return site;
}

}  // namespace clinvid::consent
