#!/usr/bin/env bash
# Regenerates crates/cloudwright-iam/data/managed-policies.tsv.gz, the
# documents of AWS's managed policies, from the copy the moto package
# (PyPI, Apache-2.0 licence) ships in moto/iam/aws_managed_policies.py.
# Needs network only to download the package; give a wheel you already
# have to run offline:
#
#   scripts/update-managed-policies.sh                     # download the latest
#   scripts/update-managed-policies.sh moto-5.2.6-py3-none-any.whl
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wheel-member.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wheel_member moto moto/iam/aws_managed_policies.py "$work/aws_managed_policies.py" "${1:-}"
cargo run --quiet --release -p cloudwright-iam --bin managed-policies -- \
  "$work/aws_managed_policies.py" --source "moto $version" \
  --out crates/cloudwright-iam/data/managed-policies.tsv.gz
