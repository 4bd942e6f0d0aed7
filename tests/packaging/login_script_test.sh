#!/bin/sh
# Runs packaging/login-scripts/mailmig-login.sh against a fake mailmig (first in PATH) that
# records its arguments and exits with a chosen code, and checks: the exact arguments, the
# once-per-session guard, that exit codes 1, 2 and 3 never break the login (status 0, nothing
# printed, the shell that sources it lives on) and that each outcome is logged.
# Usage: login_script_test.sh [SHELL...]   (default: sh; CI also passes bash)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
script="$here/../../packaging/login-scripts/mailmig-login.sh"
shells=${*:-sh}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM  # so that EXIT cleans up after a signal too
mkdir -p "$work/bin" "$work/home" "$work/run"
cat >"$work/bin/mailmig" <<'EOF'
#!/bin/sh
# Fake mailmig: one line per call, the arguments separated by "|".
(IFS='|'; printf '%s\n' "$*") >>"$FAKE_CALLS"
exit "${FAKE_EXIT:-0}"
EOF
chmod +x "$work/bin/mailmig"
: >"$work/policy.xml"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() { echo "ok: $*"; }

calls="$work/calls"
log="$work/home/.local/state/mailmig/mailmig.log"

# run_login SHELL SESSION EXIT [sourced]: runs the script as a login would; prints its output.
# shellcheck disable=SC2016 # the inner script expands $0 and $1 itself
run_login() {
  env -i PATH="$work/bin:/usr/bin:/bin" HOME="$work/home" XDG_RUNTIME_DIR="$work/run" \
    XDG_SESSION_ID="$2" FAKE_EXIT="$3" FAKE_CALLS="$calls" \
    MAILMIG_LOGIN_CONF="$work/no-such.conf" ${MAILMIG_POLICY:+MAILMIG_POLICY="$MAILMIG_POLICY"} \
    "$1" -c 'if [ "$1" = sourced ]; then . "$0"; echo "login shell alive: $?"; else "$0"; echo "status: $?"; fi' \
    "$script" "${4:-run}" 2>&1
}

call_count() { if [ -f "$calls" ]; then wc -l <"$calls" | tr -d ' '; else echo 0; fi; }

session=0
for shell in $shells; do
  rm -rf "$work/run"/* "$calls" "$work/home/.local"
  MAILMIG_POLICY="$work/policy.xml"
  echo "== $shell"

  session=$((session + 1))
  output=$(run_login "$shell" "$session" 0)
  [ "$output" = "status: 0" ] || fail "exit 0: expected only 'status: 0', got: $output"
  expected="apply|--quiet|--log|$log|--policy|$work/policy.xml"
  [ "$(cat "$calls")" = "$expected" ] || fail "arguments: expected $expected, got $(cat "$calls")"
  grep -q "mailmig-login: done (policy: $work/policy.xml)" "$log" || fail "success not logged"
  ok "arguments are exactly: $expected; success logged; nothing printed"

  output=$(run_login "$shell" "$session" 0)
  [ "$output" = "status: 0" ] || fail "second run printed: $output"
  [ "$(call_count)" = 1 ] || fail "second run in the same session called mailmig again"
  ok "a second run in the same session does not call mailmig"

  session=$((session + 1))
  output=$(run_login "$shell" "$session" 3)
  [ "$output" = "status: 0" ] || fail "exit 3 broke the login: $output"
  [ "$(call_count)" = 2 ] || fail "a new session did not call mailmig"
  grep -q "a mail client is running, .*retried at the next login" "$log" || fail "3 not logged"
  ok "a new session runs again; exit 3 gives status 0 and is logged as retry-later"

  for code in 1 2; do
    session=$((session + 1))
    output=$(run_login "$shell" "$session" "$code")
    [ "$output" = "status: 0" ] || fail "exit $code broke the login: $output"
  done
  grep -q "some profile could not be read or written" "$log" || fail "1 not logged"
  grep -q "usage error or invalid policy" "$log" || fail "2 not logged"
  ok "exit 1 and 2 give status 0 and are logged"

  session=$((session + 1))
  output=$(run_login "$shell" "$session" 3 sourced)
  [ "$output" = "login shell alive: 0" ] || fail "sourced (profile.d): $output"
  [ "$(call_count)" = 5 ] || fail "sourced run did not call mailmig"
  ok "sourced as /etc/profile.d does, the login shell lives on with status 0"

  session=$((session + 1))
  MAILMIG_POLICY="$work/missing.xml"
  output=$(run_login "$shell" "$session" 0)
  [ "$output" = "status: 0" ] || fail "missing policy: $output"
  [ "$(call_count)" = 5 ] || fail "mailmig ran although the configured policy is missing"
  grep -q "policy $work/missing.xml cannot be read; nothing done" "$log" ||
    fail "missing policy not logged"
  ok "a configured policy that is missing: mailmig is not run, and the log says why"

  session=$((session + 1))
  unset MAILMIG_POLICY
  cp "$work/policy.xml" "$work/bin/mailmig-policy.xml"
  output=$(run_login "$shell" "$session" 0)
  rm "$work/bin/mailmig-policy.xml"
  [ "$(tail -n 1 "$calls")" = "apply|--quiet|--log|$log|--policy|$work/bin/mailmig-policy.xml" ] ||
    fail "policy beside the executable not used: $(tail -n 1 "$calls")"
  ok "without MAILMIG_POLICY the policy beside the executable is used"
  [ "$(stat -c %a "$(dirname "$log")")" = 700 ] || fail "log folder is not private"
  ok "the log folder is created with mode 0700"
done
echo "PASS: mailmig-login.sh ($shells)"
