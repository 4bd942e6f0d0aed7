#!/usr/bin/env bash
# Runs a real Sylpheed or Claws Mail on a profile's accountrc against the servers that
# mail-servers.sh started, and says whether it fetched the seeded messages and sent one.
#
#   run-client.sh sylpheed|claws CONFIG_DIR SUBJECT MODE   (MODE: recv, send or both)
#
# CONFIG_DIR holds the accountrc under test (and, for Claws, clawsrc and passwordstorerc);
# it is copied, never changed. Prints "RECEIVE OK n" / "RECEIVE FAIL" and "SEND OK" /
# "SEND FAIL"; exits 0 only when every asked step worked. Needs xvfb-run.
set -uo pipefail

client=$1 source_dir=$2 subject=$3 mode=$4
B=${E2E_BASE:-/tmp/mailmig-e2e/srv}
expected=${E2E_EXPECTED_MESSAGES:-3}
poll_seconds=${E2E_POLL_SECONDS:-15}

work=$(mktemp -d "${TMPDIR:-/tmp}/mailmig-client.XXXXXX")
cfg=$work/config
mail=$work/Mail
mkdir -p "$cfg" "$work/home" "$work/tmp" "$work/run"
chmod 700 "$work/run"
cp -a "$source_dir"/. "$cfg"/
for folder in inbox sent queue draft trash; do mkdir -p "$mail/$folder"; done

# An MH mailbox with an absolute path: no "where is your mailbox" dialog, no setup wizard.
cat >"$cfg/folderlist.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<folderlist>
  <folder type="mh" name="Mailbox" path="$mail" collapsed="0">
    <folderitem type="inbox" name="inbox" path="inbox" />
    <folderitem type="outbox" name="sent" path="sent" />
    <folderitem type="queue" name="queue" path="queue" />
    <folderitem type="draft" name="draft" path="draft" />
    <folderitem type="trash" name="trash" path="trash" />
  </folder>
</folderlist>
EOF

# The account's own host names, for the certificate trust each client needs.
hosts=$(sed -n 's/^\(receive_server\|smtp_server\)=//p' "$cfg/accountrc" | sort -u)
case "$client" in
  sylpheed)
    [ -f "$cfg/sylpheedrc" ] || printf '[Common]\nauto_update_check=0\n' >"$cfg/sylpheedrc"
    cp "$B/tls/cert.pem" "$cfg/certs.crt"
    run=(sylpheed --configdir "$cfg")
    account_id_key=AID
    ;;
  claws)
    # Claws pins a certificate per host and port, as DER.
    mkdir -p "$cfg/certs"
    for host in $hosts; do
      for port in 993 995 465 587; do cp "$B/tls/cert.der" "$cfg/certs/$host.$port.cert"; done
    done
    run=(claws-mail --alternate-config-dir "$cfg")
    account_id_key=MAID
    ;;
  *)
    echo "run-client.sh: unknown client $client" >&2
    exit 2
    ;;
esac

sent_subject="sent-by-$client $subject $$"
if [ "$mode" != recv ]; then
  printf 'S:alice@example.test\nSSV:%s\nR:<alice@example.test>\n%s:1\n\nFrom: Alice <alice@example.test>\nTo: alice@example.test\nSubject: %s\nMessage-ID: <%s@example.test>\n\nSent by a migrated profile.\n' \
    "$(sed -n 's/^smtp_server=//p' "$cfg/accountrc" | head -1)" "$account_id_key" \
    "$sent_subject" "$$-$(date +%s%N)" >"$mail/queue/1"
fi

actions=()
[ "$mode" != send ] && actions+=(--receive-all)
[ "$mode" != recv ] && actions+=(--send)

export HOME=$work/home TMPDIR=$work/tmp XDG_RUNTIME_DIR=$work/run LANG=C.UTF-8
timeout 120 xvfb-run -a "${run[@]}" "${actions[@]}" >"$work/client.log" 2>&1 &
client_pid=$!

received() { find "$mail/inbox" -maxdepth 1 -type f -name '[0-9]*' | wc -l; }
queue_empty() { [ -z "$(find "$mail/queue" -maxdepth 1 -type f -name '[0-9]*')" ]; }
done_yet() {
  { [ "$mode" = send ] || [ "$(received)" -ge "$expected" ]; } &&
    { [ "$mode" = recv ] || queue_empty; }
}

for _ in $(seq 1 $((poll_seconds * 4))); do
  done_yet && break
  sleep 0.25
done
sleep 0.5
"${run[@]}" --exit >/dev/null 2>&1 &
exit_pid=$!
for _ in $(seq 1 20); do kill -0 "$client_pid" 2>/dev/null || break; sleep 0.25; done
# A modal dialog (password, certificate, send error) blocks --exit: only SIGKILL ends it.
pkill -9 -f "$cfg" 2>/dev/null
kill "$exit_pid" 2>/dev/null
wait "$client_pid" 2>/dev/null

status=0
if [ "$mode" != send ]; then
  count=$(received)
  if [ "$count" -ge "$expected" ]; then echo "RECEIVE OK $count"; else echo "RECEIVE FAIL ($count of $expected)"; status=1; fi
fi
if [ "$mode" != recv ]; then
  arrived=0
  for _ in $(seq 1 20); do  # postfix hands the message to dovecot a moment later
    arrived=$(doveadm -c "$B/dovecot/dovecot.conf" search -u alice mailbox INBOX header subject "$sent_subject" 2>/dev/null | wc -l)
    [ "$arrived" -ge 1 ] && break
    queue_empty || break
    sleep 0.25
  done
  if queue_empty && [ "$arrived" -ge 1 ]; then echo "SEND OK"; else echo "SEND FAIL"; status=1; fi
fi
if [ "$status" != 0 ] && [ -n "${E2E_VERBOSE:-}" ]; then tail -20 "$work/client.log" >&2; fi
rm -rf "$work"
exit "$status"
