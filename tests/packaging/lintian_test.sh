#!/bin/sh
# Builds the Debian package from BUILD_DIR with `cpack -G DEB` and runs lintian on it: no error,
# no warning, and no informational tag but the ones listed below with the reason they stay.
# The hardening tags (hardening-no-bindnow, -no-fortify-functions, ...) are informational in
# lintian, so this test is what keeps them out.
# Needs cpack, dpkg-dev and lintian. Usage: lintian_test.sh BUILD_DIR
set -eu
[ $# -eq 1 ] || {
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
}
build_dir=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM  # so that EXIT cleans up after a signal too

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

command -v lintian >/dev/null || fail "lintian is not installed (./build.sh test installs it)"

# Informational tags that stay, with why:
# - binary-has-unneeded-section .comment: the compiler's and the C library's start-up objects
#   each carry a .comment; CPack strips with plain `strip`, which keeps it (dh_strip would remove
#   it). Harmless: a few hundred bytes of compiler version strings.
# - spelling-error-in-binary: "reseted" is in SQLiteCpp's header (a message of its own we cannot
#   change), "protocolL" is a false match across two adjacent strings of the standard library.
allowed='binary-has-unneeded-section|spelling-error-in-binary'

cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 || {
  cat "$work/cpack.log" >&2
  fail "cpack -G DEB failed"
}
set -- "$work"/out/mailmig_*.deb
[ $# -eq 1 ] && [ -f "$1" ] || fail "expected one mailmig_*.deb in $work/out, found: $*"
deb=$1

# lintian's own status is 1 on an error or a warning (--fail-on); the tags are checked below
# either way so that the message names them.
lintian --display-info --fail-on error,warning "$deb" >"$work/tags" 2>"$work/lintian.err" ||
  status=$?
grep -v '^running with root privileges' "$work/lintian.err" >&2 || true
cat "$work/tags"
unexpected=$(grep '^[EWX]: ' "$work/tags" || true)
[ -z "$unexpected" ] || fail "lintian errors or warnings:
$unexpected"
unexpected=$(grep '^[IP]: ' "$work/tags" | grep -Ev "^[IP]: mailmig: ($allowed) " || true)
[ -z "$unexpected" ] || fail "informational tags not in the allowed list:
$unexpected"
[ "${status:-0}" -eq 0 ] || fail "lintian exited with ${status}: $(cat "$work/lintian.err")"
echo "PASS: lintian $(lintian --version | sed 's/^Lintian v//') on $(basename "$deb"):" \
  "no error, no warning, no informational tag but: $allowed"
