#!/bin/sh
# The static checks of the product code (src/, parsers/, rules/), run by `./build.sh lint` and CI:
#   1. the include layering (scripts/check-layers.sh);
#   2. clang-format --dry-run -Werror with the root's .clang-format;
#   3. clang-tidy with the root's .clang-tidy, over BUILD_DIR's compile_commands.json.
# Every stage runs; the exit status is 1 when any of them found something.
# Usage: scripts/lint.sh BUILD_DIR [JOBS]
set -eu
cd "$(dirname "$0")/.."
build_dir=${1:?usage: scripts/lint.sh BUILD_DIR [JOBS]}
jobs=${2:-2}
status=0

echo "== include layering"
sh scripts/check-layers.sh . || status=1

product_sources() {
  find src parsers rules -type f \( -name '*.h' -o -name '*.cpp' \) | LC_ALL=C sort
}

echo "== clang-format"
product_sources | xargs clang-format --dry-run -Werror || status=1

echo "== clang-tidy"
if [ ! -f "$build_dir/compile_commands.json" ]; then
  echo "lint: no $build_dir/compile_commands.json (configure with CMake first)" >&2
  exit 2
fi
# Headers are checked through the sources that include them (.clang-tidy's HeaderFilterRegex);
# a header's finding repeats once per source, so each is shown once.
raw_output=$(mktemp)
tidy_output=$(mktemp)
trap 'rm -f "$raw_output" "$tidy_output"' EXIT
tidy_status=0
run-clang-tidy -quiet -p "$build_dir" -j "$jobs" "$(pwd)/(src|parsers|rules)/" >"$raw_output" 2>&1 ||
  tidy_status=1
# run-clang-tidy colours its output: the colours are taken off to match the lines.
escape=$(printf '\033')
sed "s/$escape\[[0-9;]*m//g" "$raw_output" >"$tidy_output"
findings='^[^ ]+:[0-9]+:[0-9]+: (warning|error): '
grep -E "$findings" "$tidy_output" | LC_ALL=C sort -u || true
if grep -qE "$findings" "$tidy_output"; then
  status=1
elif [ "$tidy_status" -ne 0 ]; then
  status=1
  cat "$tidy_output"  # clang-tidy failed without a finding (a file that does not compile, say)
fi
exit "$status"
