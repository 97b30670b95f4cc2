#include "crypto/identity_file.hpp"

#include <cstring>
#include <ctime>
#include <string>

#include <sys/stat.h>

#include "crypto/io.hpp"

namespace clinvid::crypto {

Result<std::vector<X25519Identity>> parse_identity_file(std::string_view text) {
  std::vector<X25519Identity> identities;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t lf = text.find('\n');
    std::string_view line = text.substr(0, lf);
    text = lf == std::string_view::npos ? std::string_view() : text.substr(lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    auto identity = X25519Identity::parse(line);
    if (!identity) {
      return with_context(identity.error(), "identity file line " + std::to_string(line_number));
    }
    identities.push_back(std::move(*identity));
  }
  if (identities.empty()) return fail(Errc::invalid_argument, "identity file holds no identity");
  return identities;
}

Result<std::vector<X25519Identity>> read_identity_file(const std::filesystem::path& path) {
  auto fd = open_for_reading(path);
  if (!fd) return tl::unexpected(fd.error());
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return fail(Errc::io, "fstat " + path.string());
  if (st.st_size > 16 * 1024 * 1024) return fail(Errc::out_of_range, "identity file too large");
  SecretBytes text(static_cast<std::size_t>(st.st_size));
  auto n = pread_full(fd->get(), text.bytes(), 0);
  if (!n) return tl::unexpected(n.error());
  auto identities = parse_identity_file(text.chars().substr(0, *n));
  if (!identities) return with_context(identities.error(), path.string());
  return identities;
}

SecretBytes format_identity_file(const X25519Identity& identity,
                                 std::chrono::system_clock::time_point created) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(created);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32] = {};
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  const std::string prefix = std::string("# created: ") + stamp +
                             "\n# public key: " + identity.recipient().to_string() + "\n";
  const SecretBytes key = identity.to_string();
  SecretBytes out(prefix.size() + key.size() + 1);
  std::memcpy(out.data(), prefix.data(), prefix.size());
  std::memcpy(out.data() + prefix.size(), key.data(), key.size());
  out.data()[out.size() - 1] = '\n';
  return out;
}

Status write_identity_file(const std::filesystem::path& path, const X25519Identity& identity) {
  auto sink = AtomicFileSink::create(path);  // 0600
  if (!sink) return tl::unexpected(sink.error());
  const SecretBytes text = format_identity_file(identity, std::chrono::system_clock::now());
  if (auto ok = (*sink)->write(text.bytes()); !ok) return ok;
  return (*sink)->close();
}

}  // namespace clinvid::crypto
