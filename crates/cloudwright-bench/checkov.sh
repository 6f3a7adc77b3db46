#!/usr/bin/env bash
# Cloudwright against Checkov, on the same trees, on this machine.
#
#   crates/cloudwright-bench/checkov.sh [DIR...]
#
# 1. Speed: each DIR (default: the bundled example) is scanned by both tools,
#    one after the other; wall time, CPU time and peak RSS of each, with what
#    each says it checked and found.
# 2. Findings: every root of crates/cloudwright-scan/tests/fixtures/indirection
#    (three misconfigurations written the ways real configurations write them,
#    and safe controls beside them) is scanned by both, each for the same three
#    checks: RDS publicly accessible (CW-AWS-RDS-001 / CKV_AWS_17), RDS storage
#    unencrypted (CW-AWS-RDS-002 / CKV_AWS_16), SSH open to the internet
#    (CW-AWS-SG-001 / CKV_AWS_24, CKV_AWS_260).
# 3. Disagreements: Checkov runs on the rules' fixtures
#    (crates/cloudwright-rules/tests/fixtures/<RULE-ID>…), and every check of
#    Checkov's that a rule names as its alias (docs/rules.md) is compared with
#    the fixture's verdict, which the rules' tests hold Cloudwright to: a
#    `pass_…` resource Checkov fails is a finding Checkov has and Cloudwright
#    has not (Checkov's false positive, a deliberate difference the rule's
#    documentation explains, or a gap of ours); a `fail_…` one Checkov passes
#    is one Checkov misses.
# 4. Coverage: Checkov's AWS checks that no rule names as its alias, those
#    on resource types a rule already reads listed one by one.
#
# The reports are read by checkov_report.py beside this script.
# A developer's tool, not part of CI: the first run installs Checkov (pinned)
# from PyPI into a virtualenv under ~/.cache/cloudwright/checkov. Checkov runs
# with --skip-download, so it does not try to reach its service.
set -euo pipefail

case "${1:-}" in
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
esac
for dir in "$@"; do
  [ -d "$dir" ] || { echo "checkov.sh: $dir is not a directory" >&2; exit 2; }
done

here="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${CHECKOV_VENV:-$HOME/.cache/cloudwright/checkov}"
version=3.3.30
target="${CARGO_TARGET_DIR:-$here/target}"

if [ ! -x "$venv/bin/checkov" ]; then
  python3 -m venv "$venv" || {
    echo "checkov.sh: cannot make a virtualenv; install Python's venv module (Debian: apt-get install python3-venv)" >&2
    exit 1
  }
  "$venv/bin/pip" install --quiet "checkov==$version"
fi
cargo build --release --quiet -p cloudwright-cli --manifest-path "$here/Cargo.toml"
cw="$target/release/cloudwright"
py="$venv/bin/python3"
checkov=("$venv/bin/checkov" --framework terraform -o json --quiet --skip-download)

# time_json OUT CMD...: runs CMD with stdout to OUT, prints "wall user+sys rss"
time_json() {
  local out=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$out.time" "$@" >"$out" 2>"$out.err" || true
  # the last line: /usr/bin/time says a non-zero exit on a line before it
  tail -n 1 "$out.time" | awk '{printf "%.2f s wall, %.2f s CPU, %d MB", $1, $2 + $3, $4 / 1024}'
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

report=("$py" "$here/crates/cloudwright-bench/checkov_report.py")

echo "== speed (Checkov $version, $(nproc) cores)"
[ $# -gt 0 ] || set -- "$here/examples/three-tier"
for dir in "$@"; do
  echo "-- $dir ($(find "$dir" -name '*.tf' | wc -l) .tf files)"
  printf '  checkov:     %s; ' "$(time_json "$work/c.json" "${checkov[@]}" -d "$dir")"
  "${report[@]}" checkov-summary "$work/c.json"
  printf '  cloudwright: %s; ' "$(time_json "$work/w.json" "$cw" scan "$dir" -o json)"
  "${report[@]}" cloudwright-summary "$work/w.json"
done

echo
echo "== findings on tests/fixtures/indirection (found / expected; false positives)"
fixture="$here/crates/cloudwright-scan/tests/fixtures/indirection"
mapfile -t roots < <(cd "$fixture" && ls -d */ | tr -d / | grep -v '^modules$')
for root in "${roots[@]}"; do
  "${checkov[@]}" -d "$fixture/$root" --check CKV_AWS_16,CKV_AWS_17,CKV_AWS_24,CKV_AWS_260 \
    >"$work/$root.c.json" 2>/dev/null || true
  "$cw" scan "$fixture/$root" -o json --rule CW-AWS-RDS-001 --rule CW-AWS-RDS-002 \
    --rule CW-AWS-SG-001 >"$work/$root.w.json" 2>/dev/null || true
done
"${report[@]}" findings "$work" "$fixture/expected.txt" "${roots[@]}"

echo
echo "== Checkov's aliased checks on the rules' fixtures, where they disagree"
"$venv/bin/checkov" --framework terraform -o json --skip-download \
  -d "$here/crates/cloudwright-rules/tests/fixtures" >"$work/rules.json" 2>/dev/null || true
"${report[@]}" disagreements "$work/rules.json" "$here/docs/rules.md"

echo
echo "== Checkov's AWS checks no rule names as its alias"
"$venv/bin/checkov" --list --framework terraform >"$work/list.txt" 2>/dev/null || true
"${report[@]}" coverage "$work/list.txt" "$here/docs/rules.md"
