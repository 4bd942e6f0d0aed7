#!/usr/bin/env bash
# Thunderbird itself loads a migrated profile: it starts headless on a copy, rewrites prefs.js
# as it always does, and exits cleanly. Passes when Thunderbird reported no prefs parse error,
# made no Invalidprefs.js, kept every mail account pref mailmig wrote, and the saved logins
# (including any that mailmig carried to a new origin) are still there.
#
#   thunderbird-check.sh PROFILE_DIR     (prefs.js, logins.json, and key4.db or key4.db.gz)
set -uo pipefail

source_dir=$1
work=$(mktemp -d /tmp/mailmig-tb.XXXXXX)
profile=$work/profile
mkdir -p "$profile" "$work/home"
cp -a "$source_dir"/. "$profile"/
if [ -f "$profile/key4.db.gz" ]; then gunzip "$profile/key4.db.gz"; fi

# A real profile has the mail folders its servers name; without them Thunderbird would make
# new ones and rewrite directory-rel, which says nothing about mailmig.
sed -n 's/^user_pref("mail\.server\.[^"]*\.directory-rel", "\[ProfD\]\(.*\)");$/\1/p' "$profile/prefs.js" |
  while IFS= read -r folder; do mkdir -p "$profile/$folder"; done

mail_prefs() { grep -E '^user_pref\("mail\.(server|smtpserver|identity|account)\.' "$1" | sort; }
origins() { python3 -c 'import json,sys; print("\n".join(sorted(l["hostname"] for l in json.load(open(sys.argv[1]))["logins"])))' "$1"; }
mail_prefs "$profile/prefs.js" >"$work/before.txt"
origins "$profile/logins.json" >"$work/logins-before.txt"

HOME=$work/home timeout 60 thunderbird --headless --profile "$profile" >"$work/stdout.txt" 2>"$work/stderr.txt" &
pid=$!
# Thunderbird rewrites prefs.js within a few seconds of starting.
for _ in $(seq 1 40); do
  [ "$profile/prefs.js" -nt "$work/before.txt" ] && break
  sleep 0.25
done
sleep 2
kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

status=0
if grep -q "prefs parse error" "$work/stderr.txt"; then
  echo "Thunderbird: $(grep "prefs parse error" "$work/stderr.txt" | head -3)"
  status=1
fi
if [ -e "$profile/Invalidprefs.js" ]; then echo "Thunderbird wrote Invalidprefs.js"; status=1; fi
if [ ! "$profile/prefs.js" -nt "$work/before.txt" ]; then
  echo "Thunderbird did not rewrite prefs.js (did it start?)"
  tail -5 "$work/stderr.txt"
  status=1
fi
mail_prefs "$profile/prefs.js" >"$work/after.txt"
missing=$(comm -23 "$work/before.txt" "$work/after.txt")
if [ -n "$missing" ]; then echo "Thunderbird dropped or changed:"; echo "$missing"; status=1; fi
origins "$profile/logins.json" >"$work/logins-after.txt"
if ! cmp -s "$work/logins-before.txt" "$work/logins-after.txt"; then
  echo "the saved logins changed:"; diff "$work/logins-before.txt" "$work/logins-after.txt"; status=1
fi
if [ "$status" -eq 0 ]; then
  echo "Thunderbird loaded the profile, kept its $(wc -l <"$work/before.txt") mail account prefs and $(wc -l <"$work/logins-before.txt") saved logins ($(tr '\n' ' ' <"$work/logins-before.txt"))"
fi
rm -rf "$work"
exit "$status"
