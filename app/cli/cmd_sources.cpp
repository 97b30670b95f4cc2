#include "cmd_sources.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "age_cli_common.h"
#include "capture/discovery.hpp"
#include "capture/source.hpp"
#include "core/json.hpp"

namespace clinvid::cli {
namespace {

struct SourcesOptions {
  bool json = false;
  bool modes = false;
};

constexpr const char* kTestCameras[] = {"test://theatre", "test://gait", "test://flash"};
constexpr const char* kTestMicrophones[] = {"test://tone"};

ExitCode run_sources(const SourcesOptions& options) {
  auto devices = capture::discover_devices(std::chrono::seconds(2),
                                           std::filesystem::path(CLINVID_GST_PLUGIN_DIR));
  if (!devices) return report_command_error("sources", devices.error());
  if (options.json) {
    Json list = Json::array();
    for (const auto& d : *devices) list.push_back(capture::to_json(d));
    Json out = {{"devices", std::move(list)},
                {"test_cameras", kTestCameras},
                {"test_microphones", kTestMicrophones},
                {"presets", capture::preset_names()}};
    fmt::print("{}\n", out.dump(2));
    return ExitCode::ok;
  }
  for (const auto kind : {capture::DeviceKind::camera, capture::DeviceKind::microphone}) {
    const bool cameras = kind == capture::DeviceKind::camera;
    fmt::print("{}:\n", cameras ? "Cameras" : "Microphones");
    bool any = false;
    for (const auto& d : *devices) {
      if (d.kind != kind) continue;
      any = true;
      fmt::print("  {:<32} {}  ({})\n", d.uri.empty() ? "(no URI)" : d.uri, d.name, d.api);
      if (!options.modes) continue;
      for (const auto& m : d.modes) {
        if (m.width > 0) {
          fmt::print("      {} {} {}x{} @ {}\n", m.media, m.format, m.width, m.height, m.rates);
        } else {
          fmt::print("      {} {} {}\n", m.media, m.format, m.rates);
        }
      }
    }
    if (!any) fmt::print("  (none attached)\n");
    for (const char* uri : cameras ? std::span<const char* const>(kTestCameras)
                                   : std::span<const char* const>(kTestMicrophones)) {
      fmt::print("  {:<32} built-in test source\n", uri);
    }
  }
  fmt::print("Presets: {}\n", fmt::join(capture::preset_names(), ", "));
  return ExitCode::ok;
}

}  // namespace

Command add_sources(CLI::App& parent) {
  auto options = std::make_shared<SourcesOptions>();
  CLI::App* app = parent.add_subcommand("sources", "List cameras and microphones to record from");
  app->add_flag("--modes", options->modes, "Also list every mode (format, size, rates)");
  app->add_flag("--json", options->json, "Print the list as JSON");
  return Command{app, [options] { return run_sources(*options); }};
}

}  // namespace clinvid::cli
