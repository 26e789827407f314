#!/usr/bin/env bash
# cfn-lint on every template the suite synthesizes: the example app, fleets (3 cameras with
# grants, environment-agnostic and literal; 100 cameras) and the integration test's snapshot.
# The consumer matrix (test/consumer/smoke.sh) lints its own app's templates the same way.
#
#   npx projen lint:cfn     (after `npx projen bundle`)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"

command -v cfn-lint > /dev/null 2>&1 || exec bash test/lint/cfn-lint.sh  # says how to install it

out="$(mktemp -d "${TMPDIR:-/tmp}/cdk-kvs-webrtc-lint.XXXXXX")"
trap 'rm -rf "$out"' EXIT
mapfile -t templates < <(ts-node --project test/tsconfig.json test/lint/synth-templates.ts "$out/cdk.out")
bash test/lint/cfn-lint.sh "${templates[@]}" test/integ.webrtc-ingestion.ts.snapshot/*.template.json
