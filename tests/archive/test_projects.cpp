// Edit projects sealed in the catalogue: never in clear on disk, bound to their name, audited.
#include <sqlite3.h>

#include "archive_fixture.hpp"

namespace clinvid::archive {
namespace {

using testing::ArchiveTest;
using testing::files_containing;

constexpr std::string_view kProject =
    R"({"format":"clinvid-project","version":1,"title":"Hand therapy week 6 — Mrs Example"})";

TEST_F(ArchiveTest, ProjectsAreSealedRevisedListedAndAudited) {
  auto edu = open_as("edu");
  auto first = edu.save_project("hand-therapy", kProject);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->revision, 1);
  EXPECT_EQ(first->created_by, "edu");
  auto second = edu.save_project("hand-therapy", std::string(kProject) + " ");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->revision, 2);
  ASSERT_TRUE(edu.save_project("gait 2.review_b-1", "{}"));

  auto list = edu.list_projects();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2U);
  EXPECT_EQ((*list)[0].name, "gait 2.review_b-1");
  auto loaded = open_as("photo").load_project("hand-therapy");
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(*loaded, std::string(kProject) + " ");

  // The title (which names someone) is nowhere in clear: database, WAL, media, head file.
  EXPECT_TRUE(files_containing(dir_, "Mrs Example").empty());

  auto missing = edu.load_project("nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  for (const char* bad : {"", "../escape", "semi;colon", "quote\"d"}) {
    auto refused = edu.save_project(bad, "{}");
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().code, Errc::invalid_argument) << bad;
  }
  auto locked = Archive::open(dir_);
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->save_project("x", "{}").error().code, Errc::permission_denied);

  int saves = 0, opens = 0;
  ASSERT_TRUE(open_as("aud").export_audit([&](const std::string& line) {
    if (line.find("\"project_save\"") != std::string::npos) ++saves;
    if (line.find("\"project_open\"") != std::string::npos) ++opens;
  }));
  EXPECT_EQ(saves, 3);
  EXPECT_EQ(opens, 1);
}

TEST_F(ArchiveTest, ASealedProjectMovedToAnotherNameDoesNotOpen) {
  auto edu = open_as("edu");
  ASSERT_TRUE(edu.save_project("a", kProject));
  ASSERT_TRUE(edu.save_project("b", "{}"));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "catalogue.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE projects SET sealed_json = (SELECT sealed_json FROM projects "
                         "WHERE name = 'a') WHERE name = 'b'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto moved = edu.load_project("b");
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, Errc::corrupt);
  EXPECT_NE(moved.error().detail.find("altered or moved"), std::string::npos);
  EXPECT_TRUE(edu.load_project("a"));
}

}  // namespace
}  // namespace clinvid::archive
