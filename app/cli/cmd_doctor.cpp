#include "cmd_doctor.h"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "doctor_checks.h"

namespace clinvid::cli {
namespace {

using Json = nlohmann::ordered_json;  // keeps keys in the order written, for readers

struct DoctorOptions {
  bool json = false;
};

struct Outcome {
  const Check* check = nullptr;
  CheckResult result;
};

struct Counts {
  std::size_t ok = 0;
  std::size_t warn = 0;
  std::size_t fail = 0;
};

Counts count(const std::vector<Outcome>& outcomes) {
  Counts counts;
  for (const Outcome& o : outcomes) {
    switch (o.result.status) {
      case CheckStatus::ok: ++counts.ok; break;
      case CheckStatus::warn: ++counts.warn; break;
      case CheckStatus::fail:
      case CheckStatus::invalid: ++counts.fail; break;
    }
  }
  return counts;
}

void print_text(const std::vector<Outcome>& outcomes, const Counts& counts) {
  std::size_t name_width = 0;
  for (const Outcome& o : outcomes) name_width = std::max(name_width, o.check->name.size());
  for (const Outcome& o : outcomes) {
    fmt::print("{:<4}  {:<{}}  {}\n", to_display(o.result.status), o.check->name, name_width,
               o.result.detail);
    if (!o.result.fix.empty()) fmt::print("      fix: {}\n", o.result.fix);
  }
  fmt::print("\n{} ok, {} warn, {} FAIL\n", counts.ok, counts.warn, counts.fail);
  const bool needs_packages = std::any_of(outcomes.begin(), outcomes.end(), [](const Outcome& o) {
    return o.result.fix.starts_with("sudo apt-get install");
  });
  if (needs_packages) {
    fmt::print("Or install every dependency at once: bash scripts/install-deps.sh\n");
  }
}

void print_json(const std::vector<Outcome>& outcomes, const Counts& counts) {
  Json checks = Json::array();
  for (const Outcome& o : outcomes) {
    checks.push_back({
        {"name", o.check->name},
        {"category", o.check->category},
        {"status", std::string(to_json_name(o.result.status))},
        {"detail", o.result.detail},
        {"fix", o.result.fix.empty() ? Json(nullptr) : Json(o.result.fix)},
    });
  }
  const Json out{
      {"ok", counts.fail == 0},
      {"summary", {{"ok", counts.ok}, {"warn", counts.warn}, {"fail", counts.fail}}},
      {"checks", std::move(checks)},
  };
  fmt::print("{}\n", out.dump(2));
}

ExitCode run_doctor(const DoctorOptions& options) {
  const std::vector<Check> checks = doctor_checks();
  std::vector<Outcome> outcomes;
  outcomes.reserve(checks.size());
  for (const Check& check : checks) {
    CheckResult result = check.run();
    if (result.status == CheckStatus::invalid) {
      result = {CheckStatus::fail, "internal error: check returned no status", ""};
    }
    outcomes.push_back({&check, std::move(result)});
  }

  const Counts counts = count(outcomes);
  if (options.json) {
    print_json(outcomes, counts);
  } else {
    print_text(outcomes, counts);
  }
  if (counts.fail == 0) return ExitCode::ok;
  return report_error(ExitCode::problem_found,
                      fmt::format("doctor: {} check(s) failed", counts.fail));
}

}  // namespace

Command add_doctor(CLI::App& parent) {
  auto options = std::make_shared<DoctorOptions>();
  CLI::App* app = parent.add_subcommand(
      "doctor", "Check that this machine has everything clinvid needs, and say how to fix gaps");
  app->add_flag("--json", options->json,
                "Print the checks as JSON on stdout: {ok, summary, checks: [...]}");
  return Command{app, [options] { return run_doctor(*options); }};
}

}  // namespace clinvid::cli
