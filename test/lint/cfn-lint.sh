#!/usr/bin/env bash
# cfn-lint over CloudFormation templates, in every region the templates are meant for:
# 0 errors and 0 warnings, or exit non-zero.
#
#   bash test/lint/cfn-lint.sh TEMPLATE...
#
# The regions are Kinesis Video Streams WebRTC regions on both sides of the partition's
# naming (us-, eu-, ap-): cfn-lint checks resource types and properties against each
# region's CloudFormation schema. The only finding ignored anywhere is W3005 on the link
# provider's function, through cfn-lint metadata on that resource (see media-storage-link-provider.ts).
set -euo pipefail

REGIONS=(us-east-1 us-west-2 eu-west-1 eu-central-1 ap-northeast-1 ap-southeast-2)

if ! command -v cfn-lint > /dev/null 2>&1; then
  echo "cfn-lint: not installed. Install it with \`pip install cfn-lint\` (Python 3.9+), then run again." >&2
  exit 1
fi
if [ "$#" -eq 0 ]; then
  echo "cfn-lint: no templates given" >&2
  exit 1
fi
echo "cfn-lint: $(cfn-lint --version) on $# templates, regions ${REGIONS[*]}"
# cfn-lint exits non-zero on errors (2), warnings (4) and informational findings (8).
cfn-lint --regions "${REGIONS[@]}" --format parseable -- "$@"
echo "cfn-lint: OK: no error, warning or informational finding"
