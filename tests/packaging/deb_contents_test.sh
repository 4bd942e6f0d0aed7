#!/bin/sh
# Builds the Debian package with `cpack -G DEB` from BUILD_DIR (configured with
# cmake/MailmigPackaging.cmake) and checks its file list and control fields: the executable,
# man page, completion and examples are where Debian puts them, Depends names the package of
# every shared library the executable needs (dpkg-shlibdeps), and the packaged files work: the
# copyright, the changelog (its newest entry is this version), /etc/mailmig/policy.xml as the one
# conffile and loadable, and the login script that mailmig.desktop runs.
# Needs cpack, dpkg-dev, binutils (readelf), groff and bash.
# Usage: deb_contents_test.sh BUILD_DIR
set -eu
[ $# -eq 1 ] || {
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
}
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM  # so that EXIT cleans up after a signal too

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() { echo "ok: $*"; }

# The package goes to a folder of its own so an older .deb in the build folder cannot be read.
cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 || {
  cat "$work/cpack.log" >&2
  fail "cpack -G DEB failed (is BUILD_DIR fully built? dpkg-shlibdeps comes with dpkg-dev)"
}
set -- "$work"/out/mailmig_*.deb
if [ $# -ne 1 ] || [ ! -f "$1" ]; then fail "expected one mailmig_*.deb in $work/out, found: $*"; fi
deb=$1
ok "cpack made $(basename "$deb")"

# File list: "./usr/bin/mailmig" etc., one path a line, folders without their trailing slash.
dpkg-deb -c "$deb" >"$work/listing"
awk '{ print $6 }' "$work/listing" | sed 's,/$,,' >"$work/files"
expect_file() {
  grep -qx "./$1" "$work/files" || fail "$1 is not in the package"
}
expect_file usr/bin/mailmig
grep -q '^-rwxr-xr-x root/root .* \./usr/bin/mailmig$' "$work/listing" ||
  fail "usr/bin/mailmig is not -rwxr-xr-x root/root"
expect_file usr/share/man/man1/mailmig.1.gz
expect_file usr/share/bash-completion/completions/mailmig
examples=usr/share/doc/mailmig/examples
count=0
for policy in "$source_dir"/fixtures/policies/*.xml; do
  expect_file "$examples/policies/$(basename "$policy")"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || fail "no example policies in fixtures/policies"
for script in README.md mailmig-login.sh mailmig.desktop mailmig-logon.cmd; do
  expect_file "$examples/login-scripts/$script"
done
for file in README.md mailmig-census.yml inventory.example.ini tasks/plan-windows.yml; do
  expect_file "$examples/ansible/$file"
done
for po in "$source_dir"/po/*.po; do
  [ -e "$po" ] || continue
  expect_file "usr/share/locale/$(basename "$po" .po)/LC_MESSAGES/mailmig.mo"
done
expect_file usr/share/doc/mailmig/copyright
expect_file usr/share/doc/mailmig/changelog.gz
expect_file etc/mailmig/policy.xml
grep -q '^-rwxr-xr-x root/root .* \./usr/libexec/mailmig/mailmig-login.sh$' "$work/listing" ||
  fail "usr/libexec/mailmig/mailmig-login.sh is not in the package with mode -rwxr-xr-x root/root"
[ "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)" = /etc/mailmig/policy.xml ] ||
  fail "conffiles does not list exactly /etc/mailmig/policy.xml"
ok "copyright, changelog.gz, /etc/mailmig/policy.xml (the one conffile)," \
  "/usr/libexec/mailmig/mailmig-login.sh (0755)"
! grep -q '^\./usr/local' "$work/files" || fail "files under /usr/local: $(grep /usr/local "$work/files")"
! grep -q 'policies/invalid' "$work/files" || fail "the invalid fixture policies were packaged"
ok "files: /usr/bin/mailmig (0755 root), man page, bash completion, $count example policies," \
  "login scripts, ansible playbook, message catalogues; nothing under /usr/local"

field() { dpkg-deb -f "$deb" "$1"; }
expect_field() {
  [ "$(field "$1")" = "$2" ] || fail "control field $1 is '$(field "$1")', expected '$2'"
}
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build_dir/CMakeCache.txt")
expect_field Package mailmig
expect_field Version "$version"
expect_field Section mail
expect_field Architecture "$(dpkg --print-architecture)"
field Maintainer | grep -q '^[^<]\+ <[^@>]\+@[^>]\+>$' || fail "Maintainer '$(field Maintainer)'"
field Description | head -n 1 | grep -q 'mail settings' || fail "Description '$(field Description)'"
ok "control: Package mailmig, Version $version, Section mail, Architecture," \
  "Maintainer '$(field Maintainer)', Description"

# Every library the executable needs must be in Depends: the package that ships it.
dpkg-deb -x "$deb" "$work/root"
depends=$(field Depends)
readelf -d "$work/root/usr/bin/mailmig" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' >"$work/needed"
[ -s "$work/needed" ] || fail "readelf found no NEEDED libraries in usr/bin/mailmig"
while read -r library; do
  # Several packages may ship a file of that name (libc6 and libc6-i386 both have libm.so.6):
  # one of them in Depends is enough.
  packages=$(dpkg -S "*/$library" 2>/dev/null | cut -d: -f1 | sort -u)
  [ -n "$packages" ] || fail "no installed package ships $library"
  covered=no
  for package in $packages; do
    if printf '%s\n' "$depends" | tr ',' '\n' | grep -q "^ *$package\( \|$\)"; then covered=yes; fi
  done
  [ "$covered" = yes ] ||
    fail "$library is in package $(echo $packages), none of which Depends names: $depends"
done <"$work/needed"
ok "Depends ($depends) covers every NEEDED library: $(tr '\n' ' ' <"$work/needed")"

# The packaged files themselves work.
zcat "$work/root/usr/share/man/man1/mailmig.1.gz" | groff -man -Tutf8 -ww -z 2>"$work/groff.log"
[ ! -s "$work/groff.log" ] || fail "the man page has groff warnings: $(cat "$work/groff.log")"
bash -n "$work/root/usr/share/bash-completion/completions/mailmig" || fail "completion syntax"
"$work/root/usr/bin/mailmig" --version >"$work/version.txt" 2>&1 ||
  fail "the packaged mailmig --version failed: $(cat "$work/version.txt")"
grep -q "$version" "$work/version.txt" || fail "--version printed: $(cat "$work/version.txt")"
changelog_version=$(zcat "$work/root/usr/share/doc/mailmig/changelog.gz" |
  sed -n '1s/^mailmig (\([^)]*\)).*/\1/p')
[ "$changelog_version" = "$version" ] ||
  fail "the changelog's newest entry is '$changelog_version', the package $version (packaging/changelog)"
# mailmig.desktop runs a script the package installs.
desktop="$work/root/$examples/login-scripts/mailmig.desktop"
exec_line=$(sed -n 's/^Exec=//p' "$desktop")
script=${exec_line##* }
[ -n "$script" ] && [ -x "$work/root$script" ] ||
  fail "mailmig.desktop runs '$exec_line', and the package has no executable $script"
"$work/root/usr/bin/mailmig" plan --policy "$work/root/etc/mailmig/policy.xml" \
  --home "$work/root/usr/share/doc" >"$work/plan.txt" 2>&1 ||
  fail "the packaged /etc/mailmig/policy.xml does not load: $(cat "$work/plan.txt")"
ok "the changelog's newest entry is $version, mailmig.desktop runs $script, the packaged" \
  "/etc/mailmig/policy.xml loads"
ok "the packaged man page renders without warnings, the completion parses, mailmig --version" \
  "prints $version"
echo "PASS: $(basename "$deb")"
