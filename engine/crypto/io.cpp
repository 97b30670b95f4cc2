#include "crypto/io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace clinvid::crypto {
namespace {

tl::unexpected<Error> errno_fail(std::string_view what, int err) {
  const Errc code = (err == ENOSPC || err == EDQUOT)  ? Errc::no_space
                    : (err == ENOENT)                 ? Errc::not_found
                    : (err == EACCES || err == EPERM) ? Errc::permission_denied
                                                      : Errc::io;
  return fail(code, std::string(what) + ": " + std::strerror(err));
}

Status write_all(int fd, std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_fail("write", errno);
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

Status fsync_fd(int fd) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return errno_fail("fsync", errno);
  }
  return {};
}

}  // namespace

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

UniqueFd::UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

int UniqueFd::release() noexcept {
  return std::exchange(fd_, -1);
}

Status UniqueFd::close() {
  const int fd = std::exchange(fd_, -1);
  if (fd < 0) return {};
  if (::close(fd) != 0 && errno != EINTR) return errno_fail("close", errno);
  return {};
}

Result<UniqueFd> open_for_reading(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_fail("open " + path.string(), errno);
  return UniqueFd(fd);
}

Result<std::size_t> pread_full(int fd, std::span<std::uint8_t> out, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n =
        ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_fail("pread", errno);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

Status pwrite_full(int fd, std::span<const std::uint8_t> bytes, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_fail("pwrite", errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

Result<std::unique_ptr<FdSource>> FdSource::open(const std::filesystem::path& path) {
  auto fd = open_for_reading(path);
  if (!fd) return tl::unexpected(fd.error());
  return std::make_unique<FdSource>(std::move(*fd));
}

Result<std::size_t> FdSource::read(std::span<std::uint8_t> out) {
  for (;;) {
    const ssize_t n = ::read(fd_, out.data(), out.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return errno_fail("read", errno);
  }
}

Result<std::size_t> PreadSource::read(std::span<std::uint8_t> out) {
  for (;;) {
    const ssize_t n = ::pread(fd_, out.data(), out.size(), static_cast<off_t>(offset_));
    if (n >= 0) {
      offset_ += static_cast<std::uint64_t>(n);
      return static_cast<std::size_t>(n);
    }
    if (errno != EINTR) return errno_fail("pread", errno);
  }
}

Result<std::size_t> MemorySource::read(std::span<std::uint8_t> out) {
  const std::size_t n = std::min(out.size(), bytes_.size());
  std::copy_n(bytes_.begin(), n, out.begin());
  bytes_ = bytes_.subspan(n);
  return n;
}

Result<std::unique_ptr<FdSink>> FdSink::create(const std::filesystem::path& path,
                                               FileDurability durability) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno_fail("create " + path.string(), errno);
  return std::make_unique<FdSink>(UniqueFd(fd), durability);
}

Status FdSink::write(std::span<const std::uint8_t> bytes) {
  return write_all(fd_, bytes);
}

Status FdSink::sync() {
  while (::fdatasync(fd_) != 0) {
    if (errno != EINTR) return errno_fail("fdatasync", errno);
  }
  return {};
}

Status FdSink::close() {
  if (durability_ == FileDurability::sync_on_close) {
    if (auto ok = fsync_fd(fd_); !ok) return ok;
  }
  if (owned_.valid()) {
    fd_ = -1;
    return owned_.close();
  }
  return {};
}

Status VectorSink::write(std::span<const std::uint8_t> bytes) {
  out_->insert(out_->end(), bytes.begin(), bytes.end());
  return {};
}

Result<std::unique_ptr<AtomicFileSink>> AtomicFileSink::create(const std::filesystem::path& path) {
  std::filesystem::path temp = path;
  temp += ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno_fail("create " + temp.string(), errno);
  return std::unique_ptr<AtomicFileSink>(new AtomicFileSink(UniqueFd(fd), path, std::move(temp)));
}

AtomicFileSink::~AtomicFileSink() {
  if (!committed_) {
    (void)fd_.close();
    ::unlink(temp_.c_str());
  }
}

Status AtomicFileSink::write(std::span<const std::uint8_t> bytes) {
  if (!fd_.valid()) return fail(Errc::internal, "write after close");
  return write_all(fd_.get(), bytes);
}

Status AtomicFileSink::sync() {
  if (!fd_.valid()) return {};
  while (::fdatasync(fd_.get()) != 0) {
    if (errno != EINTR) return errno_fail("fdatasync", errno);
  }
  return {};
}

Status AtomicFileSink::close() {
  if (committed_) return {};
  if (!fd_.valid()) return fail(Errc::internal, "close after a failed close");
  if (auto ok = fsync_fd(fd_.get()); !ok) return ok;
  if (auto ok = fd_.close(); !ok) return ok;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    return errno_fail("rename " + temp_.string() + " to " + path_.string(), errno);
  }
  committed_ = true;
  // Make the rename itself durable.
  std::filesystem::path dir = path_.parent_path();
  if (dir.empty()) dir = ".";
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    UniqueFd owner(dir_fd);
    (void)fsync_fd(dir_fd);  // best effort: some file systems refuse fsync on directories
  }
  return {};
}

BufferedSource::BufferedSource(ByteSource& source, std::size_t buffer_size)
    : source_(&source), buffer_(std::max<std::size_t>(buffer_size, 256)) {}

Result<bool> BufferedSource::fill() {
  if (eof_) return false;
  if (begin_ == end_) {
    begin_ = end_ = 0;
  } else if (end_ == buffer_.size()) {
    if (begin_ == 0) return true;  // full: the caller must consume first
    std::copy(buffer_.begin() + static_cast<std::ptrdiff_t>(begin_),
              buffer_.begin() + static_cast<std::ptrdiff_t>(end_), buffer_.begin());
    end_ -= begin_;
    begin_ = 0;
  }
  auto n = source_->read(std::span(buffer_).subspan(end_));
  if (!n) return tl::unexpected(n.error());
  if (*n == 0) {
    eof_ = true;
    return false;
  }
  end_ += *n;
  return true;
}

Result<BufferedSource::LineEnd> BufferedSource::read_line(std::string& line,
                                                          std::size_t max_bytes) {
  std::size_t taken = 0;
  for (;;) {
    const auto first = buffer_.begin() + static_cast<std::ptrdiff_t>(begin_);
    const auto last = buffer_.begin() + static_cast<std::ptrdiff_t>(end_);
    const auto lf = std::find(first, last, std::uint8_t{'\n'});
    const bool found = lf != last;
    const auto available = static_cast<std::size_t>((found ? lf + 1 : last) - first);
    const std::size_t n = std::min(available, max_bytes - taken);
    line.append(reinterpret_cast<const char*>(buffer_.data() + begin_), n);
    begin_ += n;
    consumed_ += n;
    taken += n;
    if (found && n == available) return LineEnd::lf;
    if (taken >= max_bytes) return LineEnd::too_long;
    auto more = fill();
    if (!more) return tl::unexpected(more.error());
    if (!*more) return LineEnd::eof;
  }
}

Result<std::size_t> BufferedSource::read_full(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    if (begin_ == end_) {
      // Large reads bypass the buffer.
      if (out.size() - done >= buffer_.size() && !eof_) {
        auto n = source_->read(out.subspan(done));
        if (!n) return tl::unexpected(n.error());
        if (*n == 0) {
          eof_ = true;
          break;
        }
        done += *n;
        consumed_ += *n;
        continue;
      }
      auto more = fill();
      if (!more) return tl::unexpected(more.error());
      if (!*more) break;
    }
    const std::size_t n = std::min(out.size() - done, end_ - begin_);
    std::copy_n(buffer_.begin() + static_cast<std::ptrdiff_t>(begin_), n,
                out.begin() + static_cast<std::ptrdiff_t>(done));
    begin_ += n;
    consumed_ += n;
    done += n;
  }
  return done;
}

Result<std::span<const std::uint8_t>> BufferedSource::peek(std::size_t n) {
  n = std::min(n, buffer_.size());
  while (end_ - begin_ < n) {
    if (end_ == buffer_.size() && begin_ > 0) {
      std::copy(buffer_.begin() + static_cast<std::ptrdiff_t>(begin_),
                buffer_.begin() + static_cast<std::ptrdiff_t>(end_), buffer_.begin());
      end_ -= begin_;
      begin_ = 0;
    }
    auto more = fill();
    if (!more) return tl::unexpected(more.error());
    if (!*more) break;
  }
  return std::span<const std::uint8_t>(buffer_.data() + begin_, std::min(n, end_ - begin_));
}

}  // namespace clinvid::crypto
