#!/bin/sh
# Which policy mailmig (BUILD_DIR/mailmig) uses without --policy, with the real system path
# /etc/mailmig/policy.xml: --policy first, then mailmig-policy.xml beside the executable, then
# /etc/mailmig/policy.xml (the package's conffile, packaging/policy.xml), then the built-in
# policy; one at /etc that cannot be loaded stops the run (exit 2). /etc is changed only inside
# a private mount namespace (an overlay), so the machine's /etc is never touched: needs root
# and unshare, else the test is skipped (exit 77). Also the order mailmig-login.sh uses.
# Usage: policy_search_test.sh BUILD_DIR
set -eu
[ $# -ge 1 ] || {
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
}
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")/../.." && pwd)

if [ "${2:-}" != --inside ]; then
  if [ "$(id -u)" -ne 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
    echo "SKIP: needs root and unshare --mount to lay a private /etc/mailmig over /etc"
    exit 77
  fi
  # The folder the namespace mounts its tmpfs on; empty again once the namespace is gone.
  work=$(mktemp -d)
  status=0
  unshare --mount --propagation private sh "$0" "$1" --inside "$work" || status=$?
  rmdir "$work"
  exit "$status"
fi
work=$3

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() { echo "ok: $*"; }

# The private mount namespace goes away with this process; the tmpfs with it.
skip() {
  echo "SKIP: $*"
  exit 77
}
mount -t tmpfs mailmig-test "$work" || skip "cannot mount a tmpfs in the mount namespace"
mkdir "$work/upper" "$work/overlay-work" "$work/home" "$work/bin"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$work/upper,workdir=$work/overlay-work" /etc ||
  skip "cannot lay an overlay over /etc in the mount namespace"
rm -rf /etc/mailmig

# policy_used MAILMIG [OPTION...]: the name of the policy a plan used (JSON "policy").
policy_used() {
  binary=$1
  shift
  "$binary" plan "$@" --home "$work/home" --format json | python3 -c \
    'import json, sys; print(json.load(sys.stdin)["policy"]["name"])'
}

mailmig=$build_dir/mailmig
[ "$(policy_used "$mailmig")" = "built-in default" ] ||
  fail "without any policy file: $(policy_used "$mailmig")"
ok "no --policy, none beside the executable, no /etc/mailmig/policy.xml: the built-in policy"

mkdir /etc/mailmig
cp "$source_dir/packaging/policy.xml" /etc/mailmig/policy.xml
sample=$(sed -n 's/.*<policy [^>]*name="\([^"]*\)".*/\1/p' /etc/mailmig/policy.xml)
[ -n "$sample" ] || fail "no name in packaging/policy.xml"
[ "$(policy_used "$mailmig")" = "$sample" ] || fail "/etc/mailmig/policy.xml not used"
ok "no --policy, none beside the executable: /etc/mailmig/policy.xml ($sample)"

cp "$mailmig" "$work/bin/mailmig"
cp "$source_dir/fixtures/policies/002-kyutech.xml" "$work/bin/mailmig-policy.xml"
beside=$(sed -n 's/.*<policy [^>]*name="\([^"]*\)".*/\1/p' "$work/bin/mailmig-policy.xml")
[ "$(policy_used "$work/bin/mailmig")" = "$beside" ] ||
  fail "mailmig-policy.xml beside the executable not preferred to /etc/mailmig/policy.xml"
ok "mailmig-policy.xml beside the executable comes before /etc/mailmig/policy.xml"

given=$(sed -n 's/.*<policy [^>]*name="\([^"]*\)".*/\1/p' "$source_dir/fixtures/policies/001-keio.xml")
[ "$(policy_used "$work/bin/mailmig" --policy "$source_dir/fixtures/policies/001-keio.xml")" = \
  "$given" ] || fail "--policy not preferred to the files"
ok "--policy comes before both"

printf '<policy xmlns="urn:mailmig:policy:1"><unknown/></policy>\n' >/etc/mailmig/policy.xml
status=0
"$mailmig" plan --home "$work/home" >"$work/out" 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "an invalid /etc/mailmig/policy.xml gave exit $status: $(cat "$work/out")"
grep -q "/etc/mailmig/policy.xml" "$work/out" || fail "the error does not name the file: $(cat "$work/out")"
ok "an invalid /etc/mailmig/policy.xml stops the run with exit 2 and names the file"

# mailmig-login.sh passes the policy it finds in the same order, reading the older names before
# the package's sample. A fake mailmig records the arguments it was given.
mkdir "$work/fake" "$work/run"
cat >"$work/fake/mailmig" <<'FAKE'
#!/bin/sh
printf '%s\n' "$*" >"$FAKE_CALLS"
FAKE
chmod +x "$work/fake/mailmig"
# login_policy SESSION: the --policy the login script gave mailmig in a new login session (the
# script runs once a session).
login_policy() {
  rm -f "$work/calls"
  env -i PATH="$work/fake:/usr/bin:/bin" HOME="$work/home" XDG_RUNTIME_DIR="$work/run" \
    XDG_SESSION_ID="$1" FAKE_CALLS="$work/calls" MAILMIG_LOGIN_CONF=/nonexistent \
    sh "$source_dir/packaging/login-scripts/mailmig-login.sh"
  [ -f "$work/calls" ] || fail "the login script did not run mailmig"
  sed -n 's/.*--policy \(.*\)$/\1/p' "$work/calls"
}
cp "$source_dir/packaging/policy.xml" /etc/mailmig/policy.xml
[ "$(login_policy 1)" = /etc/mailmig/policy.xml ] || fail "login script: $(cat "$work/calls")"
cp "$source_dir/fixtures/policies/001-keio.xml" /etc/mailmig/mailmig-policy.xml
[ "$(login_policy 2)" = /etc/mailmig/mailmig-policy.xml ] || fail "login script: $(cat "$work/calls")"
cp "$source_dir/fixtures/policies/001-keio.xml" "$work/fake/mailmig-policy.xml"
[ "$(login_policy 3)" = "$work/fake/mailmig-policy.xml" ] || fail "login script: $(cat "$work/calls")"
ok "mailmig-login.sh: beside the executable, then the old /etc/mailmig/mailmig-policy.xml," \
  "then /etc/mailmig/policy.xml"
echo "PASS: policy search order"
