// A demonstration archive, so a newcomer can record, edit and export within minutes without
// first learning user, patient and consent administration (`clinvid demo`, and the studio's
// "Create a demo archive" on first run).
//
// It is an ordinary archive (same encryption, audit chain and consent gate) holding only
// made-up people: a governance officer `demo-governance` (the first user, as every archive's
// must be), a photographer `demo` who records, edits and exports, one fictitious patient and
// one witnessed verbal consent covering the clinical record, teaching and research for the
// lower limb. Both users share one passphrase, generated at random and kept by the caller.
#pragma once

#include <filesystem>
#include <string>
#include <utility>

#include "archive/archive.hpp"
#include "core/result.hpp"
#include "crypto/secret.hpp"

namespace clinvid::archive {

inline constexpr const char* kDemoUser = "demo";
inline constexpr const char* kDemoGovernanceUser = "demo-governance";
inline constexpr const char* kDemoPatientName = "Demo Patient (fictitious)";

struct DemoArchive {
  std::string patient_id;
  std::string consent_id;
};

// The demo consent form's id, the same in every demo archive so it can be found again.
inline constexpr const char* kDemoConsentId = "00000000-0000-4000-8000-0000000de300";

// Creates the archive in `dir` (absent or empty, as Archive::create requires) with the people
// above, all audited as usual, and returns it unlocked as kDemoUser.
[[nodiscard]] Result<std::pair<Archive, DemoArchive>> create_demo_archive(
    const std::filesystem::path& dir, const crypto::SecretBytes& passphrase,
    KdfStrength strength = kdf_strength_from_env());

// Finds the demo patient and consent in an archive made by create_demo_archive (unlocked as a
// user who may read patients). Errc::not_found when it is not a demo archive.
[[nodiscard]] Result<DemoArchive> find_demo_people(Archive& archive);

// A fresh random passphrase for a demo archive (a random UUID's 36 characters: 122 bits).
[[nodiscard]] crypto::SecretBytes random_demo_passphrase();

// <data home>/clinvid/demo: beside the default archive, never in its place.
[[nodiscard]] std::filesystem::path default_demo_archive();
// Where a demo archive's passphrase is kept: "<dir>.passphrase", mode 0600.
[[nodiscard]] std::filesystem::path demo_passphrase_file(const std::filesystem::path& dir);

// A demo archive unlocked as kDemoUser, and whether this call created it.
struct DemoSession {
  Archive archive;
  DemoArchive people;
  crypto::SecretBytes passphrase;
  bool created = false;
};

// Opens the demo archive in `dir` with the passphrase kept beside it, or, when `dir` holds no
// archive, creates one (create_demo_archive) with a random passphrase and keeps that. Slow (the
// passphrase KDF runs two or three times): call it off the UI thread. Errors name the step;
// a missing or wrong passphrase file says how to start afresh.
[[nodiscard]] Result<DemoSession> open_or_create_demo(const std::filesystem::path& dir);

}  // namespace clinvid::archive
