#include "parsers/formats/reg/registry_store.h"

#include <gtest/gtest.h>

#include <string>

#include "parsers/formats/reg/reg_file.h"
#include "src/encoding/codec.h"

namespace mailmig {
namespace {

constexpr const char* kAccount =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts\\00000001";

const std::string kExport =
    "REGEDIT4\r\n"
    "\r\n"
    "[HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts]\r\n"
    "\r\n"
    "[HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts\\00000001]\r\n"
    "\"Account Name\"=\"Work\"\r\n"
    "\"POP3 Port\"=dword:0000006e\r\n"
    "\"SMTP Flags\"=hex(4):01,00,00,00\r\n"
    "\"Blob\"=hex:de,ad\r\n"
    "\"Path\"=hex(2):25,00,41,00,00,00\r\n"
    "\r\n"
    "[HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts\\00000002]\r\n"
    "\"Account Name\"=\"Home\"\r\n"
    "\r\n"
    "[-HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts\\00000002]\r\n";

RegFile parse_export(const std::string& bytes = kExport) {
  RegFile file;
  const ParseResult result = RegFile::parse(bytes, file);
  EXPECT_TRUE(result.ok) << result.describe("export");
  return file;
}

std::string utf16z(std::string_view ascii) {
  std::string units;
  for (char c : ascii) units += std::string{c, '\0'};
  return units + std::string(2, '\0');
}

TEST(RegistryValue, BuildsAndReadsWindowsData) {
  const RegistryValue text = *RegistryValue::string("n", "caf\xC3\xA9");
  EXPECT_EQ(text.type, kRegSz);
  EXPECT_EQ(text.data, std::string("c\0a\0f\0\xE9\0\0\0", 10));
  EXPECT_EQ(text.as_string(), "caf\xC3\xA9");
  const RegistryValue number = RegistryValue::dword("d", 0x01020304);
  EXPECT_EQ(number.data, std::string("\x04\x03\x02\x01", 4));
  EXPECT_EQ(number.as_dword(), 0x01020304u);
  EXPECT_FALSE(number.as_string());
  EXPECT_FALSE(RegistryValue::string("bad", "\xFF"));
}

TEST(RegFileStore, ReadsStringsAsReadAndAsStringDo) {
  RegFile file = parse_export();
  RegFileStore store(file);
  const std::string deleted =
      "HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts\\00000002";
  EXPECT_EQ(store.read_string(kAccount, "account name"), "Work");
  EXPECT_EQ(store.read_string(kAccount, "Path"), "%A");  // hex(2): REG_EXPAND_SZ
  EXPECT_FALSE(store.read_string(kAccount, "POP3 Port"));
  EXPECT_FALSE(store.read_string(kAccount, "Blob"));
  EXPECT_FALSE(store.read_string(kAccount, "Missing"));
  EXPECT_FALSE(store.read_string(deleted, "Account Name"));
  const std::string tanaka = "\xE7\x94\xB0\xE4\xB8\xAD";  // in CP932
  ASSERT_TRUE(store.write(kAccount, *RegistryValue::string("Account Name", tanaka)).ok);
  EXPECT_EQ(store.read_string(kAccount, "Account Name"), tanaka);
  for (const char* name : {"Account Name", "POP3 Port", "SMTP Flags", "Blob", "Path"}) {
    const std::optional<RegistryValue> value = store.read(kAccount, name);
    EXPECT_EQ(store.read_string(kAccount, name), value->as_string()) << name;
  }
}

// A store that has only read(), so that has_value and read_dword are RegistryStore's own.
class ReadOnlyStore final : public RegistryStore {
 public:
  explicit ReadOnlyStore(const RegistryStore& base) : base_(base) {}
  bool has_key(std::string_view key_path) const override { return base_.has_key(key_path); }
  std::vector<std::string> subkeys(std::string_view key_path) const override {
    return base_.subkeys(key_path);
  }
  std::vector<std::string> value_names(std::string_view key_path) const override {
    return base_.value_names(key_path);
  }
  std::optional<RegistryValue> read(std::string_view key_path,
                                    std::string_view name) const override {
    return base_.read(key_path, name);
  }
  ParseResult write(std::string_view, const RegistryValue&) override {
    return ParseResult::failure(0, 0, "read only");
  }
  ParseResult remove(std::string_view, std::string_view) override {
    return ParseResult::failure(0, 0, "read only");
  }

 private:
  const RegistryStore& base_;
};

TEST(RegFileStore, TellsValuesAndNumbersAsReadDoes) {
  const std::string account =
      "HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts\\00000001";
  const std::string lines =
      "[HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts\\00000001]\r\n"
      "\"Text\"=\"plain\"\r\n"
      "\"Escaped\"=\"a\\\\b \\\"q\\\"\"\r\n"
      "\"Japanese\"=\"\xE7\x94\xB0\xE4\xB8\xAD\"\r\n"
      "\"Number\"=dword:0000006e\r\n"
      "\"Hex Dword\"=hex(4):01,02,03,04\r\n"
      "\"Short Dword\"=hex(4):01,02,03\r\n"
      "\"Binary\"=hex:01,00,00,00\r\n"
      "\"Expand\"=hex(2):25,00,41,00,00,00\r\n"
      "\"Twice\"=dword:00000001\r\n"
      "\"Twice\"=dword:00000002\r\n"
      "\"Deleted\"=dword:00000003\r\n"
      "\"Deleted\"=-\r\n"
      "\"Long\"=hex(4):05,\\\r\n"
      "  06,07,08\r\n"
      "\r\n"
      "[HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts\\00000002]\r\n"
      "\"Text\"=\"gone\"\r\n"
      "\r\n"
      "[-HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts\\00000002]\r\n";
  // Appended, not added with +: GCC 12 at -O3 warns (-Wrestrict) of a false overlap there.
  std::string ansi = "REGEDIT4\r\n\r\n";
  ansi += lines;
  std::string utf16_text = "Windows Registry Editor Version 5.00\r\n\r\n";
  utf16_text += lines;
  std::string utf16 = "\xFF\xFE";
  utf16 += from_utf8(utf16_text, "UTF-16LE").text;
  for (const std::string& bytes : {ansi, utf16}) {
    RegFile file = parse_export(bytes);
    RegFileStore store(file);
    // Edited and added values are told from the edits, not from the parsed lines.
    ASSERT_TRUE(store.write(account, RegistryValue::dword("Added", 9)));
    ASSERT_TRUE(store.write(account, *RegistryValue::string("Text", "edited")));
    ASSERT_TRUE(store.write(
        account, RegistryValue::binary("Number", std::string("\x07\0\0\0", 4), kRegDword)));
    const ReadOnlyStore reference(store);
    std::string gone = account;
    gone.back() = '2';
    for (const std::string& key : {account, gone, std::string("HKEY_CURRENT_USER\\Nowhere")}) {
      for (const char* name :
           {"Text", "text", "Escaped", "Japanese", "Number", "Hex Dword", "Short Dword", "Binary",
            "Expand", "Twice", "Deleted", "Long", "Added", "Missing"}) {
        EXPECT_EQ(store.has_value(key, name), reference.has_value(key, name)) << key << " " << name;
        EXPECT_EQ(store.read_dword(key, name), reference.read_dword(key, name))
            << key << " " << name;
      }
    }
    // The cases above are not all alike.
    EXPECT_EQ(store.read_dword(account, "Number"), 7u);
    EXPECT_EQ(store.read_dword(account, "Hex Dword"), 0x04030201u);
    EXPECT_EQ(store.read_dword(account, "Long"), 0x08070605u);
    EXPECT_EQ(store.read_dword(account, "Twice"), 2u);
    EXPECT_EQ(store.read_dword(account, "Added"), 9u);
    EXPECT_FALSE(store.read_dword(account, "Short Dword"));
    EXPECT_FALSE(store.read_dword(account, "Binary"));
    EXPECT_FALSE(store.read_dword(account, "Text"));
    EXPECT_TRUE(store.has_value(account, "Japanese"));
    EXPECT_FALSE(store.has_value(account, "Deleted"));
    EXPECT_FALSE(store.has_value(gone, "Text"));
  }
}

TEST(RegFileStore, ReadsEveryTypeWithItsRawBytes) {
  RegFile file = parse_export();
  const RegFileStore store(file);
  EXPECT_EQ(store.read(kAccount, "account name")->data, utf16z("Work"));
  EXPECT_EQ(store.read(kAccount, "Account Name")->type, kRegSz);
  EXPECT_EQ(store.read(kAccount, "POP3 Port")->type, kRegDword);
  EXPECT_EQ(store.read(kAccount, "POP3 Port")->as_dword(), 110u);
  EXPECT_EQ(store.read(kAccount, "SMTP Flags")->type, kRegDword);
  EXPECT_EQ(store.read(kAccount, "SMTP Flags")->as_dword(), 1u);
  EXPECT_EQ(store.read(kAccount, "Blob")->type, kRegBinary);
  EXPECT_EQ(store.read(kAccount, "Blob")->data, "\xDE\xAD");
  EXPECT_EQ(store.read(kAccount, "Path")->type, kRegExpandSz);
  EXPECT_EQ(store.read(kAccount, "Path")->as_string(), "%A");
  EXPECT_FALSE(store.read(kAccount, "Missing"));
  EXPECT_FALSE(store.read("HKEY_CURRENT_USER\\Nowhere", "Account Name"));
}

TEST(RegFileStore, EnumeratesKeysAndValuesAfterImport) {
  RegFile file = parse_export();
  const RegFileStore store(file);
  const std::string accounts = "HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager";
  EXPECT_TRUE(store.has_key(accounts));  // opened only through its subkeys
  EXPECT_TRUE(store.has_key(kAccount));
  EXPECT_FALSE(store.has_key(accounts + "\\Accounts\\00000002"));  // deleted further down
  EXPECT_EQ(store.subkeys(accounts + "\\Accounts"), std::vector<std::string>{"00000001"});
  EXPECT_EQ(store.subkeys(accounts), std::vector<std::string>{"Accounts"});
  EXPECT_EQ(store.value_names(kAccount),
            (std::vector<std::string>{"Account Name", "POP3 Port", "SMTP Flags", "Blob", "Path"}));
  EXPECT_TRUE(store.value_names(accounts + "\\Accounts\\00000002").empty());
}

TEST(RegFileStore, UnchangedStoreLeavesTheFileAsItWas) {
  RegFile file = parse_export();
  RegFileStore store(file);
  for (const std::string& name : store.value_names(kAccount)) {
    ASSERT_TRUE(store.write(kAccount, *store.read(kAccount, name))) << name;
  }
  EXPECT_EQ(file.serialize(), kExport);
}

TEST(RegFileStore, WritesKeepEachValuesForm) {
  RegFile file = parse_export();
  RegFileStore store(file);
  ASSERT_TRUE(store.write(kAccount, *RegistryValue::string("Account Name", "Office")));
  ASSERT_TRUE(store.write(kAccount, RegistryValue::dword("POP3 Port", 995)));
  ASSERT_TRUE(store.write(kAccount, RegistryValue::dword("SMTP Flags", 0)));
  ASSERT_TRUE(store.write(kAccount, RegistryValue::binary("Blob", "\x01")));
  ASSERT_TRUE(store.write(kAccount, RegistryValue::binary("New", utf16z("x"), kRegExpandSz)));
  const std::string serialized = file.serialize();
  EXPECT_NE(serialized.find("\"Account Name\"=\"Office\"\r\n"), std::string::npos);
  EXPECT_NE(serialized.find("\"POP3 Port\"=dword:000003e3\r\n"), std::string::npos);
  EXPECT_NE(serialized.find("\"SMTP Flags\"=hex(4):00,00,00,00\r\n"), std::string::npos);
  EXPECT_NE(serialized.find("\"Blob\"=hex:01\r\n"), std::string::npos);
  EXPECT_NE(serialized.find("\"New\"=hex(2):78,00,00,00\r\n"), std::string::npos);

  // Read back from the edited document and from the bytes it writes: types and bytes kept.
  RegFile reparsed = parse_export(serialized);
  for (const RegFile* edited : {&file, &reparsed}) {
    const RegFileStore view(*const_cast<RegFile*>(edited));
    EXPECT_EQ(view.read(kAccount, "Account Name")->as_string(), "Office");
    EXPECT_EQ(view.read(kAccount, "POP3 Port")->as_dword(), 995u);
    EXPECT_EQ(view.read(kAccount, "SMTP Flags")->type, kRegDword);
    EXPECT_EQ(view.read(kAccount, "Blob")->data, "\x01");
    EXPECT_EQ(view.read(kAccount, "New")->type, kRegExpandSz);
    EXPECT_EQ(view.read(kAccount, "New")->data, utf16z("x"));
  }
}

TEST(RegFileStore, StringDataThatIsNotPlainTextIsWrittenAsHex) {
  RegFile file = parse_export();
  RegFileStore store(file);
  const std::string unterminated("a\0", 2);
  ASSERT_TRUE(store.write(kAccount, RegistryValue::binary("Raw", unterminated, kRegSz)));
  EXPECT_NE(file.serialize().find("\"Raw\"=hex(1):61,00\r\n"), std::string::npos);
  EXPECT_EQ(store.read(kAccount, "Raw")->data, unterminated);
  EXPECT_EQ(store.read(kAccount, "Raw")->type, kRegSz);
}

TEST(RegFileStore, RemovesValuesAsRegeditDeletesThem) {
  RegFile file = parse_export();
  RegFileStore store(file);
  ASSERT_TRUE(store.remove(kAccount, "blob"));
  ASSERT_TRUE(store.remove(kAccount, "Never There"));
  EXPECT_FALSE(store.read(kAccount, "Blob"));
  EXPECT_EQ(store.value_names(kAccount),
            (std::vector<std::string>{"Account Name", "POP3 Port", "SMTP Flags", "Path"}));
  const std::string serialized = file.serialize();
  EXPECT_NE(serialized.find("\"Blob\"=-\r\n"), std::string::npos);
  RegFile reparsed = parse_export(serialized);
  EXPECT_FALSE(RegFileStore(reparsed).read(kAccount, "Blob"));
  // The undo side still sees the line as it was.
  ASSERT_EQ(file.edited_entries().size(), 1u);
  EXPECT_EQ(file.parsed_content(*file.edited_entries().front()), "\"Blob\"=hex:de,ad");
}

TEST(RegFileStore, RefusesAMissingKeyAndLeavesTheFile) {
  RegFile file = parse_export();
  RegFileStore store(file);
  EXPECT_FALSE(store.write("HKEY_CURRENT_USER\\Nowhere", RegistryValue::dword("x", 1)));
  std::string deleted_key = kAccount;  // ...\00000002, deleted further down
  deleted_key.back() = '2';
  EXPECT_FALSE(store.write(deleted_key, RegistryValue::dword("x", 1)));
  EXPECT_EQ(file.serialize(), kExport);
}

}  // namespace
}  // namespace mailmig
