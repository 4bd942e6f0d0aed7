#!/bin/sh
# The include layering check (README "Layout"): every `#include "..."` in the product code
# (src/, parsers/, rules/) must point to its own folder, to a folder of a lower rank, or to the
# shared files directly in its parent (parsers/formats/*.h for a format, parsers/clients/*.h for
# a client); and no folders may include each other in a circle. Ranks, lowest first:
#   0  src/model src/encoding src/io src/util src/i18n           (the floor)
#   1  src/policy src/report src/verify parsers/formats parsers/formats/<format>
#   2  rules parsers/clients parsers/clients/<client>
#   3  src/app
#   4  src/cli
#   5  tests bench fuzz (may include anything; nothing in the product includes them)
# Above the floor, folders of one rank never include each other, even one way (two formats, two
# clients, a client and rules, the report and the policy): each stands on lower ranks only, so
# a format or a client is a unit of extension that builds alone. Within the floor an include
# may run one way, never in a circle.
# Usage: check-layers.sh [ROOT]   prints each offending include and exits 1, else exits 0.
set -eu
root=${1:-$(dirname "$0")/..}
cd "$root"

for dir in src parsers rules; do
  [ -d "$dir" ] || { echo "check-layers: no $dir/ under $(pwd)" >&2; exit 2; }
done

# "file:line:included/path" for every quoted include of the product code.
find src parsers rules -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cpp' -o -name '*.cc' \) |
  LC_ALL=C sort |
  xargs grep -nH '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' /dev/null |
  sed 's/^\([^:]*:[0-9]*\):[^"]*"\([^"]*\)".*/\1:\2/' |
  awk -F: '
    # The folder a path belongs to: the unit that is ranked and checked for circles.
    function folder(path,   n, part) {
      n = split(path, part, "/")
      if (part[1] == "src" && n >= 3) return "src/" part[2]
      if (part[1] == "rules") return "rules"
      if (part[1] == "parsers" && (part[2] == "formats" || part[2] == "clients"))
        return n >= 4 ? "parsers/" part[2] "/" part[3] : "parsers/" part[2]
      if (part[1] == "tests" || part[1] == "bench" || part[1] == "fuzz") return part[1]
      return ""
    }
    function rank(unit) {
      if (unit ~ /^src\/(model|encoding|io|util|i18n)$/) return 0
      if (unit ~ /^src\/(policy|report|verify)$/ || unit ~ /^parsers\/formats(\/|$)/) return 1
      if (unit == "rules" || unit ~ /^parsers\/clients(\/|$)/) return 2
      if (unit == "src/app") return 3
      if (unit == "src/cli") return 4
      if (unit ~ /^(tests|bench|fuzz)$/) return 5
      return -1
    }
    function report(why) {
      printf "%s:%s: %s -> %s, %s\n", $1, $2, from, to, why
      bad = 1
    }
    {
      from = folder($1); to = folder($3)
      if (rank(from) < 0) { to = $3; report("the file is in no ranked folder (add it to scripts/check-layers.sh)"); next }
      if (rank(to) < 0) { to = $3; report("the included path is in no ranked folder"); next }
      if (from == to) next
      if (rank(to) > rank(from)) {
        report(sprintf("includes upward (rank %d includes rank %d)", rank(from), rank(to)))
        next
      }
      if (rank(to) == rank(from) && rank(from) > 0) {
        # A format or client may use the shared files directly above it, nothing beside it.
        if (index(from, to "/") == 1) next
        report("folders of one rank stand side by side (share through a lower rank, or parsers/formats/, parsers/clients/)")
        next
      }
      edge[from SUBSEP to] = 1
      node[from] = 1; node[to] = 1
      site[from SUBSEP to] = site[from SUBSEP to] sprintf("%s:%s: %s -> %s", $1, $2, from, to) "\n"
    }
    END {
      # Floyd-Warshall reachability over the few folders: an edge whose target reaches back to
      # its source closes a circle.
      for (k in node) for (i in node) if ((i SUBSEP k) in edge || (i SUBSEP k) in reach)
        for (j in node) if ((k SUBSEP j) in edge || (k SUBSEP j) in reach) reach[i SUBSEP j] = 1
      for (pair in site) {
        split(pair, end, SUBSEP)
        if (end[2] == end[1] || (end[2] SUBSEP end[1]) in edge || (end[2] SUBSEP end[1]) in reach) {
          n = split(site[pair], line, "\n")
          for (i = 1; i < n; i++) circle[line[i]] = 1
          bad = 1
        }
      }
      for (entry in circle) print entry ", folders include each other (directly or in a circle)" | "LC_ALL=C sort"
      close("LC_ALL=C sort")
      exit bad
    }'
