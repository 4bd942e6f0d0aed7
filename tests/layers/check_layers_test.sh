#!/bin/sh
# The layering check on tiny fake trees: a clean tree passes, and each kind of bad include
# fails it with the offending file:line.
# Usage: check_layers_test.sh SCRIPT
set -eu
script=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# A tree with one file per folder that only includes downward or its shared parent files.
make_clean_tree() {
  rm -rf "$work/tree"
  mkdir -p "$work/tree/src/model" "$work/tree/src/io" "$work/tree/src/policy" \
    "$work/tree/src/app" "$work/tree/src/cli" "$work/tree/rules" \
    "$work/tree/parsers/formats/ini" "$work/tree/parsers/clients/becky" \
    "$work/tree/parsers/clients/sylpheed"
  printf '#pragma once\n#include <string>\n' >"$work/tree/src/model/account.h"
  printf '#include "src/model/account.h"\n' >"$work/tree/src/io/file_system.h"
  printf '#include "src/io/file_system.h"\n' >"$work/tree/src/policy/policy.h"
  printf '#pragma once\n' >"$work/tree/parsers/formats/span_editor.h"
  printf '#include "parsers/formats/span_editor.h"\n#include "src/model/account.h"\n' \
    >"$work/tree/parsers/formats/ini/ini_document.h"
  printf '#include "parsers/formats/ini/ini_document.h"\n' \
    >"$work/tree/parsers/clients/becky/becky_profile.cpp"
  printf '#pragma once\n' >"$work/tree/parsers/clients/sylpheed/accountrc_profile.h"
  printf '#include "src/policy/policy.h"\n' >"$work/tree/rules/rule.h"
  printf '#include "rules/rule.h"\n#include "parsers/clients/becky/becky_profile.h"\n' \
    >"$work/tree/src/app/migration.cpp"
  printf '  #  include "src/app/migration.h" // spaced\n' >"$work/tree/src/cli/commands.cpp"
}

# expect_failure NAME FILE LINE: adding LINE to FILE must fail the check and name FILE.
expect_failure() {
  make_clean_tree
  printf '%s\n' "$3" >>"$work/tree/$2"
  if output=$(sh "$script" "$work/tree"); then
    echo "FAIL: $1: the check passed"
    failures=$((failures + 1))
  elif ! printf '%s\n' "$output" | grep -q "^$2:[0-9]*: "; then
    echo "FAIL: $1: $2 is not named in: $output"
    failures=$((failures + 1))
  else
    echo "ok: $1: $output"
  fi
}

make_clean_tree
if output=$(sh "$script" "$work/tree"); then
  echo "ok: a clean tree passes"
else
  echo "FAIL: a clean tree fails: $output"
  failures=$((failures + 1))
fi

expect_failure "the floor includes upward" src/model/account.h '#include "src/policy/policy.h"'
expect_failure "a rank-1 folder includes rules" src/policy/policy.h '#include "rules/rule.h"'
expect_failure "rules include the application" rules/rule.h '#include "src/app/migration.h"'
expect_failure "the application includes the command line" src/app/migration.cpp \
  '#include "src/cli/commands.h"'
expect_failure "a client includes another client" parsers/clients/becky/becky_profile.cpp \
  '#include "parsers/clients/sylpheed/accountrc_profile.h"'
expect_failure "a format includes a client" parsers/formats/ini/ini_document.h \
  '#include "parsers/clients/becky/becky_profile.h"'
expect_failure "the shared formats file includes a format" parsers/formats/span_editor.h \
  '#include "parsers/formats/ini/ini_document.h"'
expect_failure "rules include a client" rules/rule.h \
  '#include "parsers/clients/becky/becky_profile.h"'
expect_failure "a client includes rules" parsers/clients/sylpheed/accountrc_profile.h \
  '#include "rules/rule.h"'
expect_failure "the policy includes a format" src/policy/policy.h \
  '#include "parsers/formats/ini/ini_document.h"'
expect_failure "product code includes a test" src/cli/commands.cpp \
  '#include "tests/cli/cli_test_support.h"'
expect_failure "an unranked folder" src/cli/commands.cpp '#include "third_party/x.h"'
expect_failure "two floor folders include each other" src/model/account.h \
  '#include "src/io/file_system.h"'

# A circle through three folders of one rank: each of its includes is named.
make_clean_tree
mkdir -p "$work/tree/src/util"
printf '#include "src/util/digest.h"\n' >>"$work/tree/src/model/account.h"
printf '#include "src/io/file_system.h"\n' >"$work/tree/src/util/digest.h"
if output=$(sh "$script" "$work/tree"); then
  echo "FAIL: a circle model -> util -> io -> model passes"
  failures=$((failures + 1))
elif [ "$(printf '%s\n' "$output" | grep -c 'include each other')" -ne 3 ]; then
  echo "FAIL: the circle's three includes are not all named: $output"
  failures=$((failures + 1))
else
  echo "ok: a circle through three folders: $output"
fi

[ "$failures" -eq 0 ]
