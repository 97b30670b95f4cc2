#include "colour/reference.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace clinvid::colour {
namespace {

// shared/data/colorchecker_reference.csv (X-Rite 2016 specification).
const ChartReference kAfter2014 = {
    ReferenceSet::colorchecker24_after_2014,
    {{
        {"dark skin", {37.54, 14.37, 14.92}, {116, 79, 65}},
        {"light skin", {64.66, 19.27, 17.5}, {197, 144, 127}},
        {"blue sky", {49.32, -3.82, -22.54}, {91, 120, 155}},
        {"foliage", {43.46, -12.74, 22.72}, {91, 108, 64}},
        {"blue flower", {54.94, 9.61, -24.79}, {131, 127, 175}},
        {"bluish green", {70.48, -32.26, -0.37}, {95, 189, 172}},
        {"orange", {62.73, 35.83, 56.5}, {224, 124, 48}},
        {"purplish blue", {39.43, 10.75, -45.17}, {69, 90, 167}},
        {"moderate red", {50.57, 48.64, 16.67}, {197, 80, 95}},
        {"purple", {30.1, 22.54, -20.87}, {93, 58, 104}},
        {"yellow green", {71.77, -24.13, 58.19}, {156, 187, 58}},
        {"orange yellow", {71.51, 18.24, 67.37}, {227, 161, 39}},
        {"blue", {28.37, 15.42, -49.8}, {40, 62, 145}},
        {"green", {54.38, -39.72, 32.27}, {61, 147, 70}},
        {"red", {42.43, 51.05, 28.62}, {178, 54, 57}},
        {"yellow", {81.8, 2.67, 80.41}, {236, 199, 15}},
        {"magenta", {50.63, 51.28, -14.12}, {191, 79, 146}},
        {"cyan", {49.57, -29.71, -28.32}, {0, 133, 165}},
        {"white 9.5 (.05 D)", {95.19, -1.03, 2.93}, {241, 242, 235}},
        {"neutral 8 (.23 D)", {81.29, -0.57, 0.44}, {201, 202, 201}},
        {"neutral 6.5 (.44 D)", {66.89, -0.75, -0.06}, {161, 163, 163}},
        {"neutral 5 (.70 D)", {50.76, -0.13, 0.14}, {121, 121, 121}},
        {"neutral 3.5 (1.05 D)", {35.63, -0.46, -0.48}, {83, 84, 85}},
        {"black 2 (1.5 D)", {20.64, 0.07, -0.46}, {50, 50, 50}},
    }}};

// shared/data/colorchecker_reference_pre2014.csv (GretagMacbeth 2005 data).
const ChartReference kBefore2014 = {
    ReferenceSet::colorchecker24_before_2014,
    {{
        {"dark skin", {37.986, 13.555, 14.059}, {115, 81, 67}},
        {"light skin", {65.711, 18.13, 17.81}, {199, 147, 129}},
        {"blue sky", {49.927, -4.88, -21.925}, {91, 122, 156}},
        {"foliage", {43.139, -13.095, 21.905}, {90, 108, 64}},
        {"blue flower", {55.112, 8.844, -25.399}, {130, 128, 176}},
        {"bluish green", {70.719, -33.397, -0.199}, {92, 190, 172}},
        {"orange", {62.661, 36.067, 57.096}, {224, 124, 47}},
        {"purplish blue", {40.02, 10.41, -45.964}, {68, 91, 170}},
        {"moderate red", {51.124, 48.239, 16.248}, {198, 82, 97}},
        {"purple", {30.325, 22.976, -21.587}, {94, 58, 106}},
        {"yellow green", {72.532, -23.709, 57.255}, {159, 189, 63}},
        {"orange yellow", {71.941, 19.363, 67.857}, {230, 162, 39}},
        {"blue", {28.778, 14.179, -50.297}, {35, 63, 147}},
        {"green", {55.261, -38.342, 31.37}, {67, 149, 74}},
        {"red", {42.101, 53.378, 28.19}, {180, 49, 57}},
        {"yellow", {81.733, 4.039, 79.819}, {238, 198, 20}},
        {"magenta", {51.935, 49.986, -14.574}, {193, 84, 151}},
        {"cyan", {51.038, -28.631, -28.638}, {0, 136, 170}},
        {"white 9.5 (.05 D)", {96.539, -0.425, 1.186}, {245, 245, 243}},
        {"neutral 8 (.23 D)", {81.257, -0.638, -0.335}, {200, 202, 202}},
        {"neutral 6.5 (.44 D)", {66.766, -0.734, -0.504}, {161, 163, 163}},
        {"neutral 5 (.70 D)", {50.867, -0.153, -0.27}, {121, 121, 122}},
        {"neutral 3.5 (1.05 D)", {35.656, -0.421, -1.231}, {82, 84, 86}},
        {"black 2 (1.5 D)", {20.461, -0.079, -0.973}, {49, 49, 51}},
    }}};

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) {
    while (!field.empty() && (field.back() == '\r' || field.back() == ' ')) field.pop_back();
    fields.push_back(field);
  }
  return fields;
}

Result<double> parse_number(const std::string& text, const std::string& where) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  return fail(Errc::corrupt, where + ": \"" + text + "\" is not a number");
}

}  // namespace

std::string_view to_string(ReferenceSet set) noexcept {
  switch (set) {
    case ReferenceSet::colorchecker24_after_2014: return "colorchecker24_after_nov2014";
    case ReferenceSet::colorchecker24_before_2014: return "colorchecker24_before_nov2014";
    case ReferenceSet::invalid: break;
  }
  return "invalid";
}

Result<ReferenceSet> parse_reference_set(std::string_view name) {
  for (const ReferenceSet s :
       {ReferenceSet::colorchecker24_after_2014, ReferenceSet::colorchecker24_before_2014}) {
    if (name == to_string(s)) return s;
  }
  return fail(Errc::invalid_argument, "unknown reference set \"" + std::string(name) + "\"");
}

std::array<Vec3, kPatchCount> ChartReference::lab() const {
  std::array<Vec3, kPatchCount> out{};
  for (std::size_t i = 0; i < kPatchCount; ++i) out[i] = patches[i].lab_d50;
  return out;
}

const ChartReference& builtin_reference(ReferenceSet set) noexcept {
  return set == ReferenceSet::colorchecker24_before_2014 ? kBefore2014 : kAfter2014;
}

Result<ChartReference> load_reference_csv(const std::filesystem::path& path, ReferenceSet set) {
  std::ifstream in(path);
  if (!in) return fail(Errc::not_found, "cannot open " + path.string());
  const std::array<std::string, 8> wanted = {"patch", "name",   "L",      "a",
                                             "b",     "sRGB_R", "sRGB_G", "sRGB_B"};
  std::map<std::string, std::size_t> column;
  ChartReference ref;
  ref.set = set;
  std::array<bool, kPatchCount> seen{};
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> fields = split_csv_line(line);
    const std::string where = path.string() + ":" + std::to_string(line_no);
    if (column.empty()) {
      for (std::size_t i = 0; i < fields.size(); ++i) column[fields[i]] = i;
      for (const std::string& w : wanted) {
        if (!column.contains(w)) return fail(Errc::corrupt, where + ": no column \"" + w + "\"");
      }
      continue;
    }
    std::array<double, 8> v{};
    for (std::size_t k = 0; k < wanted.size(); ++k) {
      const std::size_t c = column[wanted[k]];
      if (c >= fields.size()) return fail(Errc::corrupt, where + ": missing " + wanted[k]);
      if (k == 1) continue;
      auto n = parse_number(fields[c], where);
      if (!n) return tl::unexpected(n.error());
      v[k] = *n;
    }
    const auto patch = static_cast<long>(v[0]);
    if (patch < 1 || patch > static_cast<long>(kPatchCount) ||
        seen[static_cast<std::size_t>(patch - 1)]) {
      return fail(Errc::corrupt, where + ": patch number out of range or repeated");
    }
    const auto i = static_cast<std::size_t>(patch - 1);
    seen[i] = true;
    ref.patches[i] = {fields[column["name"]],
                      {v[2], v[3], v[4]},
                      {static_cast<int>(v[5]), static_cast<int>(v[6]), static_cast<int>(v[7])}};
  }
  for (std::size_t i = 0; i < kPatchCount; ++i) {
    if (!seen[i]) {
      return fail(Errc::corrupt, path.string() + ": patch " + std::to_string(i + 1) + " missing");
    }
  }
  return ref;
}

}  // namespace clinvid::colour
