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
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wheel=${1:-}
if [ -z "$wheel" ]; then
  pip download moto --no-deps --quiet -d "$work"
  wheel=$(ls "$work"/moto-*.whl)
fi
version=$(basename "$wheel" | sed -E 's/^moto-([^-]+)-.*/\1/')
# a wheel is a zip archive
unzip -p "$wheel" moto/iam/aws_managed_policies.py > "$work/aws_managed_policies.py"
cargo run --quiet --release -p cloudwright-iam --bin managed-policies -- \
  "$work/aws_managed_policies.py" --source "moto $version" \
  --out crates/cloudwright-iam/data/managed-policies.tsv.gz
