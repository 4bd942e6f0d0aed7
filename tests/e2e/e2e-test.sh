#!/usr/bin/env bash
# Proof with real clients and real servers: old profiles work against the old ports; mailmig
# migrates copies of them (built-in policy, and a policy that moves hosts); with the old ports
# closed, the migrated profiles fetch over TLS and send through 587 with STARTTLS and AUTH,
# and the unmigrated ones fail. Thunderbird loads the migrated prefs.js itself.
#
#   e2e-test.sh MAILMIG_EXE
#
# Runs as root inside its own network and mount namespace (only loopback; a private
# /etc/hosts), so nothing can leave the machine. Prints what each step proved; any failure,
# including a client or server that cannot start, fails the test.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mailmig=$(realpath "$1")

if [ -z "${MAILMIG_E2E_INSIDE:-}" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "e2e: needs root (unshare, ports below 1024)" >&2; exit 1; }
  # unshare --mount makes every mount private, which needs "/" to be a mount point. In a chroot
  # it is not ("cannot change root filesystem propagation"), and the chroot's mounts are its
  # maker's: keep their propagation there, and undo on exit the one mount this test makes.
  propagation=private
  mountpoint -q / || propagation=unchanged
  exec unshare --net --mount --propagation "$propagation" env MAILMIG_E2E_INSIDE=1 "$0" "$@"
fi

failures=0
passes=0
pass() { echo "PASS: $*"; passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

ip link set lo up
work=$(mktemp -d /tmp/mailmig-e2e-run.XXXXXX)
chmod 755 "$work"  # postfix and dovecot run as their own users
export E2E_BASE=$work/srv
old_hosts="pop.old-univ.example.test smtp.old-univ.example.test"
new_hosts="mail.new-univ.example.test"
export E2E_HOSTS="$old_hosts $new_hosts"
{
  echo "127.0.0.1 localhost"
  for host in $E2E_HOSTS; do echo "127.0.0.1 $host"; done
} >"$work/hosts"

# A minimal system (a debootstrap chroot) may have no /etc/hosts to mount over: make an empty
# one for the time of the test.
made_hosts=
[ -e /etc/hosts ] || { : >/etc/hosts && made_hosts=1; }

cleanup() {
  "$here/mail-servers.sh" stop >/dev/null 2>&1
  umount /etc/hosts 2>/dev/null
  [ -z "$made_hosts" ] || rm -f /etc/hosts
  rm -rf "$work"
}
trap cleanup EXIT
mount --bind "$work/hosts" /etc/hosts

servers() {
  "$here/mail-servers.sh" stop >/dev/null 2>&1
  if ! OLD_PORTS=$1 "$here/mail-servers.sh" start >"$work/servers-$1.txt" 2>&1; then
    cat "$work/servers-$1.txt"
    fail "the mail servers did not start (OLD_PORTS=$1)"
    exit 1
  fi
  "$here/mail-servers.sh" seed "$2" 3
}

# The old profiles: what the seed organisations' users had before the notices.
make_profiles() {
  local dir=$work/old
  mkdir -p "$dir/sylpheed" "$dir/claws" "$dir/thunderbird"
  cp "$here/profiles/sylpheed-accountrc" "$dir/sylpheed/accountrc"
  cp "$here/profiles/claws-accountrc" "$dir/claws/accountrc"
  cp "$here/profiles/claws-clawsrc" "$dir/claws/clawsrc"
  cp "$here/profiles/claws-passwordstorerc" "$dir/claws/passwordstorerc"
  cp "$here/profiles/thunderbird-prefs.js" "$dir/thunderbird/prefs.js"
  cp "$here/profiles/thunderbird-logins.json" "$dir/thunderbird/logins.json"
  cp "$here/profiles/thunderbird-key4.db.gz" "$dir/thunderbird/key4.db.gz"
}

check_key() {  # FILE KEY VALUE: a key the client would hide a mistake in
  if grep -qx "$2=$3" "$1"; then pass "$(basename "$(dirname "$1")"): $2=$3 written"; else
    fail "$1: expected $2=$3, found $(grep "^$2=" "$1")"; fi
}

client_must() {  # EXPECT CLIENT DIR SUBJECT LABEL
  local expect=$1 client=$2 dir=$3 subject=$4 label=$5 output rc=0
  # Receive and send in separate runs: in one run a send error dialog also stops the receive.
  output=$(E2E_POLL_SECONDS=${E2E_POLL_SECONDS:-12} "$here/run-client.sh" "$client" "$dir" "$subject" recv) || rc=1
  output="$output $(E2E_POLL_SECONDS=${E2E_POLL_SECONDS:-12} "$here/run-client.sh" "$client" "$dir" "$subject" send)" || rc=1
  if [ "$expect" = work ] && [ $rc -eq 0 ]; then
    pass "$label: $(echo "$output" | tr '\n' ' ')"
  elif [ "$expect" = fail ] && [ $rc -ne 0 ]; then
    pass "$label fails as it should: $(echo "$output" | tr '\n' ' ')"
  else
    fail "$label: expected to $expect, got: $(echo "$output" | tr '\n' ' ')"
  fi
}

make_profiles

echo "== 1. The old profiles work against the old ports"
servers 1 old
client_must work sylpheed "$work/old/sylpheed" old "Sylpheed, old profile (APOP on 110, port 25)"
client_must work claws "$work/old/claws" old "Claws Mail, old profile (POP before SMTP, port 25)"
if grep -q "lport=110" "$E2E_BASE/log/dovecot.log"; then pass "dovecot saw logins on plaintext 110"; else
  fail "dovecot saw no login on 110"; fi

echo "== 2. mailmig migrates copies: the built-in policy, and a policy that moves hosts"
for variant in builtin moved; do
  cp -a "$work/old" "$work/$variant"
  policy=()
  [ "$variant" = moved ] && policy=(--policy "$here/profiles/move-policy.xml")
  "$mailmig" apply "${policy[@]}" --state-dir "$work/state-$variant" \
    "$work/$variant/sylpheed" "$work/$variant/claws" "$work/$variant/thunderbird" \
    >"$work/apply-$variant.txt" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then pass "mailmig apply ($variant) exited 0"; else fail "mailmig apply ($variant) exited $rc"; fi
  again=$("$mailmig" plan "${policy[@]}" --format json \
    "$work/$variant/sylpheed" "$work/$variant/claws" "$work/$variant/thunderbird")
  rc=$?
  if [ $rc -eq 0 ]; then pass "a second plan ($variant) finds nothing to do"; else
    fail "a second plan ($variant) exited $rc: $again"; fi
  # Claws would fall back to STARTTLS by itself: check the key it would hide a mistake in.
  check_key "$work/$variant/claws/accountrc" ssl_smtp 2
  check_key "$work/$variant/claws/accountrc" use_smtp_auth 1
  check_key "$work/$variant/claws/accountrc" config_version 4
done
# smtp-auth switched AUTH on without a user name change: the incoming login is carried.
if grep -q '"hostname":"smtp://smtp.old-univ.example.test"' "$work/builtin/thunderbird/logins.json"; then
  pass "Thunderbird: the saved IMAP login was copied to smtp://smtp.old-univ.example.test"
else
  fail "Thunderbird: no saved login for smtp://smtp.old-univ.example.test"
fi
# server-move renamed the POP3 login's origin along with the host.
if grep -q '"hostname":"mailbox://mail.new-univ.example.test"' "$work/moved/thunderbird/logins.json"; then
  pass "Thunderbird: the saved POP3 login moved to mailbox://mail.new-univ.example.test"
else
  fail "Thunderbird: the POP3 login did not follow the host"
fi

echo "== 3. Old ports closed: migrated profiles work, unmigrated ones fail"
servers 0 new
for variant in builtin moved; do
  client_must work sylpheed "$work/$variant/sylpheed" new "Sylpheed, migrated ($variant)"
  client_must work claws "$work/$variant/claws" new "Claws Mail, migrated ($variant)"
done
E2E_POLL_SECONDS=6 client_must fail sylpheed "$work/old/sylpheed" new "Sylpheed, unmigrated"
E2E_POLL_SECONDS=6 client_must fail claws "$work/old/claws" new "Claws Mail, unmigrated"
if grep -q "lport=995.*TLS" "$E2E_BASE/log/dovecot.log"; then
  pass "dovecot saw POP3 logins over TLS on 995"; else fail "no POP3 login over TLS on 995"; fi
if grep -q "postfix/submission/smtpd.*starttls=1 auth=1" "$E2E_BASE/log/postfix.log"; then
  pass "postfix saw STARTTLS and AUTH on 587"; else fail "postfix saw no STARTTLS+AUTH on 587"; fi

echo "== 4. Thunderbird loads the migrated profile itself"
if command -v thunderbird >/dev/null; then
  for variant in builtin moved; do
    if result=$("$here/thunderbird-check.sh" "$work/$variant/thunderbird"); then
      pass "Thunderbird ($variant): $result"
    else
      fail "Thunderbird ($variant): $result"
    fi
  done
else
  fail "thunderbird is not installed"
fi

echo "e2e: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
