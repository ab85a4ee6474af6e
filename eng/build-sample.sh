#!/usr/bin/env bash
# Builds one sample from a fresh machine: installs what a build needs (eng/install-build-tools.sh), packs the SDK, then
# runs `dotnet build` on the sample's project exactly as a user would. Installs nothing for tests or benchmarks.
# Usage: eng/build-sample.sh [minimal|…] [extra dotnet build arguments]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sample=${1:-minimal}; shift || true
project=$(ls "$root/samples/$sample"/*.ccproj 2>/dev/null | head -n1)
[ -n "$project" ] || { echo "no sample named '$sample' (see samples/)" >&2; exit 2; }
"$root/eng/install-build-tools.sh"
"$root/eng/pack-sdk.sh" --sdk-only
dotnet build "$project" "$@"
