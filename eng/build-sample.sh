#!/usr/bin/env bash
# Builds one sample from a fresh machine: installs the host tools, packs the SDK, then runs `dotnet build` on the
# sample's project exactly as a user would. Usage: eng/build-sample.sh [minimal|…] [extra dotnet build arguments]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sample=${1:-minimal}; shift || true
project=$(ls "$root/samples/$sample"/*.ccproj 2>/dev/null | head -n1)
[ -n "$project" ] || { echo "no sample named '$sample' (see samples/)" >&2; exit 2; }
"$root/eng/install-host-tools.sh"
"$root/eng/pack-sdk.sh"
dotnet build "$project" "$@"
