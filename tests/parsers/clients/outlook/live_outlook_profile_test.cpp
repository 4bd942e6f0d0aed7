// Outlook profiles in the live registry, over a registry store standing in for it (a .reg
// export's RegFileStore): discovery of every place Outlook and Outlook Express keep accounts,
// edits staged in memory until apply commits them, and the .reg backup that keeps each old
// value's type and bytes exactly.
#include "parsers/clients/outlook/live_outlook_profile.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parsers/formats/reg/reg_file.h"
#include "parsers/formats/reg/registry_store.h"
#include "src/encoding/codec.h"
#include "src/io/read_file.h"

namespace mailmig {
namespace {

const std::string kOffice16Profile =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook";
const std::string kOffice16Account =
    kOffice16Profile + "\\9375CFF0413111d3B88A00104B2A6676\\00000002";
const std::string kIamAccounts =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts";
const std::string kOmiAccounts =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\Outlook\\OMI Account Manager\\Accounts";
const std::string kMessagingProfile =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Windows Messaging "
    "Subsystem\\Profiles\\既定";

RegFile parse_export(const std::string& bytes) {
  RegFile file;
  const ParseResult parsed = RegFile::parse(bytes, file);
  EXPECT_TRUE(parsed) << parsed.describe("export");
  return file;
}

std::string version5(const std::string& utf8) {
  return "\xff\xfe" +
         from_utf8("Windows Registry Editor Version 5.00\r\n\r\n" + utf8, "UTF-16LE").text;
}

// A POP3 account key as Outlook 2016 writes it (strings REG_BINARY UTF-16LE).
std::string mapi_account(const std::string& key) {
  return "[" + key +
         "]\r\n"
         "\"POP3 Server\"=hex:70,00,6f,00,70,00,00,00\r\n"
         "\"SMTP Server\"=hex:73,00,6d,00,74,00,70,00,00,00\r\n"
         "\"SMTP Port\"=dword:00000019\r\n\r\n";
}

// An Outlook Express / Outlook 98-2002 account (REG_SZ strings).
std::string iam_account(const std::string& key) {
  return "[" + key +
         "]\r\n"
         "\"POP3 Server\"=\"pop\"\r\n"
         "\"SMTP Server\"=\"smtp\"\r\n"
         "\"SMTP Port\"=dword:00000019\r\n\r\n";
}

Change change(std::string field, std::string to) {
  return Change{"test-rule", std::move(field), "", std::move(to), "test"};
}

TEST(LiveRegistryDiscovery, FindsEveryOfficeVersionsProfilesTheMessagingSubsystemOmiAndOe) {
  const std::string office15 =
      "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\15.0\\Outlook\\Profiles\\仕事";
  const std::string exchange_only =
      "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Exchange";
  RegFile registry = parse_export(version5(
      mapi_account(kOffice16Account) +
      mapi_account(office15 + "\\9375CFF0413111d3B88A00104B2A6676\\00000003") +
      mapi_account(kMessagingProfile + "\\9375CFF0413111d3B88A00104B2A6676\\00000001") + "[" +
      exchange_only + "\\9375CFF0413111d3B88A00104B2A6676\\00000001]\r\n\"clsid\"=\"x\"\r\n\r\n" +
      iam_account(kOmiAccounts + "\\00000001") + iam_account(kIamAccounts + "\\00000001")));
  const RegFileStore store(registry);

  EXPECT_EQ(
      find_live_registry_profiles(store, false),
      (std::vector<std::string>{kOffice16Profile, office15, kMessagingProfile, kOmiAccounts}));
  EXPECT_EQ(find_live_registry_profiles(store, true), std::vector<std::string>{kIamAccounts});
}

TEST(LiveRegistryDiscovery, AnEmptyRegistryHasNoProfiles) {
  RegFile registry = parse_export(version5(""));
  const RegFileStore store(registry);
  EXPECT_TRUE(find_live_registry_profiles(store, false).empty());
  EXPECT_TRUE(find_live_registry_profiles(store, true).empty());
}

// What rollback may touch: an account key directly below the profile's account list, nothing
// else, whatever a journal says.
TEST(LiveRegistryBounds, OnlyAMailAccountKeyOfAKnownProfilePlaceIsAccepted) {
  EXPECT_TRUE(is_live_account_key(kOffice16Profile, kOffice16Account));
  EXPECT_TRUE(is_live_account_key(
      kMessagingProfile, kMessagingProfile + "\\9375CFF0413111d3B88A00104B2A6676\\0000000a"));
  EXPECT_TRUE(is_live_account_key(kIamAccounts, kIamAccounts + "\\00000001"));
  EXPECT_TRUE(is_live_account_key(kOmiAccounts, kOmiAccounts + "\\00000001"));

  EXPECT_FALSE(is_live_account_key(kOffice16Profile, kOffice16Profile));
  EXPECT_FALSE(is_live_account_key(kOffice16Profile, kOffice16Account + "\\deeper"));
  EXPECT_FALSE(is_live_account_key(kOffice16Profile, kOffice16Profile + "\\00000002"));
  EXPECT_FALSE(is_live_account_key(kIamAccounts, kIamAccounts + "\\..\\..\\Run"));
  EXPECT_FALSE(is_live_account_key(kIamAccounts, kIamAccounts + "\\0000001"));
  EXPECT_FALSE(
      is_live_account_key("HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion",
                          "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"));
  const std::string elsewhere = "HKEY_CURRENT_USER\\Software\\Evil\\Outlook\\Profiles\\P";
  EXPECT_FALSE(
      is_live_account_key(elsewhere, elsewhere + "\\9375CFF0413111d3B88A00104B2A6676\\00000001"));
  const std::string machine =
      "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\P";
  EXPECT_FALSE(
      is_live_account_key(machine, machine + "\\9375CFF0413111d3B88A00104B2A6676\\00000001"));
}

TEST(LiveOutlookProfile, EditsStayInMemoryUntilCommittedAndTheFileShowsBeforeAndAfter) {
  const ReadResult fixture =
      read_file(std::string(MAILMIG_SOURCE_DIR) + "/fixtures/registry/outlook2016-unicode.reg");
  ASSERT_TRUE(fixture) << fixture.error;
  RegFile registry = parse_export(fixture.bytes);
  LoadResult loaded = load_live_registry_profile(kOutlook, kOffice16Profile,
                                                 std::make_unique<RegFileStore>(registry));
  ASSERT_TRUE(loaded) << loaded.error;
  Profile& profile = *loaded.profile;
  EXPECT_EQ(profile.client(), kOutlook);
  EXPECT_EQ(profile.path(), kOffice16Profile);
  ASSERT_FALSE(profile.files().front().changed());

  profile.apply(kOffice16Account,
                {change("outgoing.port", "587"), change("outgoing.socketType", "STARTTLS")});
  EXPECT_EQ(profile.account(kOffice16Account)->outgoing->port, 587);
  EXPECT_FALSE(registry.changed()) << "the store below is written only by apply";
  const RegFileStore live(registry);
  EXPECT_EQ(live.read(kOffice16Account, "SMTP Port")->as_dword(), 25u);

  const ProfileFile file = profile.files().front();
  EXPECT_EQ(file.path, kOffice16Profile);
  ASSERT_TRUE(file.changed());
  RegFile before = parse_export(file.original());
  RegFile after = parse_export(file.current());
  EXPECT_EQ(before.version(), 5);
  EXPECT_EQ(RegFileStore(before).read(kOffice16Account, "SMTP Port")->as_dword(), 25u);
  EXPECT_EQ(RegFileStore(after).read(kOffice16Account, "SMTP Port")->as_dword(), 587u);
  EXPECT_EQ(RegFileStore(after).read(kOffice16Account, "SMTP Secure Connection")->as_dword(), 2u);
  const std::string shown = profile.display_text(file, file.current());
  EXPECT_NE(shown.find("\"SMTP Port\"=dword:0000024b"), std::string::npos) << shown;
}

TEST(LiveOutlookProfile, ANonMailKeyIsNoProfile) {
  RegFile registry = parse_export(
      version5("[" + kOffice16Profile +
               "\\9375CFF0413111d3B88A00104B2A6676\\00000001]\r\n\"clsid\"=\"x\"\r\n"));
  const LoadResult loaded = load_live_registry_profile(kOutlook, kOffice16Profile,
                                                       std::make_unique<RegFileStore>(registry));
  EXPECT_FALSE(loaded);
  EXPECT_NE(loaded.error.find("no mail account keys"), std::string::npos) << loaded.error;
}

// The backup export gives back every old value's type and bytes, and deletes what was missing.
TEST(LiveRegistryBackup, KeepsEveryTypeAndByteAndDeletesValuesThatWereMissing) {
  const std::string key = kIamAccounts + "\\00000001";
  RegFile registry = parse_export(version5("[" + key + "]\r\n\"POP3 Server\"=\"pop\"\r\n"));
  RegFileStore below(registry);
  const std::vector<RegistryValue> olds = {
      RegistryValue::binary("Expand", std::string("%\0U\0%\0\0\0", 8), kRegExpandSz),
      RegistryValue::binary("No NUL", std::string("a\0b\0", 4), kRegSz),
      RegistryValue::binary("Odd bytes", std::string("a\0b", 3), kRegSz),
      RegistryValue::binary("Binary", std::string("\0\xff\x01", 3)),
      RegistryValue::dword("Dword", 0xdeadbeef),
      RegistryValue::binary("Short dword", std::string("\x01\x02", 2), kRegDword),
      RegistryValue::binary("Qword", std::string(8, '\x7f'), kRegQword),
      RegistryValue::binary("Type 0x12345", "xyz", 0x12345),
      *RegistryValue::string("日本語の名前", "山田 表ソ能"),
  };
  for (const RegistryValue& value : olds) ASSERT_TRUE(below.write(key, value)) << value.name;

  StagedRegistryStore staged(below);
  for (const RegistryValue& value : olds) {
    ASSERT_TRUE(staged.write(key, RegistryValue::dword(value.name, 1)));
  }
  ASSERT_TRUE(staged.write(key, *RegistryValue::string("New value", "new")));
  ASSERT_TRUE(staged.remove(key, "POP3 Server"));
  ASSERT_TRUE(staged.write(key, RegistryValue::dword("Unchanged", 0)));
  ASSERT_TRUE(staged.remove(key, "Unchanged"));  // written and removed: no change
  const std::vector<StagedRegistryStore::Edit> edits = staged.changes();
  ASSERT_EQ(edits.size(), olds.size() + 2);
  EXPECT_EQ(staged.read(key, "POP3 Server"), std::nullopt);
  EXPECT_EQ(below.read(key, "POP3 Server")->as_string(), "pop");

  const std::optional<std::string> backup = render_values_export(edits, false);
  ASSERT_TRUE(backup);
  RegFile parsed = parse_export(*backup);
  const RegFileStore restored(parsed);
  for (const RegistryValue& value : olds) {
    const std::optional<RegistryValue> back = restored.read(key, value.name);
    ASSERT_TRUE(back) << value.name;
    EXPECT_EQ(back->type, value.type) << value.name;
    EXPECT_EQ(back->data, value.data) << value.name;
  }
  EXPECT_EQ(restored.read(key, "POP3 Server")->as_string(), "pop");
  const RegEntry* created = parsed.find_entry(key, "New value");
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(created->kind, RegLineKind::ValueDeletion);
}

}  // namespace
}  // namespace mailmig
