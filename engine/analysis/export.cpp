#include "analysis/export.hpp"

#include <cmath>
#include <cstdio>
#include <set>

namespace clinvid::analysis {

namespace {

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool valid_header_text(const std::string& text) {
  return text.find('\n') == std::string::npos && text.find('\r') == std::string::npos;
}

void append_number(std::string& out, double value, int decimals) {
  out += ',';
  if (!std::isfinite(value)) return;
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  out += text;
}

}  // namespace

Result<std::string> kinematics_csv(const KinematicsTable& table) {
  std::size_t frames = 0;
  bool first = true;
  std::set<std::string> names;
  const auto check = [&](const std::string& name, std::size_t size) -> Status {
    if (!valid_name(name)) {
      return fail(Errc::invalid_argument,
                  "kinematics export: series name \"" + name + "\" is not [a-z0-9_]+");
    }
    if (!names.insert(name).second) {
      return fail(Errc::invalid_argument, "kinematics export: series \"" + name + "\" repeats");
    }
    if (first) {
      frames = size;
      first = false;
    } else if (size != frames) {
      return fail(Errc::invalid_argument, "kinematics export: series \"" + name + "\" has " +
                                              std::to_string(size) + " frames, others " +
                                              std::to_string(frames));
    }
    return {};
  };
  for (const PointSeries& p : table.points) {
    if (auto ok = check(p.name, p.values.size()); !ok) return tl::unexpected(ok.error());
  }
  for (const ScalarSeries& a : table.measurements) {
    if (auto ok = check(a.name, a.values.size()); !ok) return tl::unexpected(ok.error());
    if (a.unit != "deg" && a.unit != "m" && a.unit != "px") {
      return fail(Errc::invalid_argument, "kinematics export: series \"" + a.name +
                                              "\" has unit \"" + a.unit + "\", not deg, m or px");
    }
  }
  if (table.length_unit != "m" && table.length_unit != "px") {
    return fail(Errc::invalid_argument,
                "kinematics export: length unit \"" + table.length_unit + "\" is not m or px");
  }
  for (const std::string* text : {&table.recording, &table.calibration, &table.filter}) {
    if (!valid_header_text(*text)) {
      return fail(Errc::invalid_argument, "kinematics export: header text has a line break");
    }
  }

  const std::string& u = table.length_unit;
  std::string out = "# clinvid kinematics v1\n";
  if (!table.recording.empty()) out += "# recording: " + table.recording + "\n";
  out += "# frame_rate: " + table.frame_rate.to_string() + " fps\n";
  out += "# calibration: " + table.calibration + "\n";
  out += "# filter: " + table.filter + "\n";
  out += "# coordinates: x forward along the plane of progression, y up\n";
  out +=
      "# units: frame = index; time_s = s (frame / frame_rate); *_m = metres; *_px = pixels; "
      "*_deg = degrees\n";
  out +=
      "# angles: hip flexion = thigh to vertical, + knee forward; knee flexion 0 = straight, "
      "+ flexed; ankle dorsiflexion 0 = foot perpendicular to shank, + toes up\n";
  out += "# empty field = not measured (tracking lost)\n";
  out += "frame,time_s";
  for (const PointSeries& p : table.points)
    out += "," + p.name + "_x_" + u + "," + p.name + "_y_" + u;
  for (const ScalarSeries& a : table.measurements) out += "," + a.name + "_" + a.unit;
  out += '\n';
  const int length_decimals = u == "m" ? 6 : 3;
  for (std::size_t i = 0; i < frames; ++i) {
    const std::int64_t frame = table.first_frame + static_cast<std::int64_t>(i);
    out += std::to_string(frame);
    append_number(out, Time::frames(frame, table.frame_rate).seconds(), 6);
    for (const PointSeries& p : table.points) {
      append_number(out, p.values[i].x, length_decimals);
      append_number(out, p.values[i].y, length_decimals);
    }
    for (const ScalarSeries& a : table.measurements) {
      append_number(out, a.values[i], a.unit == "m" ? 6 : 3);
    }
    out += '\n';
  }
  return out;
}

}  // namespace clinvid::analysis
