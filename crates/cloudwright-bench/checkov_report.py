"""The reports of checkov.sh, read from the two tools' JSON (run by that script).

    checkov_report.py checkov-summary CHECKOV.json
    checkov_report.py cloudwright-summary CLOUDWRIGHT.json
    checkov_report.py findings WORK EXPECTED.txt ROOT...
    checkov_report.py disagreements CHECKOV.json RULES.md
    checkov_report.py coverage CHECKOV-LIST.txt RULES.md

A developer's tool beside checkov.sh, run with the Python of Checkov's
virtualenv; Cloudwright itself has no Python in it.
"""

import json
import re
import sys

# a row of the rule table in docs/rules.md: id, then its Checkov aliases
RULE_ROW = re.compile(r"\| \[(CW-[A-Z0-9-]+)\]\([^)]*\) \|[^|]*\|[^|]*\|[^|]*\| ([^|]*) \|")


def terraform_results(path):
    """Checkov's Terraform report in its JSON: one report, or one per framework,
    or an empty one when Checkov had no resource to check."""
    runs = json.load(open(path))
    runs = runs if isinstance(runs, list) else [runs]
    found = [r for r in runs if r.get("check_type") == "terraform"]
    return found[0] if found else {"results": {}}


def checkov_aliases(rules_md):
    """Checkov check id -> the Cloudwright rules that name it as an alias."""
    aliases = {}
    for line in open(rules_md):
        m = RULE_ROW.match(line)
        for a in m.group(2).split(",") if m else []:
            if a.strip().startswith("CKV"):
                aliases.setdefault(a.strip(), set()).add(m.group(1))
    return aliases


def checkov_summary(path):
    s = terraform_results(path)["summary"]
    print(f"{s['resource_count']} resources, {s['failed']} failed checks, {s['parsing_errors']} parsing errors")


def cloudwright_summary(path):
    s = json.load(open(path))["summary"]
    print(f"{s['resources_checked']} resources, {s['findings']} findings, {s['unknown']} undecidable")


def findings(work, listed, roots):
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
        results = terraform_results(f"{work}/{root}.c.json")["results"]
        ckv = {(same[c["check_id"]], c["resource"].split(" ")[0])
               for c in results.get("failed_checks", [])}
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


def disagreements(path, rules_md):
    aliases = checkov_aliases(rules_md)
    results = terraform_results(path)["results"]
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


def coverage(listing, rules_md):
    checks, entities = {}, {}
    for line in open(listing):
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 6 and re.match(r"CKV2?_AWS_\d+$", cells[2]) and cells[6] == "Terraform":
            checks[cells[2]] = cells[5]
            entities.setdefault(cells[2], set()).add(cells[4])
    aliased = set(checkov_aliases(rules_md))
    # the resource types the rules read, from each rule's heading line
    read = set()
    for line in open(rules_md):
        if line.startswith("**"):
            read.update(re.findall(r"`(aws_[a-z0-9_]+)`", line))
    missing = sorted(set(checks) - aliased,
                     key=lambda c: (c.startswith("CKV2"), int(c.rsplit("_", 1)[1])))
    print(f"  {len(checks)} checks, {len(checks) - len(missing)} named as aliases; of the other {len(missing)}:")
    on_read = [c for c in missing if entities[c] & read]
    print(f"  {len(on_read)} on resource types a rule reads:")
    for c in on_read:
        print(f"    {c:12} {', '.join(sorted(entities[c] & read))[:50]:50} {checks[c][:90]}")
    print(f"  {len(missing) - len(on_read)} on resource types no rule reads")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {
        "checkov-summary": lambda: checkov_summary(*args),
        "cloudwright-summary": lambda: cloudwright_summary(*args),
        "findings": lambda: findings(args[0], args[1], args[2:]),
        "disagreements": lambda: disagreements(*args),
        "coverage": lambda: coverage(*args),
    }[command]()
