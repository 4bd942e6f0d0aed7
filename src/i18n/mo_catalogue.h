// A compiled gettext catalogue (.mo) read directly: the Windows build's translations, where
// there is no libintl. Only what translate() needs: singular messages without context.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace mailmig {

struct MoCatalogue {
  std::unordered_map<std::string, std::string> translations;  // English -> translation
  std::string error;                                          // set when the bytes are no .mo

  explicit operator bool() const { return error.empty(); }
};

// The catalogue in the bytes of a .mo file (either byte order). Entries with a context or a
// plural take their first form; the header (the empty message) is left out.
MoCatalogue parse_mo_catalogue(std::string_view bytes);

}  // namespace mailmig
