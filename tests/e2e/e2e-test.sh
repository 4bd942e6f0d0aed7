#!/usr/bin/env bash
# Proof with real clients and real servers: old profiles work against the old ports; mailmig
# migrates copies of them (built-in policy, and a policy that moves hosts), each new server
# checked first (verification required, the test's certificate in the system CA store); the
# prober meets a good endpoint, a closed port, plaintext where TLS was expected, an expired,
# a wrong-host and an untrusted certificate, and SMTP without AUTH after STARTTLS, and never
# logs in; a change onto a server that fails is left alone with exit 3. With the old ports
# closed, the migrated profiles fetch over TLS and send through 587 with STARTTLS and AUTH,
# and the unmigrated ones fail. Thunderbird loads the migrated prefs.js itself.
#
#   e2e-test.sh MAILMIG_EXE MAILMIG_PROBE_EXE
#
# Runs as root inside its own network and mount namespace (only loopback; a private
# /etc/hosts), so nothing can leave the machine. Prints what each step proved; any failure,
# including a client or server that cannot start, fails the test.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mailmig=$(realpath "$1")
probe=$(realpath "$2")

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
old_hosts="pop.old-univ.example.test smtp.old-univ.example.test imap.example.ac.jp"
new_hosts="mail.new-univ.example.test"
export E2E_HOSTS="$old_hosts $new_hosts"
{
  echo "127.0.0.1 localhost"
  for host in $E2E_HOSTS; do echo "127.0.0.1 $host"; done
} >"$work/hosts"

# A minimal system (a debootstrap chroot) may have no /etc/hosts to mount over: make an empty
# one for the time of the test. The same for the system CA store, which here trusts only the
# test servers' certificate (mailmig checks a new server against it before changing).
made_hosts=
[ -e /etc/hosts ] || { : >/etc/hosts && made_hosts=1; }
ca_store=/etc/ssl/certs/ca-certificates.crt
made_ca_store= made_ca_dir=
[ -d "$(dirname "$ca_store")" ] || { mkdir -p "$(dirname "$ca_store")" && made_ca_dir=1; }
[ -e "$ca_store" ] || { : >"$ca_store" && made_ca_store=1; }
: >"$work/ca-store.crt"
tls_pids=()

cleanup() {
  for pid in "${tls_pids[@]}"; do kill "$pid" 2>/dev/null; done
  "$here/mail-servers.sh" stop >/dev/null 2>&1
  umount /etc/hosts 2>/dev/null
  umount "$ca_store" 2>/dev/null
  [ -z "$made_hosts" ] || rm -f /etc/hosts
  [ -z "$made_ca_store" ] || rm -f "$ca_store"
  [ -z "$made_ca_dir" ] || rmdir -p "$(dirname "$ca_store")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
mount --bind "$work/hosts" /etc/hosts
mount --bind "$work/ca-store.crt" "$ca_store"

servers() {
  "$here/mail-servers.sh" stop >/dev/null 2>&1
  if ! OLD_PORTS=$1 "$here/mail-servers.sh" start >"$work/servers-$1.txt" 2>&1; then
    cat "$work/servers-$1.txt"
    fail "the mail servers did not start (OLD_PORTS=$1)"
    exit 1
  fi
  "$here/mail-servers.sh" seed "$2" 3
  # Each start makes a new certificate: the system store (bind-mounted file) trusts it.
  cat "$E2E_BASE/tls/cert.pem" >"$work/ca-store.crt"
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
  if [ $rc -eq 0 ]; then pass "mailmig apply ($variant) exited 0"; else
    fail "mailmig apply ($variant) exited $rc: $(cat "$work/apply-$variant.txt")"; fi
  if grep -q "Servers checked before changing (verification required):" "$work/apply-$variant.txt" &&
    ! grep -q "left alone" "$work/apply-$variant.txt"; then
    pass "apply ($variant) checked each new server first ($(grep -c 'answers as the account needs' "$work/apply-$variant.txt") passed)"
  else
    fail "apply ($variant) did not check its new servers: $(cat "$work/apply-$variant.txt")"
  fi
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

echo "== 2b. The endpoint checks against the real servers, and certificates made to fail"
v=$work/verify
mkdir -p "$v/issued"
: >"$v/index.txt"
echo 1000 >"$v/serial"
cat >"$v/ca.cnf" <<EOF
[ ca ]
default_ca = e2e
[ e2e ]
database = $v/index.txt
new_certs_dir = $v/issued
serial = $v/serial
default_md = sha256
policy = any_name
copy_extensions = copy
unique_subject = no
[ any_name ]
commonName = supplied
EOF
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=mailmig e2e test CA" \
  -keyout "$v/ca.key" -out "$v/ca.pem" 2>/dev/null
issue() {  # NAME SUBJECT-ALT-NAMES NOT-BEFORE NOT-AFTER: a certificate signed by the test CA
  local first=${2%%,*}
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=${first#DNS:}" -addext "subjectAltName=$2" \
    -keyout "$v/$1.key" -out "$v/$1.csr" 2>/dev/null
  openssl ca -batch -config "$v/ca.cnf" -cert "$v/ca.pem" -keyfile "$v/ca.key" -in "$v/$1.csr" \
    -out "$v/$1.pem" -startdate "$3" -enddate "$4" -notext >/dev/null 2>&1
}
valid_from=$(date -u -d yesterday +%Y%m%d%H%M%SZ)
valid_to=$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)
issue expired "DNS:localhost,DNS:mail.new-univ.example.test" 20200101000000Z 20200201000000Z
issue wrong-host "DNS:wrong.example.test" "$valid_from" "$valid_to"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost" -keyout "$v/stranger.key" -out "$v/stranger.pem" 2>/dev/null
tls_server() {  # PORT NAME: a TLS server that shows that certificate (and is no mail server)
  openssl s_server -quiet -www -accept "127.0.0.1:$1" -cert "$v/$2.pem" -key "$v/$2.key" \
    >/dev/null 2>&1 </dev/null &
  tls_pids+=($!)
}
tls_server 10995 expired
tls_server 11995 wrong-host
tls_server 12995 stranger
for port in 10995 11995 12995; do
  for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
done

probe_must() {  # RESULT LABEL PROTOCOL HOST PORT SOCKETTYPE AUTHENTICATION [CA-FILE]
  local expected=$1 label=$2 output
  shift 2
  output=$("$probe" "$@")
  if [ "${output%%:*}" = "$expected" ]; then pass "probe, $label: $output"; else
    fail "probe, $label: expected $expected, got: $output"; fi
}
dovecot_before=$(wc -l <"$E2E_BASE/log/dovecot.log")
postfix_before=$(wc -l <"$E2E_BASE/log/postfix.log")
probe_must ok "POP3S 995" pop3 localhost 995 SSL password-cleartext
probe_must ok "IMAPS 993" imap localhost 993 SSL password-cleartext
probe_must ok "POP3 110 with STLS" pop3 localhost 110 STARTTLS password-cleartext
probe_must ok "IMAP 143 with STARTTLS" imap localhost 143 STARTTLS password-cleartext
probe_must ok "submission 587, AUTH after STARTTLS" smtp localhost 587 STARTTLS password-cleartext
probe_must ok "POP3S 995 by IP address" pop3 127.0.0.1 995 SSL password-cleartext
probe_must no-answer "a closed port" pop3 localhost 9 SSL password-cleartext
probe_must no-tls "plaintext POP3 on 110 where TLS was expected" pop3 localhost 110 SSL password-cleartext
probe_must no-tls "plaintext SMTP on 25 where TLS was expected" smtp localhost 25 SSL password-cleartext
probe_must no-login "SMTP 25 without AUTH after STARTTLS" smtp localhost 25 STARTTLS password-cleartext
probe_must certificate-expired "an expired certificate" pop3 localhost 10995 SSL password-cleartext "$v/ca.pem"
probe_must certificate-wrong-host "a certificate for another host" pop3 localhost 11995 SSL password-cleartext "$v/ca.pem"
probe_must certificate-untrusted "a certificate of an unknown issuer" pop3 localhost 12995 SSL password-cleartext
probe_must certificate-untrusted "the test CA's server without its CA file" pop3 localhost 11995 SSL password-cleartext
# The servers' own logs: the probes were seen, and none of them tried to log in.
dovecot_new=$(tail -n +"$((dovecot_before + 1))" "$E2E_BASE/log/dovecot.log")
postfix_new=$(tail -n +"$((postfix_before + 1))" "$E2E_BASE/log/postfix.log")
if echo "$dovecot_new" | grep -q "no auth attempts" &&
  ! echo "$dovecot_new" | grep -qE "Login: |auth failed|user=<[^>]"; then
  pass "dovecot saw the probes and no login attempt ($(echo "$dovecot_new" | grep -c 'no auth attempts') connections)"
else
  fail "dovecot saw a login attempt or no probe: $dovecot_new"
fi
if echo "$postfix_new" | grep -q "starttls=1" && ! echo "$postfix_new" | grep -q " auth="; then
  pass "postfix saw the probes' STARTTLS and no AUTH"
else
  fail "postfix saw an AUTH or no probe: $postfix_new"
fi

echo "== 2c. A change onto a server that fails its check is left alone, exit 3"
cp -a "$work/old" "$work/unverified"
# The move policy, but POP3 lands on the server with the expired certificate (its CA named by
# the policy, so only the expiry fails).
sed -e 's|<port>995</port>|<port>10995</port>|' \
  -e "s|</policy>|  <verification mode=\"required\" ca-file=\"$v/ca.pem\"/>\n</policy>|" \
  "$here/profiles/move-policy.xml" >"$v/unverified-policy.xml"
unverified=(--policy "$v/unverified-policy.xml" "$work/unverified/sylpheed")
output=$("$mailmig" plan "${unverified[@]}" 2>&1)
rc=$?
if [ $rc -eq 3 ] &&
  echo "$output" | grep -q "left alone: the certificate of mail.new-univ.example.test:10995 has expired"; then
  pass "plan (verification required) leaves the account alone and exits 3"
else
  fail "plan (verification required) exited $rc: $output"
fi
output=$("$mailmig" apply --state-dir "$work/state-unverified" "${unverified[@]}" 2>&1)
rc=$?
if [ $rc -eq 3 ] && cmp -s "$work/old/sylpheed/accountrc" "$work/unverified/sylpheed/accountrc"; then
  pass "apply (verification required) exits 3 and changes nothing"
else
  fail "apply (verification required) exited $rc or changed the file: $output"
fi
output=$("$mailmig" plan --verify advisory --format json "${unverified[@]}" 2>&1)
rc=$?
if [ $rc -eq 4 ] && echo "$output" | grep -q '"result": "certificate-expired"' &&
  echo "$output" | grep -q "changed anyway (verification is advisory)"; then
  pass "plan --verify advisory makes the change with a warning (exit 4)"
else
  fail "plan --verify advisory exited $rc: $output"
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
