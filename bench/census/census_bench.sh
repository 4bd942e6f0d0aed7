#!/bin/sh
# The census at fleet scale: MACHINES per-machine report databases of 3 accounts each (written by
# mailmig_census_gen, as `mailmig plan --report` / `apply --report` would), merged on disk with
# `mailmig report merge`, then `mailmig report summary` in every format. Prints the seconds each
# step took and the size of each output.
# Usage: bench/census/census_bench.sh BUILD_DIR [MACHINES (10000)] [WORK_DIR (a new one in /var/tmp)]
set -eu
build=$1
machines=${2:-10000}
work=${3:-$(mktemp -d -p /var/tmp mailmig-census-bench.XXXXXX)}
mailmig=$build/mailmig
generator=$build/bench/census/mailmig_census_gen

seconds() {  # seconds COMMAND...: runs it (its output dropped), prints its wall time in seconds
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  awk "BEGIN { printf \"%.1f\", $end - $start }"
}

# Generated in memory (each SQLite commit waits for the disk otherwise), then copied to disk,
# where an administrator's file share is.
staging=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
"$generator" "$staging/reports" "$machines"
mkdir -p "$work"
rm -rf "$work/reports" "$work/all.db"
cp -r "$staging/reports" "$work/reports"
rm -rf "$staging"
sync

echo "machines: $machines ($(du -sh "$work/reports" | cut -f1) of reports in $work)"
# shellcheck disable=SC2046 # one argument a report
merge=$(seconds "$mailmig" report merge "$work/all.db" $(ls "$work/reports"/*.db))
echo "report merge: $merge s ($(du -h "$work/all.db" | cut -f1))"
for format in text json csv html; do
  took=$(seconds sh -c '"$1" report summary "$2" --format "$3" >"$4"' sh "$mailmig" "$work/all.db" \
    "$format" "$work/summary.$format")
  echo "report summary --format $format: $took s, $(wc -c <"$work/summary.$format") bytes"
done
