#!/usr/bin/env bash
# Consumer smoke test: install the packed library into a new JavaScript CDK app, outside this
# repository, and synthesize it with the AWS CDK CLI, as a user of the npm package would.
#
#   npx projen smoke:consumer          (after `npx projen build` with CI=true, or `npx projen package:js`)
#   SMOKE_TARBALL=path/to.tgz bash test/consumer/smoke.sh
#
# It needs the npm registry (or the npm cache), never AWS. Exits non-zero on any failure.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
here="$repo/test/consumer"

tarball="${SMOKE_TARBALL:-}"
if [ -z "$tarball" ]; then
  shopt -s nullglob
  tarballs=("$repo"/dist/js/*.tgz)
  shopt -u nullglob
  if [ "${#tarballs[@]}" -ne 1 ]; then
    echo "smoke: expected exactly one package in dist/js, found ${#tarballs[@]}: run \`npx projen package:js\` (or \`CI=true npx projen build\`) first" >&2
    exit 1
  fi
  tarball="${tarballs[0]}"
fi
if [ ! -f "$tarball" ]; then
  echo "smoke: no such package: $tarball" >&2
  exit 1
fi
tarball="$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")"

# The versions the library is built and tested with: the floor it supports.
read -r cdk_lib constructs cli < <(node -e '
  const d = require(process.argv[1]).devDependencies;
  console.log(d["aws-cdk-lib"], d["constructs"], d["aws-cdk"]);
' "$repo/package.json")

app="$(mktemp -d "${TMPDIR:-/tmp}/cdk-kvs-webrtc-consumer.XXXXXX")"
if [ -z "${SMOKE_KEEP:-}" ]; then
  trap 'rm -rf "$app"' EXIT
else
  echo "smoke: keeping $app"
fi

echo "smoke: app in $app, library $(basename "$tarball"), aws-cdk-lib $cdk_lib, constructs $constructs, aws-cdk $cli"
mkdir -p "$app/bin"
cp "$here/app.js" "$app/bin/app.js"
cp "$tarball" "$app/cdk-kinesis-video-webrtc.tgz"
cat > "$app/package.json" <<JSON
{
  "name": "consumer-smoke",
  "version": "0.0.0",
  "private": true,
  "dependencies": {
    "aws-cdk-lib": "$cdk_lib",
    "constructs": "$constructs",
    "cdk-kinesis-video-webrtc": "file:cdk-kinesis-video-webrtc.tgz"
  },
  "devDependencies": {
    "aws-cdk": "$cli"
  }
}
JSON
cat > "$app/cdk.json" <<'JSON'
{
  "app": "node bin/app.js"
}
JSON

cd "$app"
# --prefer-offline: CI has just installed the same versions into the npm cache.
npm install --no-audit --no-fund --prefer-offline --loglevel=error
CDK_DISABLE_CLI_TELEMETRY=true AWS_EC2_METADATA_DISABLED=true \
  npx --no-install cdk synth --no-notices --quiet > /dev/null
node "$here/check-template.js" "$app/cdk.out"
