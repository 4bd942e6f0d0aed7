#!/bin/sh
# The live registry under Wine (issue 17 part 3): Outlook 2016 and Outlook Express accounts made
# with `reg add`, migrated by `mailmig.exe apply`, checked with `reg query`; `rollback` gives back
# an export identical to the one before; apply refuses (exit 3) while OUTLOOK.EXE runs; and 20
# kills of a running apply at random instants each leave every value old or new, after which the
# next run completes.
# Usage: live_registry_test.sh MAILMIG.EXE SOURCE_DIR WORK_DIR   (WINEPREFIX and a running wine
# server come from the caller, as for every Windows test).
# Wine is never run inside a pipe (its server keeps the pipe open): its output goes to files.
set -eu
exe=$1
source_dir=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
export LC_ALL=C.UTF-8 WINEDEBUG=-all

w() { wine "$@" </dev/null >"$work/out" 2>"$work/err"; }
fail() {
  echo "FAIL: $*"
  cat "$work/out" "$work/err" 2>/dev/null || true
  exit 1
}
# A Unix path as Wine names it.
winpath() { printf 'Z:%s' "$1"; }
# REG_BINARY data of a string as Outlook writes it: UTF-16LE with its NUL, in hex.
utf16hex() { printf '%s' "$1" | iconv -f UTF-8 -t UTF-16LE | od -An -tx1 | tr -d ' \n'; printf '0000'; }

office='HKCU\Software\Microsoft\Office\16.0\Outlook'
iam='HKCU\Software\Microsoft\Internet Account Manager'
mapi="$office"'\Profiles\Outlook\9375CFF0413111d3B88A00104B2A6676\00000002'
oe="$iam"'\Accounts\00000001'
state=$(winpath "$work/state")
policy=$(winpath "$source_dir/fixtures/policies/000-iis-u-tokyo.xml")

# The keys go again at the end, whatever happens: other tests discover the prefix's profiles.
remove_keys() {
  w reg delete "$office" /f || true
  w reg delete "$iam" /f || true
}
remove_keys
trap remove_keys EXIT
add() { w reg add "$1" /v "$2" /t "$3" /d "$4" /f || fail "reg add $1 $2"; }
add "$mapi" "Account Name" REG_BINARY "$(utf16hex '生研 POP')"
add "$mapi" "POP3 Server" REG_BINARY "$(utf16hex pop.iis.u-tokyo.ac.jp)"
add "$mapi" "POP3 User" REG_BINARY "$(utf16hex tanaka)"
add "$mapi" "SMTP Server" REG_BINARY "$(utf16hex mail.iis.u-tokyo.ac.jp)"
add "$mapi" "SMTP Port" REG_DWORD 25
add "$mapi" "clsid" REG_SZ '{ED475411-B0D6-11D2-8C3B-00104B2A6676}'
add "$oe" "Account Name" REG_SZ 'OE'
add "$oe" "POP3 Server" REG_SZ pop.iis.u-tokyo.ac.jp
add "$oe" "POP3 User Name" REG_SZ tanaka
add "$oe" "SMTP Server" REG_SZ mail.iis.u-tokyo.ac.jp
add "$oe" "SMTP Port" REG_DWORD 25

export_all() {  # $1: file stem; both exports, byte for byte
  w reg export "$office" "$(winpath "$work/$1-outlook.reg")" /y || fail "reg export $office"
  w reg export "$iam" "$(winpath "$work/$1-oe.reg")" /y || fail "reg export $iam"
}
query_all() {  # $1: file; every value of both account keys, one line each
  w reg query "$mapi" || fail "reg query $mapi"
  cp "$work/out" "$work/$1"
  w reg query "$oe" || fail "reg query $oe"
  cat "$work/out" >>"$work/$1"
}
apply() { w "$exe" apply --policy "$policy" --verify off --state-dir "$state"; }
rollback() { w "$exe" rollback --state-dir "$state"; }
same_exports() {
  cmp -s "$work/before-outlook.reg" "$work/$1-outlook.reg" &&
    cmp -s "$work/before-oe.reg" "$work/$1-oe.reg"
}

export_all before
query_all before.txt

# plan finds both profiles in the user's own registry (exit 4: changes pending), and none in a
# folder named with --home (another user's or a copied home: its registry is not this one).
w "$exe" plan --policy "$policy" --verify off --format json && fail "plan found nothing to change"
grep -q 'Profiles\\\\Outlook' "$work/out" || fail "plan did not find the Outlook profile"
grep -q 'Internet Account Manager\\\\Accounts' "$work/out" ||
  fail "plan did not find the Outlook Express accounts"
mkdir -p "$work/home"
w "$exe" plan --policy "$policy" --verify off --format json --home "$(winpath "$work/home")" || true
grep -q 'HKEY_CURRENT_USER' "$work/out" && fail "plan --home read the live registry"

# A running Outlook: apply leaves Outlook's accounts alone and exits 3 (try again later).
cp "$(dirname "$(command -v wine)")/../lib/wine/x86_64-windows/ping.exe" "$work/OUTLOOK.EXE" 2>/dev/null ||
  cp "$WINEPREFIX/drive_c/windows/system32/ping.exe" "$work/OUTLOOK.EXE"
wine "$work/OUTLOOK.EXE" -n 120 127.0.0.1 </dev/null >"$work/outlook.out" 2>&1 &
outlook=$!
sleep 2
status=0
apply || status=$?
kill "$outlook" 2>/dev/null || true
wait "$outlook" 2>/dev/null || true
[ "$status" -eq 3 ] || fail "apply while OUTLOOK.EXE runs exited $status, not 3"
export_all running
cmp -s "$work/before-outlook.reg" "$work/running-outlook.reg" ||
  fail "apply changed Outlook's registry while OUTLOOK.EXE ran"
# Outlook Express (msimn.exe) was not running: its account was migrated, and that run is undone.
cmp -s "$work/before-oe.reg" "$work/running-oe.reg" && fail "the Outlook Express account was left alone"
rollback || fail "rollback of the Outlook Express run exited $?"
grep -q 'every registry value has its original type and data again' "$work/out" ||
  fail "rollback of registry values did not say what it gave back"
export_all running-undone
same_exports running-undone || fail "the export after rolling back the Outlook Express run differs"

# Apply: the values documented for Outlook's SMTP, read back with reg query. Its duration is
# the span the kills below are spread over (and a little past it).
started=$(date +%s%N)
apply || fail "apply exited $?"
run_ns=$(($(date +%s%N) - started))
query_all after.txt
grep -q 'SMTP Port    REG_DWORD    0x24b' "$work/after.txt" || fail "SMTP Port is not 587: $(cat "$work/after.txt")"
grep -q 'SMTP Secure Connection    REG_DWORD    0x2' "$work/after.txt" ||
  fail "SMTP Secure Connection is not 2 (STARTTLS): $(cat "$work/after.txt")"
[ "$(grep -c 'SMTP Port    REG_DWORD    0x24b' "$work/after.txt")" -eq 2 ] ||
  fail "the Outlook Express account was not migrated: $(cat "$work/after.txt")"
ls "$work"/state/backups/*/registry-*.reg >/dev/null || fail "no .reg backup in the state folder"

# A second run finds nothing to do; rollback gives back the exports byte for byte.
apply || fail "the second apply exited $?"
rollback || fail "rollback exited $?"
export_all rolled-back
same_exports rolled-back || fail "the export after rollback differs from the one before"

# Every value after a kill: the one before the run or the one after it.
old_or_new() {
  awk -F'    ' -v before="$work/before.txt" -v after="$work/after.txt" '
    # "key|name" -> "type data" for every value line under its key line.
    function load(file, into,   line, n, part, key) {
      while ((getline line < file) > 0) {
        if (line ~ /^HKEY_/) key = line
        n = split(line, part, "    ")
        if (n >= 4) into[key "|" part[2]] = part[3] " " part[4]
      }
    }
    BEGIN { load(before, b); load(after, a); load(ARGV[1], k); ARGV[1] = "" }
    END {
      for (name in b) names[name] = 1
      for (name in a) names[name] = 1
      for (name in k) names[name] = 1
      for (name in names) {
        now = (name in k) ? k[name] : "(none)"
        old = (name in b) ? b[name] : "(none)"
        new = (name in a) ? a[name] : "(none)"
        if (now != old && now != new) { print name ": " now; bad = 1 }
      }
      exit bad
    }' "$work/$1"
}

round=1
killed_old=0 killed_new=0 killed_mixed=0
while [ "$round" -le 20 ]; do
  delay=$(awk -v seed="$round$$" -v span="$run_ns" 'BEGIN { srand(seed); printf "%.3f", rand() * 1.2 * span / 1e9 }')
  wine "$exe" apply --policy "$policy" --verify off --state-dir "$state" \
    </dev/null >"$work/killed.out" 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  query_all killed.txt
  old_or_new killed.txt || fail "round $round (kill after ${delay}s): a value is neither old nor new"
  if cmp -s "$work/killed.txt" "$work/before.txt"; then
    killed_old=$((killed_old + 1))
  elif cmp -s "$work/killed.txt" "$work/after.txt"; then
    killed_new=$((killed_new + 1))
  else
    killed_mixed=$((killed_mixed + 1))  # some values new: the kill came between two writes
  fi
  apply || fail "round $round: the run after the kill exited $?"
  query_all next.txt
  cmp -s "$work/next.txt" "$work/after.txt" || fail "round $round: the next run did not finish the change"
  rollback || fail "round $round: rollback exited $?"
  export_all round
  if ! same_exports round; then
    # The killed run had committed one profile (kept, as a committed file is): its own rollback.
    rollback || fail "round $round: rollback of the killed run exited $?"
    export_all round
    same_exports round || fail "round $round: the export after rollback differs from the one before"
  fi
  round=$((round + 1))
done
echo "live registry: apply, rollback, running Outlook and 20 kills passed" \
  "(kills leaving all old: $killed_old, all new: $killed_new, some of each: $killed_mixed)"
