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

echo "== speed (Checkov $version, $(nproc) cores)"
[ $# -gt 0 ] || set -- "$here/examples/three-tier"
for dir in "$@"; do
  echo "-- $dir ($(find "$dir" -name '*.tf' | wc -l) .tf files)"
  printf '  checkov:     %s; ' "$(time_json "$work/c.json" "${checkov[@]}" -d "$dir")"
  "$py" - "$work/c.json" <<'EOF'
import json, sys
runs = json.load(open(sys.argv[1]))
runs = runs if isinstance(runs, list) else [runs]
s = [r["summary"] for r in runs if r.get("check_type") == "terraform"][0]
print(f"{s['resource_count']} resources, {s['failed']} failed checks, {s['parsing_errors']} parsing errors")
EOF
  printf '  cloudwright: %s; ' "$(time_json "$work/w.json" "$cw" scan "$dir" -o json)"
  "$py" - "$work/w.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(f"{s['resources_checked']} resources, {s['findings']} findings, {s['unknown']} undecidable")
EOF
done

echo
echo "== findings on tests/fixtures/indirection (found / expected; false positives)"
fixture="$here/crates/cloudwright-scan/tests/fixtures/indirection"
for root in $(cd "$fixture" && ls -d */ | tr -d / | grep -v '^modules$'); do
  "${checkov[@]}" -d "$fixture/$root" --check CKV_AWS_16,CKV_AWS_17,CKV_AWS_24,CKV_AWS_260 \
    >"$work/$root.c.json" 2>/dev/null || true
  "$cw" scan "$fixture/$root" -o json --rule CW-AWS-RDS-001 --rule CW-AWS-RDS-002 \
    --rule CW-AWS-SG-001 >"$work/$root.w.json" 2>/dev/null || true
done
"$py" - "$work" "$fixture/expected.txt" $(cd "$fixture" && ls -d */ | tr -d / | grep -v '^modules$') <<'EOF'
import json, sys
work, listed, roots = sys.argv[1], sys.argv[2], sys.argv[3:]
holds = {}
for line in open(listed):
    if line.strip() and not line.startswith("#"):
        root, address, rule = line.split()
        holds.setdefault(root, set()).add((rule, address))
same = {"CKV_AWS_17": "CW-AWS-RDS-001", "CKV_AWS_16": "CW-AWS-RDS-002",
        "CKV_AWS_24": "CW-AWS-SG-001", "CKV_AWS_260": "CW-AWS-SG-001"}
totals = {"cw": [0, 0], "ckv": [0, 0]}
print(f"  {'root':24} {'expected':>8} {'cloudwright':>14} {'checkov':>14}")
for root in roots:
    expected = holds.get(root, set())
    w = json.load(open(f"{work}/{root}.w.json"))["findings"]
    cw = {(f["rule"], f["resource"]) for f in w}
    runs = json.load(open(f"{work}/{root}.c.json"))
    runs = runs if isinstance(runs, list) else [runs]
    ckv = {(same[c["check_id"]], c["resource"].split(" ")[0])
           for r in runs if r.get("check_type") == "terraform"
           for c in r["results"].get("failed_checks", [])}
    row = []
    for name, got in (("cw", cw), ("ckv", ckv)):
        hit, false = len(got & expected), len(got - expected)
        totals[name][0] += hit
        totals[name][1] += false
        row.append(f"{hit}/{len(expected)}" + (f"; {false} FP" if false else ""))
    print(f"  {root:24} {len(expected):>8} {row[0]:>14} {row[1]:>14}")
n = sum(len(v) for v in holds.values())
for name, label in (("cw", "cloudwright"), ("ckv", "checkov")):
    print(f"  {label}: {totals[name][0]} of {n} found, {totals[name][1]} false positives")
EOF

echo
echo "== Checkov's aliased checks on the rules' fixtures, where they disagree"
"$venv/bin/checkov" --framework terraform -o json --skip-download \
  -d "$here/crates/cloudwright-rules/tests/fixtures" >"$work/rules.json" 2>/dev/null || true
"$py" - "$work/rules.json" "$here/docs/rules.md" <<'EOF'
import json, re, sys
aliases = {}
for line in open(sys.argv[2]):
    m = re.match(r"\| \[(CW-[A-Z0-9-]+)\]\([^)]*\) \|[^|]*\|[^|]*\|[^|]*\| ([^|]*) \|", line)
    for a in (m.group(2).split(",") if m else []):
        if a.strip().startswith("CKV"):
            aliases.setdefault(a.strip(), set()).add(m.group(1))
runs = json.load(open(sys.argv[1]))
runs = runs if isinstance(runs, list) else [runs]
results = [r for r in runs if r.get("check_type") == "terraform"][0]["results"]
agree, extra, missed = 0, [], []
for kind in ("failed_checks", "passed_checks"):
    for c in results.get(kind, []):
        rule = re.match(r"(CW-[A-Z]+-[A-Z0-9]+-\d+)", c["file_path"].strip("/"))
        if not rule or rule.group(1) not in aliases.get(c["check_id"], ()):
            continue
        name = c["resource"].split(".")[-1].split("[")[0]
        row = f"  {rule.group(1):24} {c['check_id']:12} {c['resource']}"
        if kind == "failed_checks" and name.startswith("pass"):
            extra.append(row)
        elif kind == "passed_checks" and name.startswith("fail"):
            missed.append(row)
        elif name.startswith("pass" if kind == "passed_checks" else "fail"):
            agree += 1
print(f"  {agree} verdicts on fail_/pass_ resources agree")
print(f"  {len(extra)} resources Checkov fails that the fixtures pass:")
print("\n".join(sorted(extra)))
print(f"  {len(missed)} resources Checkov passes that the fixtures fail:")
print("\n".join(sorted(missed)))
EOF

echo
echo "== Checkov's AWS checks no rule names as its alias"
"$venv/bin/checkov" --list --framework terraform >"$work/list.txt" 2>/dev/null || true
"$py" - "$work/list.txt" "$here/docs/rules.md" <<'EOF'
import re, sys
checks, entities = {}, {}
for line in open(sys.argv[1]):
    cells = [c.strip() for c in line.split("|")]
    if len(cells) > 6 and re.match(r"CKV2?_AWS_\d+$", cells[2]) and cells[6] == "Terraform":
        checks[cells[2]] = cells[5]
        entities.setdefault(cells[2], set()).add(cells[4])
aliased, read = set(), set()
for line in open(sys.argv[2]):
    m = re.match(r"\| \[(CW-[A-Z0-9-]+)\]\([^)]*\) \|[^|]*\|[^|]*\|[^|]*\| ([^|]*) \|", line)
    aliased.update(a.strip() for a in (m.group(2).split(",") if m else []))
    if line.startswith("**"):
        read.update(re.findall(r"`(aws_[a-z0-9_]+)`", line))
missing = sorted(set(checks) - aliased, key=lambda c: (c.startswith("CKV2"), int(c.rsplit("_", 1)[1])))
print(f"  {len(checks)} checks, {len(checks) - len(missing)} named as aliases; of the other {len(missing)}:")
on_read = [c for c in missing if entities[c] & read]
print(f"  {len(on_read)} on resource types a rule reads:")
for c in on_read:
    print(f"    {c:12} {', '.join(sorted(entities[c] & read))[:50]:50} {checks[c][:90]}")
print(f"  {len(missing) - len(on_read)} on resource types no rule reads")
EOF
