// Signature images of written consent forms, and the studio's lock events.
//
// A signature is personal data of the patient (or whoever signed), so it is media like any
// other: an age v1 file that never exists in clear on disk (DESIGN invariants 1 and 2). Its
// X25519 identity is derived from the archive key and the signature's id rather than stored,
// which needs no catalogue table; the form holds the id and the SHA-256 of the PNG, so a
// swapped or altered image is detected on reading.
#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>

#include "archive/archive_impl.hpp"
#include "core/paths.hpp"
#include "crypto/io.hpp"
#include "crypto/reader.hpp"
#include "crypto/writer.hpp"

namespace clinvid::archive {
namespace {

constexpr std::string_view kSignatureDir = "signatures";
constexpr std::size_t kMaxSignatureBytes = 8U << 20U;
constexpr std::array<std::uint8_t, 8> kPngMagic = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

Result<crypto::X25519Identity> signature_identity(const Vault& vault, std::string_view id) {
  const crypto::SecretBytes scalar =
      vault.derive_secret(KeyUse::signatures, "signature:" + std::string(id));
  return crypto::X25519Identity::from_secret_key(scalar.bytes());
}

Status check_signature_id(std::string_view id) {
  if (!Uuid::parse(id)) {
    return fail(Errc::invalid_argument,
                "signature reference `" + std::string(id) + "` is not a signature id (a UUID)");
  }
  return {};
}

std::string_view session_action(SessionEvent event) {
  switch (event) {
    case SessionEvent::locked: return "session_lock";
    case SessionEvent::unlocked: return "session_unlock";
    case SessionEvent::unlock_refused: return "session_unlock";
    case SessionEvent::invalid: break;
  }
  return "";
}

}  // namespace

std::filesystem::path Archive::signature_path(std::string_view media_ref) const {
  return impl_->dir / kSignatureDir / (std::string(media_ref) + ".age");
}

Result<consent::SignatureRef> Archive::store_signature(std::string_view patient_id,
                                                       std::span<const std::uint8_t> png) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return tl::unexpected(ok.error());
  if (png.size() < kPngMagic.size() ||
      !std::equal(kPngMagic.begin(), kPngMagic.end(), png.begin())) {
    return fail(Errc::invalid_argument, "a signature image must be a PNG");
  }
  if (png.size() > kMaxSignatureBytes) {
    return fail(Errc::invalid_argument, "a signature image is at most 8 MiB");
  }
  if (I.user.role == consent::Role::auditor) {
    return fail(Errc::permission_denied,
                "refused by rule auditor-no-media: auditors do not record consent");
  }
  if (auto p = I.load_patient(patient_id); !p) return tl::unexpected(p.error());

  const std::string id = Uuid::random().to_string();
  auto identity = signature_identity(*I.vault, id);
  if (!identity) return tl::unexpected(identity.error());
  std::vector<crypto::Recipient> recipients;
  recipients.emplace_back(identity->recipient());
  auto sealed = crypto::encrypt(png, recipients);
  if (!sealed) return tl::unexpected(sealed.error());
  const std::filesystem::path path = signature_path(id);
  if (auto made = paths::ensure_directory(path.parent_path()); !made) {
    return tl::unexpected(made.error());
  }
  auto sink = crypto::AtomicFileSink::create(path);
  if (!sink) return tl::unexpected(sink.error());
  if (auto ok = (*sink)->write(*sealed); !ok) return tl::unexpected(ok.error());
  if (auto ok = (*sink)->close(); !ok) return tl::unexpected(ok.error());

  consent::SignatureRef ref{id, to_hex(sha256(png))};
  AuditEntry e = I.entry("signature_store", id, "done", "consent form signature stored");
  e.detail = {
      {"patient", std::string(patient_id)}, {"sha256", ref.sha256_hex}, {"bytes", png.size()}};
  if (auto ok = I.audit(std::move(e)); !ok) return tl::unexpected(ok.error());
  return ref;
}

Result<std::vector<std::uint8_t>> Archive::load_signature(const consent::SignatureRef& ref) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return tl::unexpected(ok.error());
  if (auto ok = check_signature_id(ref.media_ref); !ok) return tl::unexpected(ok.error());
  std::ifstream in(signature_path(ref.media_ref), std::ios::binary);
  if (!in) return fail(Errc::not_found, "no signature " + ref.media_ref + " in this archive");
  const std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(in)),
                                       std::istreambuf_iterator<char>());
  auto identity = signature_identity(*I.vault, ref.media_ref);
  if (!identity) return tl::unexpected(identity.error());
  std::vector<crypto::Identity> identities;
  identities.emplace_back(std::move(*identity));
  auto png = crypto::decrypt(file, identities);
  if (!png) return with_context(png.error(), "signature " + ref.media_ref);
  if (to_hex(sha256(*png)) != ref.sha256_hex) {
    return fail(Errc::corrupt, "signature " + ref.media_ref +
                                   " does not match the form's SHA-256: it was altered or swapped");
  }
  if (auto ok = I.audit(I.entry("signature_view", ref.media_ref, "done", "signature shown")); !ok) {
    return tl::unexpected(ok.error());
  }
  return png;
}

Status Archive::record_session_event(SessionEvent event, std::string_view reason) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return ok;
  if (event == SessionEvent::invalid) return fail(Errc::invalid_argument, "no session event");
  const std::string_view outcome = event == SessionEvent::unlock_refused ? "refuse" : "done";
  return I.audit(I.entry(session_action(event), I.user.name, outcome, reason));
}

}  // namespace clinvid::archive
