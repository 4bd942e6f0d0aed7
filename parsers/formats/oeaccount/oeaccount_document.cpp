#include "parsers/formats/oeaccount/oeaccount_document.h"

#include <algorithm>
#include <cstdio>
#include <pugixml.hpp>
#include <utility>

#include "src/encoding/codec.h"

namespace mailmig {
namespace {

constexpr std::string_view kRoot = "MessageAccount";
constexpr std::string_view kUtf16Bom = "\xFF\xFE";
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Line and byte column (1-based) of an offset in UTF-8 text.
ParseResult failure_at(std::string_view text, std::size_t offset, std::string message) {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const std::size_t line = static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t line_start = before.rfind('\n');
  const std::size_t column =
      line_start == std::string_view::npos ? offset + 1 : offset - line_start;
  return ParseResult::failure(line + 1, column, std::move(message));
}

bool is_xml_name(std::string_view name) {
  if (name.empty()) return false;
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!letter(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return letter(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

std::string escape_xml_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool is_secret(std::string_view name) {
  return name.find("Password") != std::string_view::npos &&
         name.find("Prompt_for_Password") == std::string_view::npos;
}

std::string format_dword(std::uint32_t value, std::string_view existing) {
  const std::string_view old = trim(existing);
  if ((old == "TRUE" || old == "FALSE") && value <= 1) return value == 1 ? "TRUE" : "FALSE";
  const bool upper =
      std::any_of(old.begin(), old.end(), [](char c) { return c >= 'A' && c <= 'F'; }) &&
      std::none_of(old.begin(), old.end(), [](char c) { return c >= 'a' && c <= 'f'; });
  const bool padded = old.size() == 8 && std::all_of(old.begin(), old.end(), is_hex_digit);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, padded ? (upper ? "%08X" : "%08x") : (upper ? "%X" : "%x"),
                static_cast<unsigned>(value));
  return buffer;
}

}  // namespace

ParseResult OeAccountDocument::parse(std::string bytes, OeAccountDocument& document) {
  OeAccountDocument parsed;
  const std::string_view raw = bytes;
  if (raw.starts_with(kUtf16Bom)) {
    parsed.encoding_ = OeAccountEncoding::Utf16LeBom;
    std::string_view body = raw.substr(kUtf16Bom.size());
    auto decoded = to_utf8(body.substr(0, body.size() & ~std::size_t{1}), "UTF-16LE");
    if (!decoded) {
      const std::size_t valid = decoded.error_offset & ~std::size_t{1};
      const std::string prefix = to_utf8(body.substr(0, valid), "UTF-16LE").text;
      return failure_at(prefix, prefix.size(), "invalid UTF-16LE text: " + decoded.error);
    }
    if (body.size() % 2 != 0) {
      return failure_at(decoded.text, decoded.text.size(),
                        "the UTF-16LE text ends in the middle of a character");
    }
    parsed.utf8_ = std::move(decoded.text);
  } else if (raw.starts_with("\xFE\xFF")) {
    return ParseResult::failure(0, 0, "UTF-16 big-endian is not an .oeaccount encoding");
  } else {
    const bool bom = raw.starts_with(kUtf8Bom);
    parsed.encoding_ = bom ? OeAccountEncoding::Utf8Bom : OeAccountEncoding::Utf8;
    const std::string_view body = raw.substr(bom ? kUtf8Bom.size() : 0);
    if (!is_valid_utf8(body)) {
      auto checked = to_utf8(body, "UTF-8");
      return failure_at(body, checked ? 0 : checked.error_offset,
                        "neither UTF-16LE with a byte order mark nor valid UTF-8");
    }
    parsed.utf8_ = std::string(body);
  }
  const std::string_view text = parsed.utf8_;
  // pugixml stops at U+0000, which XML does not allow anyway: text after it would be unseen.
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return failure_at(text, nul, "a NUL character, which XML does not allow");
  }

  // Comments and processing instructions become nodes so that an element holding one is not
  // mistaken for a plain text property; line endings are kept so offsets stay true.
  const unsigned options =
      (pugi::parse_default & ~pugi::parse_eol) | pugi::parse_comments | pugi::parse_pi;
  pugi::xml_document xml;
  const pugi::xml_parse_result result =
      xml.load_buffer(text.data(), text.size(), options, pugi::encoding_utf8);
  if (!result) {
    return failure_at(text, static_cast<std::size_t>(result.offset),
                      std::string("not well-formed XML: ") + result.description());
  }
  const pugi::xml_node root = xml.document_element();
  if (std::string_view(root.name()) != kRoot) {
    // offset_debug() is where the name starts; the error points at its '<'.
    const std::ptrdiff_t name_at = root ? root.offset_debug() : -1;
    const std::size_t at = name_at > 0 ? static_cast<std::size_t>(name_at) - 1 : text.size();
    return failure_at(
        text, at,
        "expected the root element <MessageAccount>, found <" + std::string(root.name()) + ">");
  }
  // pugixml accepts several top-level elements; XML (and Windows Mail) allow only one root.
  std::size_t after_root = text.size();
  for (pugi::xml_node next = root.next_sibling(); next; next = next.next_sibling()) {
    if (next.type() == pugi::node_element) {
      const std::ptrdiff_t next_at = next.offset_debug();
      return failure_at(text, next_at > 0 ? static_cast<std::size_t>(next_at) - 1 : text.size(),
                        "expected nothing but comments after </MessageAccount>");
    }
    const std::ptrdiff_t next_at = next.offset_debug();
    if (next_at > 0) after_root = std::min(after_root, static_cast<std::size_t>(next_at));
  }
  parsed.root_close_ = text.rfind("</MessageAccount", after_root);

  for (pugi::xml_node element = root.first_child(); element; element = element.next_sibling()) {
    if (element.type() != pugi::node_element) continue;
    Property property;
    property.name = element.name();
    property.type = element.attribute("type").value();
    property.text = element.text().get();
    const std::ptrdiff_t name_at = element.offset_debug();
    if (name_at <= 0) continue;
    property.element_begin = static_cast<std::size_t>(name_at) - 1;
    // Find the end of the start tag; '>' may appear inside a quoted attribute value.
    char quote = 0;
    std::size_t i = static_cast<std::size_t>(name_at);
    for (; i < text.size(); ++i) {
      if (quote) {
        if (text[i] == quote) quote = 0;
      } else if (text[i] == '"' || text[i] == '\'') {
        quote = text[i];
      } else if (text[i] == '>') {
        break;
      }
    }
    if (i >= text.size()) continue;
    property.self_closing = text[i - 1] == '/';
    property.content_begin = property.self_closing ? i - 1 : i + 1;
    property.content_end = property.content_begin;
    if (!property.self_closing) {
      const std::string closing = "</" + property.name;
      std::size_t close = text.find(closing, property.content_begin);
      while (close != std::string_view::npos) {
        const std::size_t after = close + closing.size();
        const std::size_t next = text.find_first_not_of(" \t\r\n", after);
        if (next != std::string_view::npos && text[next] == '>') break;
        close = text.find(closing, after);
      }
      property.content_end = close == std::string_view::npos ? property.content_begin : close;
    }
    property.editable = true;
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
      if (child.type() != pugi::node_pcdata) property.editable = false;
    }
    parsed.properties_.push_back(std::move(property));
  }
  parsed.bytes_ = std::move(bytes);
  document = std::move(parsed);
  return ParseResult::success();
}

const OeAccountDocument::Property* OeAccountDocument::find(std::string_view name) const {
  for (const Property& property : properties_) {
    if (property.name == name) return &property;
  }
  return nullptr;
}

OeAccountDocument::Property* OeAccountDocument::find(std::string_view name) {
  return const_cast<Property*>(std::as_const(*this).find(name));
}

std::optional<std::string> OeAccountDocument::text(std::string_view name) const {
  const Property* property = find(name);
  if (!property) return std::nullopt;
  return property->text;
}

std::optional<std::string> OeAccountDocument::type(std::string_view name) const {
  const Property* property = find(name);
  if (!property) return std::nullopt;
  return property->type;
}

std::optional<std::uint32_t> OeAccountDocument::dword(std::string_view name) const {
  const Property* property = find(name);
  if (!property) return std::nullopt;
  const std::string_view value = trim(property->text);
  if (value == "TRUE") return 1;
  if (value == "FALSE") return 0;
  if (value.empty() || value.size() > 8 || !std::all_of(value.begin(), value.end(), is_hex_digit)) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(std::stoul(std::string(value), nullptr, 16));
}

std::size_t OeAccountDocument::original_offset(std::size_t utf8_offset) const {
  if (encoding_ == OeAccountEncoding::Utf8) return utf8_offset;
  if (encoding_ == OeAccountEncoding::Utf8Bom) return kUtf8Bom.size() + utf8_offset;
  // UTF-16 code units before the offset: one per character, two for one beyond U+FFFF (a
  // four-byte UTF-8 sequence).
  std::size_t units = 0;
  for (std::size_t i = 0; i < utf8_offset; ++i) {
    const auto c = static_cast<unsigned char>(utf8_[i]);
    if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
  }
  return kUtf16Bom.size() + 2 * units;
}

std::optional<std::string> OeAccountDocument::encode(std::string_view utf8) const {
  if (encoding_ != OeAccountEncoding::Utf16LeBom) {
    if (!is_valid_utf8(utf8)) return std::nullopt;
    return std::string(utf8);
  }
  auto wide = from_utf8(utf8, "UTF-16LE");
  if (!wide) return std::nullopt;
  return wide.text;
}

ParseResult OeAccountDocument::replace_text(Property& property, std::string text,
                                            const std::string& escaped_text) {
  if (!property.editable) {
    return ParseResult::failure(0, 0, "<" + property.name + "> holds more than text");
  }
  if (property.added) {
    property.text = std::move(text);
    return write_added();
  }
  std::size_t begin = property.content_begin;
  std::size_t end = property.content_end;
  std::string replacement = escaped_text;
  if (property.self_closing) {
    // <Name type="SZ"/> becomes <Name type="SZ">text</Name>.
    end = utf8_.find('>', begin) + 1;
    replacement = ">" + escaped_text + "</" + property.name + ">";
  }
  auto encoded = encode(replacement);
  if (!encoded) return ParseResult::failure(0, 0, "the value is not valid UTF-8 text");
  const std::size_t from = original_offset(begin);
  edits_.replace(from, original_offset(end) - from, *encoded);
  property.text = std::move(text);
  return ParseResult::success();
}

ParseResult OeAccountDocument::add_property(std::string_view name, std::string_view type,
                                            std::string text, const std::string& escaped_text) {
  if (!is_xml_name(name)) return ParseResult::failure(0, 0, "not an XML element name");
  if (root_close_ == std::string::npos) {
    return ParseResult::failure(0, 0, "<MessageAccount/> has no closing tag to add before");
  }
  // Checked here so that a failed add leaves the document as it was.
  if (!encode(escaped_text)) return ParseResult::failure(0, 0, "the value is not valid UTF-8 text");
  Property& property = properties_.emplace_back();
  property.name = std::string(name);
  property.type = std::string(type);
  property.text = std::move(text);
  property.editable = true;
  property.added = true;
  return write_added();
}

ParseResult OeAccountDocument::write_added() {
  // Indentation and line ending of the last parsed property's line, as Windows Mail wrote them.
  const auto last_parsed = std::find_if(properties_.rbegin(), properties_.rend(),
                                        [](const Property& property) { return !property.added; });
  std::string indent = "\t";
  std::string eol;
  if (last_parsed != properties_.rend()) {
    const std::size_t element = last_parsed->element_begin;
    const std::size_t line_start = utf8_.rfind('\n', element);
    const std::size_t indent_begin = line_start == std::string::npos ? 0 : line_start + 1;
    const std::string between = utf8_.substr(indent_begin, element - indent_begin);
    indent = between.find_first_not_of(" \t") == std::string::npos ? between : "";
    if (line_start != std::string::npos) {
      eol = line_start > 0 && utf8_[line_start - 1] == '\r' ? "\r\n" : "\n";
    }
  }
  if (eol.empty()) {
    const std::size_t newline = utf8_.find('\n');
    eol = newline != std::string::npos && newline > 0 && utf8_[newline - 1] == '\r' ? "\r\n"
          : newline != std::string::npos                                            ? "\n"
                                                                                    : "\r\n";
  }
  const std::size_t line_start = utf8_.rfind('\n', root_close_);
  const std::size_t close_line = line_start == std::string::npos ? 0 : line_start + 1;
  const bool own_line =
      line_start != std::string::npos &&
      utf8_.substr(close_line, root_close_ - close_line).find_first_not_of(" \t") ==
          std::string::npos;
  std::string inserted;
  for (const Property& property : properties_) {
    if (!property.added) continue;
    const std::string element = "<" + property.name + " type=\"" + property.type + "\">" +
                                escape_xml_text(property.text) + "</" + property.name + ">";
    inserted += own_line ? indent + element + eol : element;
  }
  auto encoded = encode(inserted);
  if (!encoded) return ParseResult::failure(0, 0, "the value is not valid UTF-8 text");
  edits_.replace(original_offset(own_line ? close_line : root_close_), 0, *encoded);
  return ParseResult::success();
}

ParseResult OeAccountDocument::set_string(std::string_view name, std::string_view value) {
  if (!is_valid_utf8(value) || std::any_of(value.begin(), value.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 && c != '\t';
      })) {
    return ParseResult::failure(0, 0, "a text property cannot hold control characters");
  }
  Property* property = find(name);
  if (property && !property->type.empty() && property->type != "SZ") {
    return ParseResult::failure(0, 0, "<" + std::string(name) + "> is not a text (SZ) property");
  }
  const std::string escaped = escape_xml_text(value);
  return property ? replace_text(*property, std::string(value), escaped)
                  : add_property(name, "SZ", std::string(value), escaped);
}

ParseResult OeAccountDocument::set_dword(std::string_view name, std::uint32_t value) {
  Property* property = find(name);
  if (property && !property->type.empty() && property->type != "DWORD") {
    return ParseResult::failure(0, 0, "<" + std::string(name) + "> is not a DWORD property");
  }
  if (!property) {
    const std::string text = format_dword(value, "00000000");
    return add_property(name, "DWORD", text, text);
  }
  const std::string text = format_dword(value, property->text);
  return replace_text(*property, text, text);
}

std::string OeAccountDocument::display_text() const {
  if (edits_.empty()) return display_text_of_original();
  OeAccountDocument current;
  // The edits keep the document well-formed (set_string and set_dword check what they write).
  parse(serialize(), current);
  return current.display_text_of_original();
}

std::string OeAccountDocument::display_text_of_original() const {
  std::string out;
  std::size_t copied = 0;
  for (const Property& property : properties_) {
    if (!is_secret(property.name) || property.content_end <= property.content_begin) continue;
    out.append(utf8_, copied, property.content_begin - copied);
    out += "********";
    copied = property.content_end;
  }
  out.append(utf8_, copied);
  return out;
}

}  // namespace mailmig
