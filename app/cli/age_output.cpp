#include "age_output.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include "age_cli_common.h"

namespace clinvid::cli {

Result<OutputTarget> plan_output(const std::string& input, const std::string& output,
                                 OutputText text) {
  if (is_std_stream(output)) {
    if (text == OutputText::binary && ::isatty(STDOUT_FILENO) != 0) {
      return fail(Errc::invalid_argument,
                  "refusing to write binary output to a terminal; use -a or -o FILE");
    }
    return OutputTarget{OutputKind::stdout_stream, {}};
  }
  const PathKind kind = output_path_kind(output);
  if (kind == PathKind::directory) return fail(Errc::invalid_argument, output + " is a directory");
  if (!is_std_stream(input) && same_file(input, output)) {
    return fail(Errc::invalid_argument, "OUT must not be the same file as IN");
  }
  return OutputTarget{kind == PathKind::special ? OutputKind::special : OutputKind::file, output};
}

Result<std::unique_ptr<crypto::ByteSink>> open_output_sink(const OutputTarget& target) {
  switch (target.kind) {
    case OutputKind::file: {
      auto sink = crypto::AtomicFileSink::create(target.path);
      if (!sink) return tl::unexpected(sink.error());
      return std::unique_ptr<crypto::ByteSink>(std::move(*sink));
    }
    case OutputKind::special: {
      crypto::UniqueFd fd(::open(target.path.c_str(), O_WRONLY | O_CLOEXEC));
      if (!fd.valid()) {
        return fail(Errc::io, "open " + target.path.string() + ": " + std::strerror(errno));
      }
      return std::unique_ptr<crypto::ByteSink>(
          std::make_unique<crypto::FdSink>(std::move(fd), crypto::FileDurability::none));
    }
    case OutputKind::stdout_stream:
      return std::unique_ptr<crypto::ByteSink>(std::make_unique<crypto::CallbackSink>(
          [](std::span<const std::uint8_t> bytes) { return write_all(STDOUT_FILENO, bytes); }));
    case OutputKind::invalid: break;
  }
  return fail(Errc::internal, "no output planned");
}

}  // namespace clinvid::cli
