// Translation of user-facing text through GNU gettext (domain "mailmig").
#pragma once

#include <string>
#include <string_view>

// Marks a string literal for xgettext without translating it where it is written.
#define N_(text) text

namespace mailmig {

// The translation of an English message in the language chosen by init_language; the message
// itself when there is none.
const char* translate(const char* english);

enum class Language { English, Japanese };

// Chooses the language: `requested` ("ja", "en") when given, else LC_ALL, LC_MESSAGES, LANG.
// Binds the catalogue: beside the executable (build tree or install prefix), else the system's.
void init_language(std::string_view requested, std::string_view executable_path);
Language current_language();

}  // namespace mailmig
