#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/id.hpp"
#include "core/json.hpp"

namespace clinvid {
namespace {

TEST(Json, ParseErrorsSayWhere) {
  const auto broken = parse_json("{\"a\": 1,, }");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, Errc::corrupt);
  EXPECT_NE(broken.error().detail.find("byte 9"), std::string::npos) << broken.error().detail;
}

TEST(Json, TypedFieldsNameTheField) {
  const Json doc = parse_json(R"({"speed": "fast", "width": 1920, "name": "wide"})").value();
  EXPECT_EQ(json_get<int>(doc, "width", "/output").value(), 1920);
  EXPECT_EQ(json_get<std::string>(doc, "name", "").value(), "wide");
  const auto bad = json_get<double>(doc, "speed", "/tracks/2");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().detail, "at /tracks/2/speed: expected number, got string");
  const auto missing = json_get<int>(doc, "height", "/output");
  EXPECT_EQ(missing.error().detail, "at /output/height: required field is missing");
  EXPECT_EQ(json_get_or<int>(doc, "height", "/output", 1080).value(), 1080);
  EXPECT_FALSE(json_get_or<int>(doc, "name", "/output", 1));
  EXPECT_FALSE(json_get<int>(Json::array(), "x", "/list"));
  EXPECT_FALSE(json_get<unsigned>(parse_json(R"({"n": -1})").value(), "n", ""));
}

TEST(Json, RationalAndTimeRoundTrip) {
  const Rational ntsc = Rational::make(30000, 1001).value();
  EXPECT_EQ(rational_from_json(to_json(ntsc), "/rate").value(), ntsc);
  const Time t(-1234, ntsc.inverse());
  EXPECT_EQ(time_from_json(to_json(t), "/in").value().value(), -1234);
  EXPECT_FALSE(time_from_json("12", "/in"));
  EXPECT_FALSE(time_from_json("*1/2", "/in"));
  EXPECT_FALSE(time_from_json("1*0/2", "/in"));
  EXPECT_FALSE(rational_from_json(25, "/rate"));
}

TEST(Json, AtomicWriteReplacesWhole) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("clinvid-json-" + Uuid::random().to_string() + ".json");
  ASSERT_TRUE(write_json_file_atomic(path, Json{{"v", 1}}));
  ASSERT_TRUE(write_json_file_atomic(path, Json{{"v", 2}}));
  EXPECT_EQ(read_json_file(path).value()["v"], 2);
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  std::filesystem::remove(path);
  EXPECT_EQ(read_json_file(path).error().code, Errc::not_found);
  EXPECT_FALSE(write_json_file_atomic("/nonexistent-dir/x.json", Json{}));
}

}  // namespace
}  // namespace clinvid
