#!/bin/sh
# Runs packaging/ansible/mailmig-census.yml against this machine with the built mailmig: the
# Linux play plans on copies of the fixture homes (fixtures/homes/linux and windows), each as
# its own machine, then the control play merges and summarises. Checks the summary JSON and
# that plan changed nothing. Needs ansible-playbook (ansible-core) and python3; installs nothing.
# Usage: ansible_census_test.sh BUILD_DIR
set -eu
[ $# -eq 1 ] || {
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
}
mailmig=$(cd "$1" && pwd)/mailmig
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
[ -x "$mailmig" ] || {
  echo "FAIL: no executable $mailmig" >&2
  exit 1
}
command -v ansible-playbook >/dev/null || {
  echo "FAIL: ansible-playbook not found (install ansible-core)" >&2
  exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM  # so that EXIT cleans up after a signal too
mkdir -p "$work/homes" "$work/ansible-tmp"
cp -R "$source_dir/fixtures/homes/linux" "$source_dir/fixtures/homes/windows" "$work/homes/"

# Extra variables as JSON: a list cannot be given as key=value. The interpreter is the one
# running Ansible, so the local "host" needs nothing else.
cat >"$work/vars.json" <<EOF
{
  "mailmig_linux_group": "localhost",
  "mailmig_path": "$mailmig",
  "mailmig_reports_dir": "$work/reports",
  "mailmig_homes": [
    {"home": "$work/homes/linux", "machine": "census-linux-pc"},
    {"home": "$work/homes/windows", "machine": "census-windows-pc"}
  ],
  "ansible_python_interpreter": "{{ ansible_playbook_python }}"
}
EOF

echo "== ansible-playbook mailmig-census.yml (mailmig: $mailmig)"
# The fixture homes' servers do not exist: plan without checking them (MAILMIG_VERIFY).
MAILMIG_VERIFY=off ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCAL_TEMP="$work/ansible-tmp" \
  ANSIBLE_REMOTE_TEMP="$work/ansible-tmp" \
  ansible-playbook -i localhost, -c local "$source_dir/packaging/ansible/mailmig-census.yml" \
  -e "@$work/vars.json" || {
  echo "FAIL: the playbook failed" >&2
  exit 1
}

for file in localhost.db merged.db summary.json summary.html; do
  [ -s "$work/reports/$file" ] || {
    echo "FAIL: $work/reports/$file missing or empty" >&2
    exit 1
  }
done
echo "ok: the host's report was fetched, merged, and summarised as JSON and HTML"

python3 - "$work/reports/summary.json" 2 <<'EOF'
import json, sys
summary = json.load(open(sys.argv[1]))
expected_machines = int(sys.argv[2])
for key in ("machines", "runs", "accounts", "pending_by_rule", "pending_by_client", "errors"):
    if key not in summary:
        sys.exit(f"FAIL: summary has no key {key!r}: {sorted(summary)}")
if summary["machines"] != expected_machines:
    sys.exit(f"FAIL: machines is {summary['machines']}, expected {expected_machines}")
if summary["runs"] < expected_machines:
    sys.exit(f"FAIL: runs is {summary['runs']}, expected at least {expected_machines}")
pending = sum(summary["pending_by_rule"].values())
if pending == 0 or sum(summary["pending_by_client"].values()) == 0:
    sys.exit(f"FAIL: no pending changes: {summary['pending_by_rule']}")
print(f"ok: summary: {summary['machines']} machines (one per home), {summary['runs']} runs, "
      f"{summary['accounts']} accounts, errors {summary['errors']}, pending by rule "
      f"{summary['pending_by_rule']}, by client {summary['pending_by_client']}")
print("ok: plan's exit 4 (changes pending) did not fail the play")
EOF

for home in linux windows; do
  diff -r "$source_dir/fixtures/homes/$home" "$work/homes/$home" >/dev/null || {
    echo "FAIL: plan changed files in the $home home" >&2
    exit 1
  }
done
echo "ok: plan left both homes byte for byte as they were"
echo "PASS: ansible census"
