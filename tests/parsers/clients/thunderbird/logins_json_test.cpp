#include "parsers/clients/thunderbird/logins_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "src/io/read_file.h"
#include "tests/parsers/clients/thunderbird/guid_shape.h"

namespace mailmig {
namespace {

const std::string kGuid = "{11111111-2222-4333-8444-555555555555}";
std::string fixed_guid() { return kGuid; }

std::string read_bytes(const std::string& path) {
  const ReadResult read = read_file(path);
  EXPECT_TRUE(read.ok) << read.error;
  return read.bytes;
}

const std::string kSmall =
    R"({"nextId":3,"logins":[{"id":1,"hostname":"mailbox://pop.a.jp","httpRealm":"mailbox://pop.a.jp",)"
    R"("formSubmitURL":null,"encryptedUsername":"VVNFUg==","encryptedPassword":"UEFTUw==",)"
    R"("guid":"{g-1}","x":[1,{"y":"}]"}]},{"id":2,"hostname":"smtp://smtp.a.jp",)"
    R"("httpRealm":"smtp://smtp.a.jp","guid":"{g-2}"}],"version":3})";

TEST(LoginsJson, ReadsLoginsWithoutExposingSecrets) {
  LoginsJson logins;
  ASSERT_TRUE(logins.load(kSmall));
  ASSERT_EQ(logins.logins().size(), 2u);
  const SavedLogin& first = logins.logins()[0];
  EXPECT_EQ(first.id, 1);
  EXPECT_EQ(first.hostname, "mailbox://pop.a.jp");
  EXPECT_EQ(first.http_realm, "mailbox://pop.a.jp");
  EXPECT_EQ(first.guid, "{g-1}");
  EXPECT_TRUE(first.has_encrypted_username);
  EXPECT_TRUE(first.has_encrypted_password);
  EXPECT_FALSE(logins.logins()[1].has_encrypted_password);
  EXPECT_TRUE(logins.has_origin("MAILBOX://POP.A.JP"));
  EXPECT_FALSE(logins.has_origin("mailbox://pop.a"));
  EXPECT_EQ(logins.serialize(), kSmall);
}

TEST(LoginsJson, KeysWrittenWithEscapesAreDecoded) {
  // "\u006cogins" is "logins" and "host\u006eame" is "hostname": JSON allows either spelling.
  const std::string text =
      R"({"nextId":2,"\u006cogins":[{"id":1,"host\u006eame":"smtp://smtp.a.jp","guid":"{g-1}"}]})";
  LoginsJson logins;
  ASSERT_TRUE(logins.load(text));
  ASSERT_EQ(logins.logins().size(), 1u);
  EXPECT_EQ(logins.logins()[0].hostname, "smtp://smtp.a.jp");
  EXPECT_TRUE(logins.has_origin("smtp://smtp.a.jp"));
  EXPECT_EQ(logins.serialize(), text);
}

TEST(LoginsJson, CopyAppendsACompactObjectAndBumpsNextId) {
  LoginsJson logins;
  ASSERT_TRUE(logins.load(kSmall));
  EXPECT_EQ(logins.copy_origin("mailbox://POP.a.jp", "smtp://smtp.b.jp", fixed_guid), 1u);
  EXPECT_EQ(
      logins.serialize(),
      R"({"nextId":4,"logins":[{"id":1,"hostname":"mailbox://pop.a.jp","httpRealm":"mailbox://pop.a.jp",)"
      R"("formSubmitURL":null,"encryptedUsername":"VVNFUg==","encryptedPassword":"UEFTUw==",)"
      R"("guid":"{g-1}","x":[1,{"y":"}]"}]},{"id":2,"hostname":"smtp://smtp.a.jp",)"
      R"("httpRealm":"smtp://smtp.a.jp","guid":"{g-2}"},{"id":3,"hostname":"smtp://smtp.b.jp",)"
      R"("httpRealm":"smtp://smtp.b.jp","formSubmitURL":null,"encryptedUsername":"VVNFUg==",)"
      R"("encryptedPassword":"UEFTUw==","guid":"{11111111-2222-4333-8444-555555555555}",)"
      R"("x":[1,{"y":"}]"}]}],"version":3})");
  ASSERT_EQ(logins.logins().size(), 3u);
  EXPECT_EQ(logins.logins()[2].id, 3);
  EXPECT_EQ(logins.copy_origin("imap://none.jp", "smtp://x.jp", fixed_guid), 0u);
}

TEST(LoginsJson, CopyKeepsTheSourcesStyleAndAddsMissingMembers) {
  LoginsJson pretty;
  ASSERT_TRUE(
      pretty.load("{\n  \"nextId\": 2,\n  \"logins\": [\n    {\"id\": 1, \"hostname\": "
                  "\"imap://i.jp\", \"httpRealm\": \"imap://i.jp\", \"guid\": \"{g}\"}\n"
                  "  ]\n}\n"));
  EXPECT_EQ(pretty.copy_origin("imap://i.jp", "smtp://s.jp", fixed_guid), 1u);
  EXPECT_EQ(pretty.serialize(),
            "{\n  \"nextId\": 3,\n  \"logins\": [\n    {\"id\": 1, \"hostname\": \"imap://i.jp\", "
            "\"httpRealm\": \"imap://i.jp\", \"guid\": \"{g}\"},{\"id\": 2, \"hostname\": "
            "\"smtp://s.jp\", \"httpRealm\": \"smtp://s.jp\", \"guid\": \"" +
                kGuid + "\"}\n  ]\n}\n");

  LoginsJson sparse;
  ASSERT_TRUE(
      sparse.load(R"({"nextId":5,"logins":[{"hostname":"imap://i.jp","encryptedPassword":"P"}]})"));
  EXPECT_EQ(sparse.copy_origin("imap://i.jp", "smtp://s.jp", fixed_guid), 1u);
  EXPECT_EQ(sparse.serialize(),
            R"({"nextId":6,"logins":[{"hostname":"imap://i.jp","encryptedPassword":"P"},)"
            R"({"id":5,"httpRealm":"smtp://s.jp","guid":")" +
                kGuid + R"(","hostname":"smtp://s.jp","encryptedPassword":"P"}]})");

  LoginsJson no_next_id;
  const std::string without = R"({"logins":[{"id":1,"hostname":"imap://i.jp"}]})";
  ASSERT_TRUE(no_next_id.load(without));
  EXPECT_EQ(no_next_id.copy_origin("imap://i.jp", "smtp://s.jp", fixed_guid), 0u);
  EXPECT_EQ(no_next_id.serialize(), without);
}

TEST(LoginsJson, RenameChangesHostnameAndRealmOnly) {
  const std::string path = std::string(MAILMIG_SOURCE_DIR) + "/fixtures/thunderbird/logins.json";
  const std::string text = read_bytes(path);
  LoginsJson logins;
  ASSERT_TRUE(logins.load(text));
  EXPECT_EQ(logins.rename_origin("mailbox://pop.iis.u-tokyo.ac.jp", "mailbox://pop.gmail.com"), 1u);
  std::string expected = text;
  for (int i = 0; i < 2; ++i) {
    expected.replace(expected.find("mailbox://pop.iis.u-tokyo.ac.jp"), 31,
                     "mailbox://pop.gmail.com");
  }
  EXPECT_EQ(logins.serialize(), expected);
  EXPECT_EQ(logins.logins()[0].hostname, "mailbox://pop.gmail.com");
  EXPECT_EQ(logins.rename_origin("mailbox://pop.iis.u-tokyo.ac.jp", "mailbox://x"), 0u);
}

TEST(LoginsJson, PeerSampleRoundTripsAndCopiesFromPop3Origin) {
  const std::string path =
      std::string(MAILMIG_SHARED_DIR) + "/peer-samples/real-clients/thunderbird-153/logins.json";
  const ReadResult read = read_file(path);
  ASSERT_TRUE(read.ok) << read.error;
  LoginsJson logins;
  ASSERT_TRUE(logins.load(read.bytes));
  EXPECT_EQ(logins.serialize(), read.bytes);
  ASSERT_EQ(logins.logins().size(), 3u);
  EXPECT_EQ(logins.logins()[1].hostname, "pop3://pop.example.ac.jp");

  ASSERT_EQ(logins.copy_origin("pop3://pop.example.ac.jp", "smtp://smtp.example.ac.jp", fixed_guid),
            1u);
  const std::string& text = read.bytes;
  const std::size_t second = text.find("{\"id\":2,");
  const std::size_t third = text.find(",{\"id\":3,");
  std::string copy = text.substr(second, third - second);
  copy.replace(0, 8, "{\"id\":4,");
  for (int i = 0; i < 2; ++i) {
    copy.replace(copy.find("pop3://pop.example.ac.jp"), 24, "smtp://smtp.example.ac.jp");
  }
  copy.replace(copy.find("{dea3d414-a963-4caf-8175-dd137e218875}"), kGuid.size(), kGuid);
  std::string expected = text;
  expected.insert(expected.find("],\"potentiallyVulnerablePasswords\""), "," + copy);
  expected.replace(0, 11, "{\"nextId\":5");
  EXPECT_EQ(logins.serialize(), expected);
  EXPECT_EQ(nlohmann::json::parse(logins.serialize())["logins"].size(), 4u);
}

TEST(LoginsJson, MalformedFileGivesLineAndNoSecret) {
  const std::string path =
      std::string(MAILMIG_SOURCE_DIR) + "/fixtures/thunderbird/logins-malformed.json";
  LoginsJson logins;
  const ParseResult result = logins.load(read_bytes(path));
  ASSERT_FALSE(result.ok);
  EXPECT_EQ(result.line, 3u);
  EXPECT_EQ(result.describe("logins.json"), "logins.json:3: not valid JSON");

  EXPECT_EQ(logins.load("[]").describe("logins.json"), "logins.json:1: expected a JSON object");
  EXPECT_EQ(logins.load(R"({"logins":{}})").message, "\"logins\" must be an array");
  EXPECT_EQ(logins.load(R"({"logins":[1]})").message, "each login must be a JSON object");
  EXPECT_EQ(logins.load(R"({"nextId":"1"})").message, "\"nextId\" must be an integer");
}

TEST(LoginsJson, MaskHidesEveryEncryptedValue) {
  EXPECT_EQ(
      mask_logins_secrets(kSmall),
      R"({"nextId":3,"logins":[{"id":1,"hostname":"mailbox://pop.a.jp","httpRealm":"mailbox://pop.a.jp",)"
      R"("formSubmitURL":null,"encryptedUsername":"********","encryptedPassword":"********",)"
      R"("guid":"{g-1}","x":[1,{"y":"}]"}]},{"id":2,"hostname":"smtp://smtp.a.jp",)"
      R"("httpRealm":"smtp://smtp.a.jp","guid":"{g-2}"}],"version":3})");
  const std::string masked = mask_logins_secrets(
      read_bytes(std::string(MAILMIG_SOURCE_DIR) + "/fixtures/thunderbird/logins.json"));
  EXPECT_EQ(masked.find("MDIEEP"), std::string::npos);
  EXPECT_NE(masked.find(R"("encryptedUnknownFields":"********")"), std::string::npos);
  EXPECT_EQ(mask_logins_secrets("{\"encryptedPassword\":\"secret\""),
            "(logins.json: not shown, it is not valid JSON)");
}

TEST(LoginsJson, RandomGuidsAreVersion4) {
  const std::string first = random_guid();
  const std::string second = random_guid();
  EXPECT_TRUE(is_v4_guid(first)) << first;
  EXPECT_TRUE(is_v4_guid(second)) << second;
  EXPECT_FALSE(is_v4_guid("{11111111-2222-3333-8444-555555555555}"));
  EXPECT_NE(first, second);
}

}  // namespace
}  // namespace mailmig
