#!/bin/sh
# The census page as an administrator sees it: headless Chromium opens `report summary --format
# html` of a 10-machine and a 10,000-machine census at 1,400 pixels wide, the page must not be
# wider than the window, its headline numbers must equal what SQL over the merged database
# says, and the page must stay under 2 MB. Screenshots are left in OUT_DIR (census-N.png).
# Exits 77 (skipped) when chromium is not installed.
# Usage: census_page_test.sh MAILMIG CENSUS_GEN OUT_DIR [MACHINES...]
set -eu
mailmig=$1 census_gen=$2 out_dir=$3
shift 3
[ $# -gt 0 ] || set -- 10 10000
if ! command -v chromium >/dev/null 2>&1; then
  echo "SKIP: chromium is not installed (CI installs it: ./build.sh test)"
  exit 77
fi
command -v sqlite3 >/dev/null 2>&1 || { echo "FAIL: sqlite3 is not installed"; exit 1; }
# Many small SQLite commits: in memory when the machine has /dev/shm.
work=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out_dir"

browse() {  # browse PAGE ARGS...: headless Chromium at 1,400 pixels wide
  page=$1
  shift
  timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$work/chromium" --window-size=1400,1000 "$@" "file://$page" 2>/dev/null
}

# The census statuses of the current accounts, by SQL written apart from mailmig's: each
# profile's newest observation decides error / client-running, its newest ok one the accounts.
expected_counts() {
  sqlite3 "$1" "
    WITH observed AS (
      SELECT p.id, p.status, r.machine || char(31) || r.user || char(31) || p.client ||
        char(31) || p.path AS profile,
        ROW_NUMBER() OVER (PARTITION BY r.machine, r.user, p.client, p.path
          ORDER BY r.time DESC, p.id DESC) AS newest,
        ROW_NUMBER() OVER (PARTITION BY r.machine, r.user, p.client, p.path, p.status = 'ok'
          ORDER BY r.time DESC, p.id DESC) AS newest_of_kind
      FROM profiles p JOIN runs r ON r.run_id = p.run_id),
    counted AS (
      SELECT CASE WHEN latest.status <> 'ok' THEN latest.status
             WHEN a.status = 'changed' THEN 'done' ELSE a.status END AS census
      FROM observed current
      JOIN observed latest ON latest.profile = current.profile AND latest.newest = 1
      JOIN accounts a ON a.profile_id = current.id
      WHERE current.newest_of_kind = 1 AND current.status = 'ok')
    SELECT
      (SELECT count(*) FROM counted WHERE census = 'done'),
      (SELECT count(*) FROM counted WHERE census = 'pending'),
      (SELECT count(*) FROM counted WHERE census = 'action-required'),
      (SELECT count(*) FROM counted WHERE census = 'client-running'),
      (SELECT count(*) FROM counted WHERE census = 'error'),
      (SELECT count(*) FROM counted WHERE census = 'not-governed'),
      (SELECT count(DISTINCT machine) FROM runs);" | tr '|' ' '
}

status=0
for machines in "$@"; do
  "$census_gen" "$work/m$machines" "$machines"
  # shellcheck disable=SC2046 # one argument a report
  "$mailmig" report merge "$work/all$machines.db" $(ls "$work/m$machines"/*.db) >/dev/null
  "$mailmig" report summary "$work/all$machines.db" --format html >"$work/page$machines.html"
  bytes=$(wc -c <"$work/page$machines.html")
  if [ "$bytes" -gt 2000000 ]; then
    echo "FAIL: $machines machines: the page has $bytes bytes (more than 2 MB)"
    status=1
  fi
  # The same page with a script at its end that writes what Chromium measured into the title:
  # "measured:SCROLL_WIDTH:WINDOW_WIDTH:ACCOUNTS_BY_STATUS,...:MACHINES".
  sed 's|</body>|<script>var rows = document.querySelectorAll("table.glance tbody tr"); document.title = ["measured", document.documentElement.scrollWidth, window.innerWidth, Array.prototype.map.call(rows, function (row) { return row.cells[1].textContent.replace(/,/g, ""); }).join(","), rows[6].cells[3].textContent.replace(/,/g, "")].join(":");</script></body>|' \
    "$work/page$machines.html" >"$work/measured$machines.html"
  measured=$(browse "$work/measured$machines.html" --dump-dom |
    grep -o 'measured:[0-9]*:[0-9]*:[0-9,]*:[0-9]*' | tr ':,' '  ')
  scroll_width=$(echo "$measured" | cut -d' ' -f2)
  window_width=$(echo "$measured" | cut -d' ' -f3)
  if [ -z "$scroll_width" ] || [ "$scroll_width" -gt "$window_width" ]; then
    echo "FAIL: $machines machines: the page is $scroll_width pixels wide in a $window_width-pixel window"
    status=1
  fi
  expected=$(expected_counts "$work/all$machines.db")
  # The glance table's accounts column: done, pending, by hand, client running, error, not
  # governed (then the total, left out); then the machines' total.
  shown_statuses=$(echo "$measured" | cut -d' ' -f4-9,11)
  if [ "$shown_statuses" != "$expected" ]; then
    echo "FAIL: $machines machines: the page says [$shown_statuses], the database [$expected]"
    status=1
  fi
  browse "$work/page$machines.html" --window-size=1400,2400 --screenshot="$out_dir/census-$machines.png" >/dev/null
  [ -s "$out_dir/census-$machines.png" ] || { echo "FAIL: no screenshot"; status=1; }
  echo "$machines machines: $bytes bytes, $scroll_width px wide in $window_width, counts [$expected]"
done
exit "$status"
