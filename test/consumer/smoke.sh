#!/usr/bin/env bash
# Consumer smoke test and version matrix, outside this repository, as users of the npm package:
#
# 1. the floor: the packed library in a new JavaScript CDK app on the aws-cdk-lib, constructs and
#    CLI versions the library is built and tested with, synthesized with the AWS CDK CLI;
# 2. today's versions: test/consumer/matrix, an app as `cdk init app --language typescript`
#    makes one (its cdk.json feature flags), on pinned aws-cdk-lib 2.276.0 with cdk-nag 2.38.2
#    and 3.0.2 (npm aliases cdk-nag-v2, cdk-nag-v3), installed exactly from its committed lock
#    file (npm ci) plus the packed library; synthesized with the CLI under the four rule packs of
#    each major (as users turn them on), the findings counted per major, pack and owner
#    (nag/check.ts: zero on the library's resources), its templates linted by cfn-lint in
#    several regions (test/lint/cfn-lint.sh).
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

work="$(mktemp -d "${TMPDIR:-/tmp}/cdk-kvs-webrtc-consumer.XXXXXX")"
if [ -z "${SMOKE_KEEP:-}" ]; then
  trap 'rm -rf "$work"' EXIT
else
  echo "smoke: keeping $work"
fi
app="$work/floor"

start=$SECONDS
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
echo "smoke: floor done in $((SECONDS - start)) s"

# ---------------------------------------------------------------------------------------------
# 2. today's versions: the committed app, installed exactly, plus the packed library
start=$SECONDS
matrix="$work/matrix"
mkdir -p "$matrix"
(cd "$here/matrix" && tar cf - --exclude=node_modules --exclude=cdk.out .) | (cd "$matrix" && tar xf -)
cd "$matrix"
versions="$(node -e 'const p=require("./package.json"); const d={...p.dependencies,...p.devDependencies}; console.log(["aws-cdk-lib","cdk-nag-v2","cdk-nag-v3","aws-cdk","typescript"].map(k=>k+" "+d[k]).join(", "))')"
echo "smoke: matrix app in $matrix: $versions"
npm ci --no-audit --no-fund --prefer-offline --loglevel=error
# the library is not in the lock file (its tarball changes with every build): added on top
npm install --no-save --no-audit --no-fund --prefer-offline --loglevel=error "$tarball"
# As users turn the packs on: cdk-nag 2 as aspects, cdk-nag 3 as validation plugins. Any
# finding fails the synthesis (the app acknowledges its own); nag/check.ts then says whose.
for major in 2 3; do
  if ! CDK_DISABLE_CLI_TELEMETRY=true AWS_EC2_METADATA_DISABLED=true \
    npx --no-install cdk synth --no-notices --quiet -c nag=$major --output "cdk.out.nag$major" > "synth.nag$major.log" 2>&1; then
    cat "synth.nag$major.log" >&2
    echo "smoke: FAILED: cdk synth with the four packs of cdk-nag $major" >&2
    npx --no-install tsx nag/check.ts >&2 || true
    exit 1
  fi
done
echo "smoke: OK: cdk synth passes with the four packs of cdk-nag 2 (aspects) and of cdk-nag 3 (validation plugins)"
mv cdk.out.nag3 cdk.out
npx --no-install tsx nag/check.ts
node "$here/matrix/check-assembly.js" "$matrix/cdk.out"
bash "$repo/test/lint/cfn-lint.sh" "$matrix"/cdk.out/*.template.json
echo "smoke: matrix done in $((SECONDS - start)) s"
