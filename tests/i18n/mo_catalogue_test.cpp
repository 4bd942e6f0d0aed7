#include "src/i18n/mo_catalogue.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "src/io/read_file.h"

namespace mailmig {
namespace {

void put_word(std::string& out, std::uint32_t value, bool big_endian) {
  for (int i = 0; i < 4; ++i) {
    const int shift = big_endian ? 3 - i : i;
    out += static_cast<char>((value >> (8 * shift)) & 0xFF);
  }
}

// A .mo file as msgfmt lays it out: header, the two tables, then the strings.
std::string make_mo(const std::vector<std::pair<std::string, std::string>>& entries,
                    bool big_endian = false) {
  const auto count = static_cast<std::uint32_t>(entries.size());
  const std::uint32_t originals = 28;
  const std::uint32_t translations = originals + 8 * count;
  std::uint32_t text_offset = translations + 8 * count;
  std::string tables;
  std::string texts;
  std::string translation_table;
  for (const auto& [original, translation] : entries) {
    put_word(tables, static_cast<std::uint32_t>(original.size()), big_endian);
    put_word(tables, text_offset + static_cast<std::uint32_t>(texts.size()), big_endian);
    texts += original + '\0';
  }
  for (const auto& [original, translation] : entries) {
    put_word(translation_table, static_cast<std::uint32_t>(translation.size()), big_endian);
    put_word(translation_table, text_offset + static_cast<std::uint32_t>(texts.size()), big_endian);
    texts += translation + '\0';
  }
  std::string mo;
  put_word(mo, 0x950412de, big_endian);
  put_word(mo, 0, big_endian);
  put_word(mo, count, big_endian);
  put_word(mo, originals, big_endian);
  put_word(mo, translations, big_endian);
  put_word(mo, 0, big_endian);
  put_word(mo, 0, big_endian);
  return mo + tables + translation_table + texts;
}

TEST(MoCatalogue, ReadsTranslationsAndLeavesOutTheHeaderAndContexts) {
  const MoCatalogue catalogue =
      parse_mo_catalogue(make_mo({{"", "Content-Type: text/plain; charset=UTF-8\n"},
                                  {"output format", "出力形式"},
                                  {std::string("menu\x04Open"), "開く"}}));
  ASSERT_TRUE(catalogue) << catalogue.error;
  ASSERT_EQ(catalogue.translations.size(), 1u);
  EXPECT_EQ(catalogue.translations.at("output format"), "出力形式");
}

TEST(MoCatalogue, ReadsABigEndianCatalogue) {
  const MoCatalogue catalogue = parse_mo_catalogue(make_mo({{"yes", "はい"}}, true));
  ASSERT_TRUE(catalogue) << catalogue.error;
  EXPECT_EQ(catalogue.translations.at("yes"), "はい");
}

TEST(MoCatalogue, APluralTakesItsFirstForm) {
  const MoCatalogue catalogue = parse_mo_catalogue(
      make_mo({{std::string("one file\0{n} files", 18), std::string("1 件\0{n} 件", 13)}}));
  ASSERT_TRUE(catalogue) << catalogue.error;
  EXPECT_EQ(catalogue.translations.at("one file"), "1 件");
}

TEST(MoCatalogue, RefusesBytesThatAreNoCatalogue) {
  EXPECT_FALSE(parse_mo_catalogue("msgid \"x\"\nmsgstr \"y\"\n"));
  EXPECT_FALSE(parse_mo_catalogue(""));
}

TEST(MoCatalogue, RefusesAnEntryPointingOutsideTheFile) {
  const std::string mo = make_mo({{"output format", "出力形式"}});
  const MoCatalogue cut = parse_mo_catalogue(mo.substr(0, mo.size() - 8));
  EXPECT_FALSE(cut);
  EXPECT_TRUE(cut.translations.empty());
}

// The catalogue the build compiles from po/ja.po, as the Windows build reads it.
TEST(MoCatalogue, ReadsTheBuiltJapaneseCatalogue) {
  const ReadResult read = read_file(MAILMIG_BINARY_DIR "/locale/ja/LC_MESSAGES/mailmig.mo");
  ASSERT_TRUE(read) << read.error;
  const MoCatalogue catalogue = parse_mo_catalogue(read.bytes);
  ASSERT_TRUE(catalogue) << catalogue.error;
  EXPECT_GT(catalogue.translations.size(), 300u);
  EXPECT_EQ(catalogue.translations.at("output format"), "出力形式");
}

}  // namespace
}  // namespace mailmig
