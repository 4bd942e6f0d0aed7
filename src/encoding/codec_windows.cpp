// convert_encoding on Windows: Windows' own code-page tables (MultiByteToWideChar and
// WideCharToMultiByte), since Windows has no iconv. UTF-16LE is Windows' own wide text.
#include <windows.h>

#include <optional>
#include <string>
#include <string_view>

#include "src/encoding/codec.h"

namespace mailmig {
namespace {

// The code page for one of iconv's encoding names; kUtf16 for UTF-16LE, nullopt when unknown.
constexpr UINT kUtf16 = 1200;

std::string upper(std::string_view name) {
  std::string result(name);
  for (char& c : result) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return result;
}

std::optional<UINT> code_page(const char* name) {
  const std::string key = upper(name);
  if (key == "UTF-8" || key == "UTF8") return CP_UTF8;
  if (key == "UTF-16LE") return kUtf16;
  // Windows has one Japanese ANSI code page: 932 reads 0x5C as '\', as Outlook and Becky! do.
  if (key == "CP932" || key == "SHIFT_JIS" || key == "WINDOWS-31J" || key == "MS_KANJI") return 932;
  if (key == "CP1252" || key == "WINDOWS-1252") return 1252;
  if (key == "ISO-8859-1" || key == "LATIN1") return 28591;
  if (key == "EUC-JP") return 20932;
  return std::nullopt;
}

// The length of the character starting at `input[offset]` in the code page (0 for a byte that
// cannot start one).
std::size_t character_length(UINT page, std::string_view input, std::size_t offset) {
  const auto byte = static_cast<unsigned char>(input[offset]);
  if (page == kUtf16) return 2;
  if (page == CP_UTF8) {
    if (byte < 0x80) return 1;
    if ((byte & 0xE0) == 0xC0) return 2;
    if ((byte & 0xF0) == 0xE0) return 3;
    if ((byte & 0xF8) == 0xF0) return 4;
    return 1;
  }
  return IsDBCSLeadByteEx(page, byte) ? 2 : 1;
}

std::optional<std::wstring> to_wide(std::string_view input, UINT page) {
  if (input.empty()) return std::wstring();
  if (page == kUtf16) {
    if (input.size() % 2 != 0) return std::nullopt;
    std::wstring wide(input.size() / 2, L'\0');
    for (std::size_t i = 0; i < wide.size(); ++i) {
      wide[i] = static_cast<wchar_t>(static_cast<unsigned char>(input[2 * i]) |
                                     (static_cast<unsigned char>(input[2 * i + 1]) << 8));
    }
    return wide;
  }
  const int size = static_cast<int>(input.size());
  const int length =
      MultiByteToWideChar(page, MB_ERR_INVALID_CHARS, input.data(), size, nullptr, 0);
  if (length <= 0) return std::nullopt;
  std::wstring wide(static_cast<std::size_t>(length), L'\0');
  MultiByteToWideChar(page, MB_ERR_INVALID_CHARS, input.data(), size, wide.data(), length);
  return wide;
}

bool has_lone_surrogate(std::wstring_view wide) {
  for (std::size_t i = 0; i < wide.size(); ++i) {
    const wchar_t unit = wide[i];
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (i + 1 == wide.size() || wide[i + 1] < 0xDC00 || wide[i + 1] > 0xDFFF) return true;
      ++i;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return true;
    }
  }
  return false;
}

std::optional<std::string> from_wide(std::wstring_view wide, UINT page) {
  if (wide.empty()) return std::string();
  if (has_lone_surrogate(wide)) return std::nullopt;
  if (page == kUtf16) {
    std::string bytes;
    bytes.reserve(wide.size() * 2);
    for (const wchar_t unit : wide) {
      bytes += static_cast<char>(unit & 0xFF);
      bytes += static_cast<char>((unit >> 8) & 0xFF);
    }
    return bytes;
  }
  const int size = static_cast<int>(wide.size());
  // UTF-8 takes no "default character" arguments; every other page reports a substitution.
  const bool utf8 = page == CP_UTF8;
  const DWORD flags = utf8 ? WC_ERR_INVALID_CHARS : WC_NO_BEST_FIT_CHARS;
  BOOL substituted = FALSE;
  const int length = WideCharToMultiByte(page, flags, wide.data(), size, nullptr, 0, nullptr,
                                         utf8 ? nullptr : &substituted);
  if (length <= 0 || substituted) return std::nullopt;
  std::string bytes(static_cast<std::size_t>(length), '\0');
  WideCharToMultiByte(page, flags, wide.data(), size, bytes.data(), length, nullptr, nullptr);
  return bytes;
}

std::optional<std::string> convert(std::string_view input, UINT from, UINT to) {
  const std::optional<std::wstring> wide = to_wide(input, from);
  if (!wide) return std::nullopt;
  return from_wide(*wide, to);
}

// Where a failed conversion stopped, as iconv reports it: one character at a time, the first
// that does not convert (only on the error path, so its cost does not matter).
Conversion locate_failure(std::string_view input, UINT from, UINT to, const char* from_name,
                          const char* to_name) {
  Conversion result;
  std::size_t offset = 0;
  while (offset < input.size()) {
    const std::size_t length = character_length(from, input, offset);
    if (offset + length > input.size()) {
      result.error_offset = offset;
      result.error =
          std::string("an incomplete character at the end of the ") + from_name + " text";
      return result;
    }
    // A surrogate pair in UTF-16LE is one character.
    std::size_t step = length;
    if (from == kUtf16 && offset + 4 <= input.size()) {
      const unsigned high = static_cast<unsigned char>(input[offset + 1]);
      if (high >= 0xD8 && high <= 0xDB) step = 4;
    }
    if (!convert(input.substr(offset, step), from, to)) {
      result.error_offset = offset;
      result.error =
          std::string("a character that cannot be converted from ") + from_name + " to " + to_name;
      return result;
    }
    offset += step;
  }
  result.error =
      std::string("a character that cannot be converted from ") + from_name + " to " + to_name;
  return result;
}

}  // namespace

Conversion convert_encoding(std::string_view input, const char* from, const char* to) {
  Conversion result;
  const std::optional<UINT> from_page = code_page(from);
  const std::optional<UINT> to_page = code_page(to);
  if (!from_page || !to_page) {
    result.error = std::string("no conversion from ") + from + " to " + to;
    return result;
  }
  std::optional<std::string> converted = convert(input, *from_page, *to_page);
  if (!converted) return locate_failure(input, *from_page, *to_page, from, to);
  result.ok = true;
  result.text = std::move(*converted);
  return result;
}

}  // namespace mailmig
