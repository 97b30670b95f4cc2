// Byte sources and sinks the age reader and writer run on: file descriptors, memory, callbacks,
// and a sink that writes `<path>.tmp` and renames it into place only when the file is complete.
//
// Ownership: each class owns what it wraps unless its name or constructor says "borrowed".
// Threading: one thread at a time per object; different objects are independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace clinvid::crypto {

// Owns a POSIX file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() noexcept = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept;
  UniqueFd& operator=(UniqueFd&& other) noexcept;

  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  [[nodiscard]] int release() noexcept;
  // close(2) with its error reported (close errors can mean lost writes on NFS).
  [[nodiscard]] Status close();

 private:
  int fd_ = -1;
};

[[nodiscard]] Result<UniqueFd> open_for_reading(const std::filesystem::path& path);
// pread(2) until `out` is full or end of file; returns the bytes read. Retries EINTR.
[[nodiscard]] Result<std::size_t> pread_full(int fd, std::span<std::uint8_t> out,
                                             std::uint64_t offset);
// pwrite(2) all of `bytes` at `offset`. Errc::no_space when the disk is full.
[[nodiscard]] Status pwrite_full(int fd, std::span<const std::uint8_t> bytes, std::uint64_t offset);

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to out.size() bytes; 0 means end of stream (and only then, for a non-empty out).
  [[nodiscard]] virtual Result<std::size_t> read(std::span<std::uint8_t> out) = 0;
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Writes all of `bytes` or fails.
  [[nodiscard]] virtual Status write(std::span<const std::uint8_t> bytes) = 0;
  // Makes what was written durable (fdatasync for files); a no-op where that means nothing.
  [[nodiscard]] virtual Status sync() { return {}; }
  // Called once when the stream is complete (an AtomicFileSink renames into place here).
  [[nodiscard]] virtual Status close() { return {}; }
};

// Reads a file descriptor from its current position with read(2).
class FdSource final : public ByteSource {
 public:
  explicit FdSource(UniqueFd fd) noexcept : owned_(std::move(fd)), fd_(owned_.get()) {}
  [[nodiscard]] static FdSource borrowed(int fd) noexcept { return FdSource(fd); }
  [[nodiscard]] static Result<std::unique_ptr<FdSource>> open(const std::filesystem::path& path);
  [[nodiscard]] Result<std::size_t> read(std::span<std::uint8_t> out) override;

 private:
  explicit FdSource(int borrowed_fd) noexcept : fd_(borrowed_fd) {}
  UniqueFd owned_;
  int fd_ = -1;
};

// Reads a file descriptor with pread(2) from `offset` on, keeping its own position, so several
// readers may share one descriptor.
class PreadSource final : public ByteSource {
 public:
  PreadSource(int borrowed_fd, std::uint64_t offset) noexcept : fd_(borrowed_fd), offset_(offset) {}
  [[nodiscard]] Result<std::size_t> read(std::span<std::uint8_t> out) override;
  [[nodiscard]] std::uint64_t offset() const noexcept { return offset_; }

 private:
  int fd_;
  std::uint64_t offset_;
};

// Reads borrowed memory, which must outlive the source.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::span<const std::uint8_t> bytes) noexcept : bytes_(bytes) {}
  [[nodiscard]] Result<std::size_t> read(std::span<std::uint8_t> out) override;

 private:
  std::span<const std::uint8_t> bytes_;
};

// Pulls bytes from a callback with ByteSource::read's contract.
class CallbackSource final : public ByteSource {
 public:
  using ReadFn = std::function<Result<std::size_t>(std::span<std::uint8_t>)>;
  explicit CallbackSource(ReadFn read) : read_(std::move(read)) {}
  [[nodiscard]] Result<std::size_t> read(std::span<std::uint8_t> out) override {
    return read_(out);
  }

 private:
  ReadFn read_;
};

enum class FileDurability {
  invalid = 0,
  none,           // close without fsync
  sync_on_close,  // fsync before close (and, for AtomicFileSink, before the rename)
};

// Writes to a file descriptor with write(2), appending at its position.
class FdSink final : public ByteSink {
 public:
  FdSink(UniqueFd fd, FileDurability durability) noexcept
      : owned_(std::move(fd)), fd_(owned_.get()), durability_(durability) {}
  [[nodiscard]] static FdSink borrowed(int fd) noexcept { return FdSink(fd); }
  // Creates (or truncates) `path` with mode 0600.
  [[nodiscard]] static Result<std::unique_ptr<FdSink>> create(const std::filesystem::path& path,
                                                              FileDurability durability);
  [[nodiscard]] Status write(std::span<const std::uint8_t> bytes) override;
  [[nodiscard]] Status sync() override;
  [[nodiscard]] Status close() override;

 private:
  explicit FdSink(int borrowed_fd) noexcept : fd_(borrowed_fd), durability_(FileDurability::none) {}
  UniqueFd owned_;
  int fd_ = -1;
  FileDurability durability_;
};

// Appends to a vector the caller owns, which must outlive the sink.
class VectorSink final : public ByteSink {
 public:
  explicit VectorSink(std::vector<std::uint8_t>& out) noexcept : out_(&out) {}
  [[nodiscard]] Status write(std::span<const std::uint8_t> bytes) override;

 private:
  std::vector<std::uint8_t>* out_;
};

// Hands every write to a callback (a GStreamer pad push, a socket, a test probe).
class CallbackSink final : public ByteSink {
 public:
  using WriteFn = std::function<Status(std::span<const std::uint8_t>)>;
  using SyncFn = std::function<Status()>;
  explicit CallbackSink(WriteFn write, SyncFn sync = {}, SyncFn close = {})
      : write_(std::move(write)), sync_(std::move(sync)), close_(std::move(close)) {}
  [[nodiscard]] Status write(std::span<const std::uint8_t> bytes) override { return write_(bytes); }
  [[nodiscard]] Status sync() override { return sync_ ? sync_() : Status{}; }
  [[nodiscard]] Status close() override { return close_ ? close_() : Status{}; }

 private:
  WriteFn write_;
  SyncFn sync_;
  SyncFn close_;
};

// Writes `<path>.tmp` (mode 0600); close() fsyncs it, renames it onto `path` and fsyncs the
// directory. Destroyed without a successful close(), it removes the temporary file, so a failed
// or abandoned write never leaves a partial file at `path`.
class AtomicFileSink final : public ByteSink {
 public:
  [[nodiscard]] static Result<std::unique_ptr<AtomicFileSink>> create(
      const std::filesystem::path& path);
  ~AtomicFileSink() override;
  AtomicFileSink(const AtomicFileSink&) = delete;
  AtomicFileSink& operator=(const AtomicFileSink&) = delete;

  [[nodiscard]] Status write(std::span<const std::uint8_t> bytes) override;
  [[nodiscard]] Status sync() override;
  [[nodiscard]] Status close() override;
  // pwrite access for the parallel writers: the descriptor of the temporary file.
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] const std::filesystem::path& temp_path() const noexcept { return temp_; }

 private:
  AtomicFileSink(UniqueFd fd, std::filesystem::path path, std::filesystem::path temp)
      : fd_(std::move(fd)), path_(std::move(path)), temp_(std::move(temp)) {}
  UniqueFd fd_;
  std::filesystem::path path_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

// A read buffer over a ByteSource with line and exact reads, for parsers.
// Counts consumed bytes, so callers know where a header ended.
class BufferedSource {
 public:
  explicit BufferedSource(ByteSource& source, std::size_t buffer_size = 64 * 1024);

  enum class LineEnd { invalid = 0, lf, eof, too_long };
  // Appends one line to `line`, including its LF. `eof`: the stream ended first (whatever was
  // left is appended; nothing for a clean end). `too_long`: no LF within max_bytes.
  [[nodiscard]] Result<LineEnd> read_line(std::string& line, std::size_t max_bytes);
  // Reads until `out` is full or the stream ends; returns the count.
  [[nodiscard]] Result<std::size_t> read_full(std::span<std::uint8_t> out);
  // Up to `n` bytes ahead without consuming them (fewer only at the end of the stream).
  [[nodiscard]] Result<std::span<const std::uint8_t>> peek(std::size_t n);
  [[nodiscard]] std::uint64_t consumed() const noexcept { return consumed_; }

 private:
  [[nodiscard]] Result<bool> fill();  // false at end of stream
  ByteSource* source_;
  std::vector<std::uint8_t> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::uint64_t consumed_ = 0;
  bool eof_ = false;
};

}  // namespace clinvid::crypto
