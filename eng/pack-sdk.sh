#!/usr/bin/env bash
# Packs into artifacts/feed (the source NuGet.config names):
#   CcImage.Sdk        the MSBuild project SDK
#   CcImage.Templates  `dotnet new ccimage-site` (a new site's NuGet.config names this feed)
#   ccimage            the dotnet tool: a pointer package, NativeAOT executables for linux-x64 and linux-arm64, and a
#                      framework-dependent fallback (`any`) for every other platform (docs/cli.md)
# and drops cached copies of the same version from the NuGet packages folder, so the next build or install uses them.
# Usage: eng/pack-sdk.sh [--sdk-only]   (--sdk-only: CcImage.Sdk alone, nothing else needed; what builds use)
# The tool's native builds need clang and the arm64 cross toolchain: eng/install-pack-tools.sh installs them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
feed="$root/artifacts/feed"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n1)
pack() { dotnet pack "$@" -c Release -o "$feed" --nologo -v:q -clp:ErrorsOnly; }

pack "$root/sdk/CcImage.Sdk/CcImage.Sdk.csproj"
rm -rf "$packages/ccimage.sdk/$version"
echo "CcImage.Sdk $version packed into artifacts/feed" >&2
[ "${1:-}" = "--sdk-only" ] && exit 0

pack "$root/sdk/CcImage.Templates/CcImage.Templates.csproj" -p:CcTemplateFeed="$feed"
echo "CcImage.Templates $version packed into artifacts/feed" >&2

"$root/eng/install-pack-tools.sh"
cli="$root/src/CcImage.Cli/CcImage.Cli.csproj"
pack "$cli"                       # the pointer package (names the RID packages)
pack "$cli" -r any                # framework-dependent fallback
pack "$cli" -r linux-x64          # NativeAOT, linked by clang
pack "$cli" -r linux-arm64 -p:ObjCopyName=aarch64-linux-gnu-objcopy   # NativeAOT, cross-linked (Debian arm64 cross toolchain)
rm -rf "$packages"/ccimage/"$version" "$packages"/ccimage.*/"$version"
echo "ccimage $version (any, linux-x64, linux-arm64) packed into artifacts/feed" >&2
