#!/usr/bin/env bash
# Times whole mailmig runs side by side with the simplest tools doing the same job on the same
# files, the two sides of each ratio in turns, and prints one table of measured value, goal and
# PASS/MISS:
#   (a) mailmig plan of a 15 MB prefs.js profile vs one sed pass making one edit (goal <= 2x)
#   (b) mailmig apply on one accountrc vs augtool making the same edits (goal <= 0.5x)
#   (c) the same edits with Python's configparser (for comparison; no goal)
#   (d) each parser's throughput from the Google Benchmark run (goal >= 300 MB/s, MB = 10^6 B)
#   (e) peak memory of the 15 MB plan (goal <= 3x the input)
#   (f) apply with nothing to do on a home holding every client vs cat of its files (goal <= 3x)
#   (g) plan of a 20,000-account accountrc, a 60 MB UTF-16 .reg, a 1 M-line REGEDIT4 .reg of
#       55,556 accounts and a 300,000-key REGEDIT4 export of a whole HKCU branch
#       (goals >= 100 MB/s end to end, peak memory <= 3x the input, with --report FILE.db too)
# Usage: bench/compare.sh BUILD_DIR   (a build with -DCMAKE_BUILD_TYPE=Release -DMAILMIG_BENCH=ON)
# Uses hyperfine when installed, else repeated runs of /usr/bin/time; needs GNU time
# (/usr/bin/time -v), python3, and augtool (Debian augeas-tools) for (b).
set -euo pipefail

BUILD_DIR=$(cd "${1:?usage: bench/compare.sh BUILD_DIR}" && pwd)
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
MAILMIG=$BUILD_DIR/mailmig
BENCH=$BUILD_DIR/bench/mailmig_bench
GEN=$BUILD_DIR/bench/mailmig_bench_gen
RUNS=${RUNS:-10}
ROUNDS=${ROUNDS:-5}  # the two sides of a ratio take turns this many times
LIMIT=${LIMIT:-120}  # seconds a single run may take before it is reported as a timeout

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# mailmig must not see (or write state into) the real home of whoever runs this.
export HOME=$WORK/home-env LANG=C
# The generated hosts do not exist: the figures are of reading, planning and writing, so the
# check of each new server (verification, required by the built-in policy) is off.
export MAILMIG_VERIFY=off
mkdir -p "$HOME"

echo "load before: $(uptime)"
"$GEN" "$WORK/in" >/dev/null

# run_times SHELL PREPARE COMMAND N: appends to $WORK/times-out the wall times (seconds, one a
# line) of N runs of COMMAND, with PREPARE run before each (untimed). Output is discarded. SHELL
# "none" runs COMMAND without a shell (it must hold no shell syntax; hyperfine -N, so that no
# shell start-up is subtracted from runs of a few milliseconds); "sh" runs it with one.
run_times() {
  local shell=$1 prepare=$2 command=$3 runs=$4
  if command -v hyperfine >/dev/null; then
    local mode=()
    if [ "$shell" = none ]; then
      mode=(-N)
      prepare="sh -c \"$prepare\""
    fi
    hyperfine "${mode[@]}" --style none --ignore-failure --runs "$runs" --prepare "$prepare" \
      --export-json "$WORK/hyperfine.json" "$command" >/dev/null
    python3 -c 'import json,sys
for t in json.load(open(sys.argv[1]))["results"][0]["times"]: print(t)' \
      "$WORK/hyperfine.json" >>"$WORK/times-out"
  else
    local i
    for ((i = 0; i < runs; i++)); do
      sh -c "$prepare"
      /usr/bin/time -f %e -a -o "$WORK/times-out" sh -c "$command" >/dev/null 2>&1 || true
    done
  fi
}

# median_pair SHELL PREPARE COMMAND_A COMMAND_B: "A B", the median wall times of RUNS runs of
# each command (see run_times), or "timeout" for a side whose first run takes longer than LIMIT
# seconds. The two sides run in turns, ROUNDS rounds of RUNS/ROUNDS runs each, so that a change
# in the machine's speed during the measurement reaches both sides of a ratio alike. Exit codes
# are ignored: plan exits 4 when changes are pending.
median_pair() {
  local shell=$1 prepare=$2
  local commands=("$3" "$4") medians=() side status
  local rounds=$ROUNDS
  [ "$rounds" -le "$RUNS" ] || rounds=$RUNS
  local per_round=$(((RUNS + rounds - 1) / rounds))
  for side in 0 1; do
    status=0
    sh -c "$prepare"
    timeout "$LIMIT" sh -c "${commands[$side]}" >/dev/null 2>&1 || status=$?
    if [ "$status" = 124 ]; then medians[side]=timeout; fi
    : >"$WORK/times-$side"
  done
  local round
  for ((round = 0; round < rounds; round++)); do
    for side in 0 1; do
      [ "${medians[$side]:-}" = timeout ] && continue
      : >"$WORK/times-out"
      run_times "$shell" "$prepare" "${commands[$side]}" "$per_round"
      cat "$WORK/times-out" >>"$WORK/times-$side"
    done
  done
  for side in 0 1; do
    if [ "${medians[$side]:-}" != timeout ]; then
      medians[side]=$(sort -g "$WORK/times-$side" |
        awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }')
    fi
  done
  echo "${medians[0]} ${medians[1]}"
}

# peak_kib COMMAND: the maximum resident set size of one run, in KiB. A run that passes LIMIT
# is stopped, and its peak so far (VmHWM) is what it reports.
peak_kib() {
  sh -c "exec /usr/bin/time -v -o '$WORK/time-v' $1" &
  local pid=$! waited=0 peak=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((LIMIT * 10)) ]; do
    local child
    child=$(pgrep -P "$pid" | head -n 1 || true)
    [ -n "$child" ] && peak=$(awk '/VmHWM/ { print $2 }' "/proc/$child/status" 2>/dev/null || echo "$peak")
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    pkill -P "$pid" || true
    wait "$pid" 2>/dev/null || true
    echo "$peak"
  else
    wait "$pid" 2>/dev/null || true
    awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time-v"
  fi
}

ROWS=()
# row NAME MEASURED GOAL PASS(0/1)
row() { ROWS+=("$1|$2|$3|$([ "$4" = 1 ] && echo PASS || echo MISS)"); }
# Arithmetic on measured values; a "timeout" stays a timeout and never passes.
ratio() {
  python3 -c 'import sys; a, b = sys.argv[1:]
print("timeout" if "timeout" in (a, b) else f"{float(a) / float(b):.2f}")' "$1" "$2"
}
at_most() {
  python3 -c 'import sys; a, b = sys.argv[1:]; print(int(a != "timeout" and float(a) <= float(b)))' "$1" "$2"
}
ms() {
  python3 -c 'import sys; a = sys.argv[1]
print(f"> {sys.argv[2]} s" if a == "timeout" else f"{float(a) * 1000:.1f} ms")' "$1" "$LIMIT"
}

# (a) and (e): plan of the large profile vs one sed edit of its prefs.js.
PROFILE=$WORK/in/thunderbird-large
PREFS_BYTES=$(stat -c %s "$PROFILE/prefs.js")
plan_command="'$MAILMIG' plan --format text '$PROFILE' >/dev/null"
sed_command="sed 's/^user_pref(\"mail.smtpserver.smtp1.port\", 25);\$/user_pref(\"mail.smtpserver.smtp1.port\", 587);/' '$PROFILE/prefs.js' >'$WORK/sed-prefs.js'"
read -r plan_s sed_s < <(median_pair sh true "$plan_command" "$sed_command")
plan_ratio=$(ratio "$plan_s" "$sed_s")
row "(a) plan 15 MB prefs.js / sed one edit" "$(ms "$plan_s") / $(ms "$sed_s") = ${plan_ratio}x" \
  "<= 2x" "$(at_most "$plan_ratio" 2)"
plan_peak=$(peak_kib "$plan_command")
memory_ratio=$(ratio "$((plan_peak * 1024))" "$PREFS_BYTES")
memory_note=$([ "$plan_s" = timeout ] && echo " (at the timeout)" || true)
row "(e) plan peak RSS / prefs.js size" \
  "$plan_peak KiB / $PREFS_BYTES B = ${memory_ratio}x$memory_note" "<= 3x" \
  "$([ "$plan_s" = timeout ] && echo 0 || at_most "$memory_ratio" 3)"

# (b) and (c): the edits mailmig's built-in policy makes to the generated accountrc (two POP3
# accounts, SMTP on port 25 without authentication), made by each tool on a fresh copy.
ACCOUNTRC=$WORK/in/sylpheed/accountrc
EDITED=$WORK/apply/accountrc
mkdir -p "$WORK/apply"
restore="cp '$ACCOUNTRC' '$EDITED' && rm -rf '$WORK/state'"
apply_command="'$MAILMIG' apply --quiet --state-dir '$WORK/state' '$EDITED'"
sh -c "$restore"
sh -c "$apply_command" >/dev/null || true
cp "$EDITED" "$WORK/accountrc.mailmig"
# What mailmig changed, as "section<TAB>key<TAB>value" lines: the other tools make exactly these.
python3 - "$ACCOUNTRC" "$WORK/accountrc.mailmig" >"$WORK/edits" <<'PY'
import configparser, sys
def read(path):
    parser = configparser.RawConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser
before, after = read(sys.argv[1]), read(sys.argv[2])
for section in after.sections():
    for key, value in after.items(section):
        if not before.has_option(section, key) or before.get(section, key) != value:
            print(f"{section}\t{key}\t{value}")
PY
if [ ! -s "$WORK/edits" ]; then
  echo "mailmig apply made no edit to $ACCOUNTRC; cannot compare (b) and (c)" >&2
  exit 1
fi
echo "edits made by mailmig apply on the accountrc: $(wc -l <"$WORK/edits")"

# augtool reads the file with Augeas' Puppet lens (an INI lens whose section names may hold
# "Account: 1"); the edits go in one augtool session that saves once.
{
  while IFS=$'\t' read -r section key value; do
    printf 'set "/files%s/%s/%s" "%s"\n' "$EDITED" "$section" "$key" "$value"
  done <"$WORK/edits"
  echo save
} >"$WORK/edits.augtool"
if command -v augtool >/dev/null; then
  augtool_command="augtool --noautoload --transform 'Puppet incl $EDITED' --file '$WORK/edits.augtool'"
  sh -c "$restore"
  sh -c "$augtool_command" >/dev/null
  if ! diff -q "$EDITED" "$WORK/accountrc.mailmig" >/dev/null; then
    echo "note: augtool's result differs from mailmig's:" && diff "$WORK/accountrc.mailmig" "$EDITED" || true
  fi
  read -r apply_s augtool_s < <(median_pair none "$restore" "$apply_command" "$augtool_command")
  apply_ratio=$(ratio "$apply_s" "$augtool_s")
  row "(b) apply accountrc / augtool same edits" \
    "$(ms "$apply_s") / $(ms "$augtool_s") = ${apply_ratio}x" "<= 0.5x" "$(at_most "$apply_ratio" 0.5)"
else
  row "(b) apply accountrc / augtool same edits" "augtool not installed" "<= 0.5x" 0
fi

cat >"$WORK/edit.py" <<'PY'
import configparser, sys
parser = configparser.RawConfigParser(interpolation=None, strict=False)
parser.optionxform = str
parser.read(sys.argv[1], encoding="utf-8")
with open(sys.argv[2], encoding="utf-8") as edits:
    for line in edits:
        section, key, value = line.rstrip("\n").split("\t")
        parser.set(section, key, value)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    parser.write(out, space_around_delimiters=False)
PY
python_command="python3 '$WORK/edit.py' '$EDITED' '$WORK/edits'"
read -r apply_vs_python_s python_s < <(median_pair none "$restore" "$apply_command" "$python_command")
row "(c) apply accountrc / python configparser" \
  "$(ms "$apply_vs_python_s") / $(ms "$python_s") = $(ratio "$apply_vs_python_s" "$python_s")x" \
  "(none)" 1

# (d) parser throughput at the large sizes (the Google Benchmark inputs).
"$BENCH" --benchmark_filter='Parse/(2000|1000|5000|20000)$' --benchmark_min_time=0.5 \
  --benchmark_format=json >"$WORK/parse.json" 2>/dev/null
while IFS='|' read -r name throughput pass; do
  row "(d) $name" "$throughput" ">= 300 MB/s" "$pass"
done < <(python3 - "$WORK/parse.json" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    rate = b["bytes_per_second"] / 1e6
    print(f'{b["name"]} ({b["file_bytes"] / 1e6:.1f} MB)|{rate:.0f} MB/s|{int(rate >= 300)}')
PY
)

# (f) a second apply, with nothing left to do, on a home holding every client (the sample
# homes), vs cat of every file in that home.
HOME_ALL=$WORK/home-all
mkdir -p "$HOME_ALL"
cp -R "$SOURCE_DIR/fixtures/homes/linux/." "$SOURCE_DIR/fixtures/homes/windows/." "$HOME_ALL/"
noop_command="'$MAILMIG' apply --quiet --home '$HOME_ALL' --state-dir '$WORK/state-home'"
sh -c "$noop_command" >/dev/null 2>&1 || true
set +e
"$MAILMIG" plan --home "$HOME_ALL" --state-dir "$WORK/state-home" >"$WORK/noop-plan" 2>&1
noop_status=$?
set -e
[ "$noop_status" = 0 ] || echo "note: plan after apply exited $noop_status (0 = nothing to do)"
cat_command="cat"
while IFS= read -r -d '' file; do
  cat_command+=" $(printf '%q' "$file")"
done < <(find "$HOME_ALL" -type f -print0 | sort -z)
read -r noop_s cat_s < <(median_pair none true "$noop_command" "$cat_command")
noop_ratio=$(ratio "$noop_s" "$cat_s")
row "(f) apply nothing to do, every client / cat" \
  "$(ms "$noop_s") / $(ms "$cat_s") = ${noop_ratio}x" "<= 3x" "$(at_most "$noop_ratio" 3)"

# (g) issue 14: plan, end to end, of the large files that were superlinear (each alone, so its
# MB/s compares with (a)'s), and their peak memory.
for input in sylpheed-large/accountrc outlook-large.reg outlook-express-large.reg hkcu-export.reg; do
  large_path=$WORK/in/$input
  large_bytes=$(stat -c %s "$large_path")
  large_command="'$MAILMIG' plan --format text --state-dir '$WORK/state-large' '$large_path' >/dev/null"
  read -r large_s _ < <(median_pair sh true "$large_command" true)
  large_rate=$(python3 -c 'import sys; s, b = sys.argv[1:]
print("timeout" if s == "timeout" else f"{float(b) / 1e6 / float(s):.0f}")' "$large_s" "$large_bytes")
  row "(g) plan $input ($((large_bytes / 1000000)) MB)" "$(ms "$large_s") = $large_rate MB/s" \
    ">= 100 MB/s" "$([ "$large_rate" != timeout ] && at_most 100 "$large_rate" || echo 0)"
  large_peak=$(peak_kib "$large_command")
  large_memory=$(ratio "$((large_peak * 1024))" "$large_bytes")
  row "(g) plan $input peak RSS / size" "$large_peak KiB = ${large_memory}x" "<= 3x" \
    "$(at_most "$large_memory" 3)"
  # The same plan writing its report database too, which holds no account in memory either.
  rm -f "$WORK/large-report.sqlite"
  report_peak=$(peak_kib "'$MAILMIG' plan --format text --state-dir '$WORK/state-large' --report '$WORK/large-report.sqlite' '$large_path'")
  report_memory=$(ratio "$((report_peak * 1024))" "$large_bytes")
  row "(g) plan --report $input peak RSS / size" "$report_peak KiB = ${report_memory}x" "<= 3x" \
    "$(at_most "$report_memory" 3)"
done

echo "load after: $(uptime)"
echo
printf '%-52s | %-42s | %-11s | %s\n' "measure" "measured" "goal" "result"
printf '%s\n' "$(printf '%.0s-' {1..120})"
for line in "${ROWS[@]}"; do
  IFS='|' read -r name measured goal result <<<"$line"
  printf '%-52s | %-42s | %-11s | %s\n' "$name" "$measured" "$goal" "$result"
done
