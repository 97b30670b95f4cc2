// Where `clinvid encrypt/decrypt` write: a regular file (through OUT.tmp + rename, so a failure
// leaves nothing), an existing special file such as /dev/null or a FIFO (written in place), or
// stdout. Checked before any key or passphrase is asked for.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "crypto/io.hpp"

namespace clinvid::cli {

enum class OutputKind {
  invalid = 0,
  file,     // a regular file or a new one
  special,  // an existing device, FIFO or socket
  stdout_stream,
};

enum class OutputText {
  invalid = 0,
  binary,  // refuse a terminal stdout, as age does
  any,
};

struct OutputTarget {
  OutputKind kind = OutputKind::invalid;
  std::filesystem::path path;  // empty for stdout
};

// Errc::invalid_argument for binary output to a terminal, a directory, or OUT the same file
// as IN.
[[nodiscard]] Result<OutputTarget> plan_output(const std::string& input, const std::string& output,
                                               OutputText text);

// An AtomicFileSink for a file (commit with close()), an FdSink for a special file, a sink on
// stdout otherwise.
[[nodiscard]] Result<std::unique_ptr<crypto::ByteSink>> open_output_sink(
    const OutputTarget& target);

}  // namespace clinvid::cli
