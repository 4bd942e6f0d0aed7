#!/bin/sh
# Fails, naming the messages, when a message marked for translation in the sources (N_ or
# translate, extracted as po/CMakeLists.txt's mailmig-pot target does) has no usable Japanese
# translation in po/ja.po: missing, empty, fuzzy, or with other {placeholders} than the English.
# Usage: sh check_ja_catalogue.sh <mailmig source dir>
set -u
source_dir=${1:?usage: check_ja_catalogue.sh <mailmig source dir>}
for tool in xgettext msgmerge msgattrib msgexec msgfilter msgen msgfmt; do
  command -v "$tool" >/dev/null 2>&1 || { echo "FAIL: $tool (GNU gettext) is not installed"; exit 1; }
done
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$source_dir" || exit 1

# The same files and options as the mailmig-pot target.
find src rules parsers -name '*.cpp' | LC_ALL=C sort >"$work/sources.txt"
xgettext --from-code=UTF-8 --language=C++ --keyword=N_ --keyword=translate --add-comments \
  --sort-by-file -o "$work/mailmig.pot" --files-from="$work/sources.txt" || exit 1
[ -f "$work/mailmig.pot" ] || { echo "FAIL: xgettext found no messages in $source_dir"; exit 1; }
msgfmt --check -o /dev/null po/ja.po || { echo "FAIL: po/ja.po does not compile"; exit 1; }
# Every message of the sources, with the translation po/ja.po has for it (none if missing).
msgmerge --quiet --no-fuzzy-matching -o "$work/ja.po" po/ja.po "$work/mailmig.pot" || exit 1

status=0
# msgattrib keeps the header, and writes no file when nothing else matches either.
messages_in() { [ -f "$1" ] && echo $(($(grep -c '^msgid ' "$1") - 1)) || echo 0; }
for kind in untranslated only-fuzzy; do
  msgattrib --"$kind" --no-obsolete -o "$work/$kind.po" "$work/ja.po" || exit 1
  if [ "$(messages_in "$work/$kind.po")" -gt 0 ]; then
    echo "FAIL: po/ja.po has $(messages_in "$work/$kind.po") ${kind#only-} message(s) from the" \
      "sources (refresh po/mailmig.pot, msgmerge it into po/ja.po and translate):"
    sed -n '/^#:/,/^$/p' "$work/$kind.po"
    status=1
  fi
done

# One message a line, English and Japanese in the same order (msgexec's builtin 0 ends each
# message with a NUL); the first line is the header.
msgexec -i "$work/ja.po" 0 | tr '\n\0' ' \n' >"$work/japanese.txt" || exit 1
# msgen fills only empty translations with the English, so empty them all first.
msgfilter --keep-header -i "$work/ja.po" sed -e d | msgen - | msgexec 0 |
  tr '\n\0' ' \n' >"$work/english.txt" || exit 1
if [ "$(wc -l <"$work/english.txt")" -ne "$(wc -l <"$work/japanese.txt")" ]; then
  echo "FAIL: could not pair the English and Japanese messages"
  exit 1
fi
awk '
  function placeholders(text,   count, i, j, name, seen, names, joined) {
    count = 0
    while (match(text, /\{[a-z_]+\}/)) {
      name = substr(text, RSTART, RLENGTH)
      text = substr(text, RSTART + RLENGTH)
      if (!(name in seen)) { seen[name] = 1; names[++count] = name }
    }
    for (i = 2; i <= count; i++)
      for (j = i; j > 1 && names[j - 1] > names[j]; j--) {
        name = names[j]; names[j] = names[j - 1]; names[j - 1] = name
      }
    joined = ""
    for (i = 1; i <= count; i++) joined = joined names[i]
    return joined
  }
  NR == FNR { english[FNR] = $0; next }
  FNR > 1 && $0 != "" && placeholders(english[FNR]) != placeholders($0) {
    printf "FAIL: placeholders [%s] in English but [%s] in Japanese: %s\n",
      placeholders(english[FNR]), placeholders($0), english[FNR]
  }
' "$work/english.txt" "$work/japanese.txt" >"$work/placeholders.txt" || exit 1
if [ -s "$work/placeholders.txt" ]; then
  cat "$work/placeholders.txt"
  status=1
fi

if [ "$status" -eq 0 ]; then
  echo "po/ja.po translates all $(messages_in "$work/ja.po") messages of the sources"
fi
exit "$status"
