#!/usr/bin/env bash
# A throw-away mail system on 127.0.0.1 for mailmig's end-to-end tests, without systemd:
# dovecot (POP3 110 with APOP, POP3S 995, IMAP 143, IMAPS 993) and a private postfix instance
# (port 25 open to loopback without AUTH, the old POP-before-SMTP world; submission 587 with
# STARTTLS and SASL AUTH through dovecot). Mail to @example.test is delivered to dovecot over
# LMTP; every other destination is refused, so nothing can leave the machine.
#
#   mail-servers.sh start      OLD_PORTS=0 leaves 110, 143 and 25 closed (the new world)
#   mail-servers.sh seed SUBJECT [COUNT]
#   mail-servers.sh stop
#
# Everything lives under $E2E_BASE (default /tmp/mailmig-e2e/srv); /etc/postfix and
# /etc/dovecot are neither used nor changed. Needs root (ports below 1024, postfix itself).
set -euo pipefail

B=${E2E_BASE:-/tmp/mailmig-e2e/srv}
OLD_PORTS=${OLD_PORTS:-1}
E2E_USER=alice
E2E_PASSWORD=secret123

die() {
  echo "mail-servers.sh: $*" >&2
  exit 1
}

port_in_use() {
  # /dev/tcp connects only when something listens.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

make_certificate() {
  # E2E_HOSTS: the test policies' host names, which the run's /etc/hosts points at 127.0.0.1.
  local names="DNS:localhost,IP:127.0.0.1"
  for host in ${E2E_HOSTS:-}; do names="$names,DNS:$host"; done
  mkdir -p "$B/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
    -addext "subjectAltName=$names" \
    -keyout "$B/tls/key.pem" -out "$B/tls/cert.pem" 2>/dev/null
  openssl x509 -in "$B/tls/cert.pem" -outform DER -out "$B/tls/cert.der"
}

write_dovecot_config() {
  local plain_pop=110 plain_imap=143
  if [ "$OLD_PORTS" = 0 ]; then plain_pop=0 plain_imap=0; fi
  mkdir -p "$B/dovecot" "$B/run" "$B/state" "$B/log" "$B/mail"
  chown e2e:e2e "$B/mail"
  echo "$E2E_USER:{PLAIN}$E2E_PASSWORD::::::" >"$B/dovecot/users"
  cat >"$B/dovecot/dovecot.conf" <<EOF
base_dir = $B/run/dovecot
state_dir = $B/state
instance_name = mailmig-e2e
log_path = $B/log/dovecot.log
listen = 127.0.0.1
protocols = pop3 imap lmtp
ssl = yes
ssl_cert = <$B/tls/cert.pem
ssl_key = <$B/tls/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login apop
auth_username_format = %Ln
mail_location = maildir:$B/mail/%u
pop3_uidl_format = %08Xu%08Xv
login_log_format_elements = user=<%u> method=%m rip=%r lip=%l lport=%{local_port} mpid=%e %c
passdb {
  driver = passwd-file
  args = $B/dovecot/users
}
userdb {
  driver = static
  args = uid=e2e gid=e2e home=$B/mail/%u
}
service pop3-login {
  inet_listener pop3 {
    port = $plain_pop
  }
  inet_listener pop3s {
    port = 995
    ssl = yes
  }
}
service imap-login {
  inet_listener imap {
    port = $plain_imap
  }
  inet_listener imaps {
    port = 993
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = 24
  }
}
service auth {
  unix_listener $B/run/dovecot-auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF
}

write_postfix_config() {
  local dir=$B/postfix
  mkdir -p "$dir/queue" "$dir/data"
  chown postfix "$dir/data"
  echo "$E2E_USER@example.test $E2E_USER/" >"$dir/vmailbox"
  cat >"$dir/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
myhostname = mail.example.test
mydomain = example.test
myorigin = example.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains = example.test
virtual_mailbox_maps = texthash:$dir/vmailbox
virtual_transport = lmtp:inet:127.0.0.1:24
default_transport = error:external delivery disabled in e2e test
relay_transport = error:external delivery disabled in e2e test
smtp_dns_support_level = disabled
maillog_file = $B/log/postfix.log
maillog_file_prefixes = $B/log
smtpd_tls_cert_file = $B/tls/cert.pem
smtpd_tls_key_file = $B/tls/key.pem
smtpd_tls_security_level = may
smtpd_tls_received_header = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $B/run/dovecot-auth
smtpd_sasl_authenticated_header = yes
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
EOF
  {
    if [ "$OLD_PORTS" != 0 ]; then
      echo "127.0.0.1:smtp inet n - n - - smtpd"
    fi
    cat <<'EOF'
127.0.0.1:submission inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_auth_only=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
smtp unix - - n - - smtp
relay unix - - n - - smtp
lmtp unix - - n - - lmtp
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
EOF
  } >"$dir/master.cf"
}

wait_for_port() {
  local tries=50
  until port_in_use "$1"; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || die "nothing listens on 127.0.0.1:$1 (see $B/log)"
    sleep 0.1
  done
}

start() {
  [ "$(id -u)" -eq 0 ] || die "must run as root"
  for port in 24 25 110 143 587 993 995; do
    if port_in_use "$port"; then die "port $port is already taken on 127.0.0.1"; fi
  done
  id e2e >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin e2e
  rm -rf "$B"
  mkdir -p "$B"
  make_certificate
  write_dovecot_config
  write_postfix_config
  dovecot -c "$B/dovecot/dovecot.conf" -F >"$B/log/dovecot.stdout" 2>&1 &
  echo $! >"$B/dovecot.pid"
  # postfix says why it fails only on a terminal: script(1) gives it one.
  if ! script -qec "postfix -c $B/postfix start" /dev/null >"$B/log/postfix-start.txt" 2>&1; then
    cat "$B/log/postfix-start.txt" >&2
    die "postfix did not start"
  fi
  wait_for_port 995
  wait_for_port 993
  wait_for_port 24
  wait_for_port 587
  if [ "$OLD_PORTS" != 0 ]; then
    wait_for_port 110
    wait_for_port 143
    wait_for_port 25
  fi
  echo "mail servers up on 127.0.0.1 (old ports: $([ "$OLD_PORTS" = 0 ] && echo closed || echo open))"
}

seed() {
  local subject=$1 count=${2:-3}
  for i in $(seq 1 "$count"); do
    printf 'From: Bob <bob@example.test>\nTo: %s@example.test\nSubject: %s %d\nMessage-ID: <%s-%d@example.test>\n\nTest message %d.\n' \
      "$E2E_USER" "$subject" "$i" "$(date +%s%N)" "$i" "$i" |
      doveadm -c "$B/dovecot/dovecot.conf" save -u "$E2E_USER"
  done
}

stop() {
  if [ -f "$B/postfix/main.cf" ]; then postfix -c "$B/postfix" stop >/dev/null 2>&1 || true; fi
  if [ -f "$B/dovecot.pid" ]; then
    kill "$(cat "$B/dovecot.pid")" 2>/dev/null || true
    rm -f "$B/dovecot.pid"
  fi
  pkill -f "dovecot -c $B/dovecot/dovecot.conf" 2>/dev/null || true
  # The next start needs the ports: wait until both servers have let go of them.
  for _ in $(seq 1 50); do
    local busy=0
    for port in 24 25 110 143 587 993 995; do
      if port_in_use "$port"; then busy=1; fi
    done
    [ "$busy" = 0 ] && return 0
    sleep 0.1
  done
}

case "${1:-}" in
  start) start ;;
  seed) seed "${2:?subject}" "${3:-3}" ;;
  stop) stop ;;
  *) die "usage: mail-servers.sh start|seed SUBJECT [COUNT]|stop" ;;
esac
