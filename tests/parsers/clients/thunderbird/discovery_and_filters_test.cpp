#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <string>
#include <vector>

#include "parsers/clients/thunderbird/filter_rules.h"
#include "parsers/clients/thunderbird/profiles_ini.h"
#include "src/io/read_file.h"

namespace mailmig {
namespace {

const std::string kFixtures = std::string(MAILMIG_SOURCE_DIR) + "/fixtures/";

std::string read_bytes(const std::string& path) {
  const ReadResult read = read_file(path);
  EXPECT_TRUE(read.ok) << read.error;
  return read.bytes;
}

std::string absolute(const std::string& path) {
  return boost::filesystem::absolute(path).lexically_normal().generic_string();
}

TEST(ProfilesIni, ReadsProfilesUpToTheFirstGap) {
  EXPECT_EQ(find_thunderbird_profiles(kFixtures + "thunderbird"),
            (std::vector<std::string>{absolute(kFixtures + "thunderbird/Profiles/a1b2c3d4.default"),
                                      "/media/usb/thunderbird-profile"}));
}

TEST(ProfilesIni, SampleHomesAndPeerSample) {
  EXPECT_EQ(find_thunderbird_profiles(kFixtures + "homes/linux/.thunderbird"),
            (std::vector<std::string>{
                absolute(kFixtures + "homes/linux/.thunderbird/k3m9x2ab.default-release"),
                absolute(kFixtures + "homes/linux/.thunderbird/p7q1w5zc.hanako")}));
  EXPECT_EQ(find_thunderbird_profiles(kFixtures + "homes/windows/AppData/Roaming/Thunderbird"),
            (std::vector<std::string>{absolute(
                kFixtures +
                "homes/windows/AppData/Roaming/Thunderbird/Profiles/x8f2k1qz.default-release")}));
  const std::string peer =
      std::string(MAILMIG_SHARED_DIR) + "/peer-samples/real-clients/thunderbird-153";
  ASSERT_TRUE(read_file(peer + "/profiles.ini").ok);
  EXPECT_EQ(find_thunderbird_profiles(peer),
            (std::vector<std::string>{absolute(peer + "/3y0uq3c2.tanaka")}));
}

TEST(ProfilesIni, NoProfilesIniMeansNoProfiles) {
  EXPECT_TRUE(find_thunderbird_profiles(kFixtures + "homes/linux").empty());
  EXPECT_TRUE(find_thunderbird_profiles("/nonexistent/mailmig").empty());
}

TEST(FilterRules, RewritesOnlyFolderUrisOfTheOldServer) {
  const std::string text = read_bytes(kFixtures + "thunderbird/msgFilterRules.dat");
  FilterRules rules;
  ASSERT_TRUE(rules.load(text));
  EXPECT_EQ(rules.serialize(), text);
  EXPECT_EQ(rules.action_values(),
            (std::vector<std::string>{"imap://tanaka@imap.iis.u-tokyo.ac.jp/INBOX/lab",
                                      "imap://tanaka@imap.iis.u-tokyo.ac.jp.example/INBOX"}));
  EXPECT_EQ(rules.rewrite_folder_uris("imap://tanaka@imap.iis.u-tokyo.ac.jp",
                                      "imap://tanaka%40gmail.com@imap.gmail.com"),
            1u);
  std::string expected = text;
  expected.replace(expected.find("imap://tanaka@imap.iis.u-tokyo.ac.jp/INBOX/lab"), 36,
                   "imap://tanaka%40gmail.com@imap.gmail.com");
  EXPECT_EQ(rules.serialize(), expected);
  EXPECT_EQ(rules.action_values()[0], "imap://tanaka%40gmail.com@imap.gmail.com/INBOX/lab");
}

TEST(FilterRules, ServerUriBoundary) {
  EXPECT_TRUE(uri_is_below("imap://u@h", "imap://u@h"));
  EXPECT_TRUE(uri_is_below("imap://u@h/INBOX", "imap://u@h"));
  EXPECT_FALSE(uri_is_below("imap://u@h2/INBOX", "imap://u@h"));
  EXPECT_FALSE(uri_is_below("imap://u@", "imap://u@h"));
}

TEST(FilterRules, MalformedFileGivesLine) {
  FilterRules rules;
  const ParseResult result =
      rules.load(read_bytes(kFixtures + "thunderbird/msgFilterRules-malformed.dat"));
  EXPECT_EQ(result.describe("msgFilterRules.dat"),
            "msgFilterRules.dat:3: unterminated value of name");
  EXPECT_EQ(rules.load("version=9").describe("f"), "f:1: expected '\"' after version=");
  EXPECT_EQ(rules.load("\r\n\r\nname \"x\"").describe("f"), "f:3: expected '=' after name");
}

}  // namespace
}  // namespace mailmig
