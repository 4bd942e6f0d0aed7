#!/bin/sh
# mailmig.exe under Wine, which runs it as an elevated administrator, on a home that belongs to
# another Linux user (Wine shows it with another owner): apply, given the home or the profile's
# PATH, is refused with exit 2 and changes nothing, plan still looks (exit 4); on a copy of its
# own, apply goes ahead.
# Needs root (chown). Wine's output goes to files: Wine keeps a pipe open (README "Windows").
# Usage: elevated_run_test.sh MAILMIG_EXE SOURCE_DIR
set -u
exe=${1:?usage: elevated_run_test.sh MAILMIG_EXE SOURCE_DIR}
source_dir=${2:?usage: elevated_run_test.sh MAILMIG_EXE SOURCE_DIR}
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: needs root to give the home to another user"
  exit 77
fi
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
prefs=AppData/Roaming/Thunderbird/Profiles/x8f2k1qz.default-release/prefs.js
for home in other own; do
  mkdir -p "$work/$home/AppData/Roaming"
  cp -r "$source_dir/fixtures/homes/windows/AppData/Roaming/Thunderbird" "$work/$home/AppData/Roaming/"
done
chown -R 12345:12345 "$work/other"
cp "$work/other/$prefs" "$work/before.js"
policy="Z:$source_dir/fixtures/policies/004-kumail.xml"

status=0
run() {  # run COMMAND HOME: mailmig.exe's exit code; its stderr in $work/err.txt
  wine "$exe" "$1" --verify off --policy "$policy" --home "Z:$work/$2" --quiet \
    </dev/null >"$work/out.txt" 2>"$work/err.txt"
}
fail() {
  echo "FAIL: $*"
  cat "$work/err.txt"
  status=1
}

run apply other
code=$?
[ "$code" -eq 2 ] || fail "apply over another user's home exited $code, not 2"
grep -q "another user's profile" "$work/err.txt" || fail "apply did not say why it refused"
cmp -s "$work/before.js" "$work/other/$prefs" || fail "the other user's prefs.js was changed"

# The other user's profile named as a PATH rather than through --home.
wine "$exe" apply --verify off --policy "$policy" --quiet "Z:$work/other/${prefs%/prefs.js}" \
  </dev/null >"$work/out.txt" 2>"$work/err.txt"
code=$?
[ "$code" -eq 2 ] || fail "apply on another user's profile PATH exited $code, not 2"
cmp -s "$work/before.js" "$work/other/$prefs" || fail "the other user's prefs.js was changed"

run plan other
code=$?
[ "$code" -eq 4 ] || fail "plan over another user's home exited $code, not 4 (changes pending)"
cmp -s "$work/before.js" "$work/other/$prefs" || fail "plan changed the other user's prefs.js"

run apply own
code=$?
[ "$code" -eq 0 ] || fail "apply over a home of its own exited $code, not 0"
grep -q '"pop.gmail.com"' "$work/own/$prefs" || fail "apply over a home of its own changed nothing"

[ "$status" -eq 0 ] && echo "PASS: elevated apply refused over another user's home and profile PATH only"
exit "$status"
