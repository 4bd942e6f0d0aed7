#!/bin/sh
# The endpoint check on Windows (Winsock + Schannel + CryptoAPI) under Wine, against Python TLS
# servers on loopback (tls_mail_server.py) with certificates made here by openssl: implicit-TLS
# IMAP and POP3 and SMTP STARTTLS pass with the test's authority given as the extra CA file; an
# untrusted, an expired and a wrong-host certificate give those outcomes; a silent server and a
# refused port do not answer; and the probe sends no login.
# Usage: endpoint_probe_test.sh PROBE.EXE SERVER.PY WORK_DIR   (WINEPREFIX and a running wine
# server come from the caller, as for every Windows test).
# Wine is never run inside a pipe (its server keeps the pipe open): its output goes to files.
set -eu
probe_exe=$1
server_py=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
cd "$work"
export LC_ALL=C.UTF-8 WINEDEBUG=-all

servers=""
stop_servers() { for pid in $servers; do kill "$pid" 2>/dev/null || true; done; }
trap stop_servers EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# --- Certificates: an authority, and servers' certificates it signs (one expired). ---
openssl_quiet() { openssl "$@" >openssl.log 2>&1 || { cat openssl.log; exit 1; }; }
openssl_quiet req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 \
  -subj "/CN=mailmig test authority" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign"
cat >ca.cnf <<EOF
[ca]
default_ca = test_ca
[test_ca]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = any_name
copy_extensions = copy
unique_subject = no
[any_name]
commonName = supplied
EOF
: >index.txt
echo 01 >serial
# issue NAME SUBJECT-ALT-NAMES [openssl ca date options...]
issue() {
  name=$1
  names=$2
  shift 2
  common_name=${names#DNS:}
  openssl_quiet req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" \
    -subj "/CN=${common_name%%,*}" -addext "subjectAltName=$names" \
    -addext "extendedKeyUsage=serverAuth"
  openssl_quiet ca -batch -notext -config ca.cnf -cert ca.pem -keyfile ca.key \
    -in "$name.csr" -out "$name.pem" "$@"
}
issue good "DNS:localhost,IP:127.0.0.1" -days 30
issue wrong-host "DNS:wrong.example" -days 30
issue expired "DNS:localhost,IP:127.0.0.1" -startdate 20200101000000Z -enddate 20200201000000Z
# Signed by nobody the probe knows.
openssl_quiet req -x509 -newkey rsa:2048 -nodes -keyout self-signed.key -out self-signed.pem \
  -days 30 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1"
echo "no certificate here" >not-a-ca.pem

# start MODE CERT-NAME: a server in the background; its port in $port, its folder's files
# named after it.
start() {
  python3 "$server_py" "$1" "$2.pem" "$2.key" "$1-$2.port" &
  servers="$servers $!"
  tries=0
  while [ ! -f "$1-$2.port.ready" ]; do
    tries=$((tries + 1))
    [ $tries -lt 200 ] || { echo "FAIL: the $1 server did not start"; exit 1; }
    sleep 0.05
  done
  port=$(cat "$1-$2.port")
}

# expect "RESULT: DETAIL" PROTOCOL HOST PORT SOCKETTYPE [CA-FILE]
expect() {
  wanted=$1
  shift
  set -- "$@" password-cleartext
  if [ $# -eq 6 ]; then
    # The CA file comes last on the probe's command line, after the authentication.
    set -- "$1" "$2" "$3" "$4" "$6" "Z:$work/$5"
  fi
  wine "$probe_exe" "$@" </dev/null >probe.out 2>probe.err || true
  got=$(tr -d '\r' <probe.out)
  [ "$got" = "$wanted" ] || { fail "probe $*: wanted '$wanted', got '$got'"; cat probe.err; }
}

start imaps good
expect "ok: " imap localhost "$port" SSL ca.pem
[ "$(cat imaps-good.port.received)" = "$(printf 'm1 CAPABILITY\nm9 LOGOUT')" ] ||
  fail "IMAP: the probe sent more than CAPABILITY and LOGOUT: $(cat imaps-good.port.received)"
# The system's store alone does not know the test's authority.
expect "certificate-untrusted: The certificate is NOT trusted. The certificate issuer is unknown." \
  imap localhost "$port" SSL
expect "certificate-untrusted: no certificate could be read from the CA file Z:$work/not-a-ca.pem" \
  imap localhost "$port" SSL not-a-ca.pem

start pop3s good
expect "ok: " pop3 127.0.0.1 "$port" SSL ca.pem
[ "$(cat pop3s-good.port.received)" = "$(printf 'CAPA\nQUIT')" ] ||
  fail "POP3: the probe sent more than CAPA and QUIT: $(cat pop3s-good.port.received)"

start smtp good
expect "ok: " smtp localhost "$port" STARTTLS ca.pem
[ "$(cat smtp-good.port.received)" = \
  "$(printf 'EHLO mailmig.invalid\nSTARTTLS\nEHLO mailmig.invalid\nQUIT')" ] ||
  fail "SMTP: the probe sent more than EHLO, STARTTLS and QUIT: $(cat smtp-good.port.received)"

start imaps self-signed
expect "certificate-untrusted: The certificate is NOT trusted. The certificate issuer is unknown." \
  imap localhost "$port" SSL ca.pem
start imaps expired
expect "certificate-expired: The certificate has expired or is not yet valid." \
  imap localhost "$port" SSL ca.pem
expect "certificate-expired: The certificate has expired or is not yet valid." \
  imap 127.0.0.1 "$port" SSL ca.pem
start imaps wrong-host
# An address is matched against the certificate's IP address names only.
expect "certificate-wrong-host: The name in the certificate does not match the host name." \
  imap 127.0.0.1 "$port" SSL ca.pem
start smtp wrong-host
expect "certificate-wrong-host: The name in the certificate does not match the host name." \
  smtp localhost "$port" STARTTLS ca.pem

# A server that accepts and then says nothing: the probe's deadline (5 s) ends the wait, long
# before this test's own time limit would.
start silent good
expect "no-answer: no POP3 greeting" pop3 127.0.0.1 "$port" plain
expect "no-tls: the TLS handshake did not finish in time" imap 127.0.0.1 "$port" SSL ca.pem

closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect "no-answer: Connection refused" pop3 127.0.0.1 "$closed" SSL ca.pem

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all endpoint probes gave the expected outcomes"
