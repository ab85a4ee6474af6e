#!/usr/bin/env bash
# Packs the CcImage.Sdk package into artifacts/feed (the source NuGet.config names) and drops any cached copy of the
# same version from the NuGet packages folder, so the next `dotnet build` of a .ccproj uses the SDK just built.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n1)
dotnet pack "$root/sdk/CcImage.Sdk/CcImage.Sdk.csproj" -c Release -o "$root/artifacts/feed" --nologo -v:q -clp:ErrorsOnly
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/ccimage.sdk/$version"
echo "CcImage.Sdk $version packed into artifacts/feed" >&2
