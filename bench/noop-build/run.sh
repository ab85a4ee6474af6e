#!/usr/bin/env bash
# Times an up-to-date `dotnet build` of samples/minimal against a no-op `dotnet build` of an empty project, in the same
# run, and prints the ratio of their medians over interleaved rounds (goal: ≤ 1.5). Both go through the same dotnet CLI,
# restore step and MSBuild start-up.
# For the breakdown it also times
#   - a copy of the sample that imports the packaged SDK's Sdk.props/Sdk.targets by path: the difference is what
#     resolving `Sdk="CcImage.Sdk"` costs (MSBuild asks the dotnet SDK's resolvers in turn: the workload resolver, which
#     reads every installed workload manifest, then the NuGet resolver); the rest is our evaluation and targets;
#   - a project of an MSBuild SDK that does nothing (its Sdk.props sets DefaultTargets=Build, its Restore and Build
#     targets are empty), packed here and resolved by name through the same NuGet resolver from a local folder: the
#     floor any NuGet-delivered MSBuild SDK starts from on this machine (Microsoft.Build.NoTargets, Traversal, ours).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/bench/out/noop-build"
rm -rf "$out"; mkdir -p "$out/empty"
"$root/bench/install-tools.sh"
"$root/eng/pack-sdk.sh" --sdk-only
cat > "$out/empty/empty.proj" <<'PROJ'
<Project>
  <Target Name="Restore" />
  <Target Name="Build" />
</Project>
PROJ
sample="$root/samples/minimal/minimal.ccproj"
dotnet build "$sample" -nologo -v:q >/dev/null          # first build does the image work (and restores the SDK)
dotnet build "$out/empty/empty.proj" -nologo -v:q >/dev/null
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n1)
sdk="${NUGET_PACKAGES:-$HOME/.nuget/packages}/ccimage.sdk/$version/Sdk"
mkdir -p "$out/by-path"
cp -r "$root/samples/minimal/config" "$out/by-path/"
sed -e "s#<Project Sdk=\"CcImage.Sdk\">#<Project><Import Project=\"$sdk/Sdk.props\" />#" \
    -e "s#^</Project>#<Import Project=\"$sdk/Sdk.targets\" /></Project>#" "$sample" > "$out/by-path/minimal.ccproj"
dotnet build "$out/by-path/minimal.ccproj" -nologo -v:q >/dev/null

# The do-nothing SDK, as a package in a local folder (python3's zipfile: a .nupkg is a zip with a .nuspec).
floor="$out/empty-sdk"; mkdir -p "$floor/feed" "$floor/project"
python3 - "$floor/feed/ccimage.bench.emptysdk.1.0.0.nupkg" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("CcImage.Bench.EmptySdk.nuspec", '<?xml version="1.0"?><package><metadata><id>CcImage.Bench.EmptySdk</id>'
               '<version>1.0.0</version><authors>bench</authors><description>An MSBuild SDK that does nothing.</description>'
               '<packageTypes><packageType name="MSBuildSdk" /></packageTypes></metadata></package>')
    z.writestr("Sdk/Sdk.props", '<Project DefaultTargets="Build" />\n')
    z.writestr("Sdk/Sdk.targets", '<Project>\n  <Target Name="Restore" />\n  <Target Name="Build" />\n</Project>\n')
PY
sdk_version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sdk"]["version"])' "$root/global.json")
cat > "$floor/project/global.json" <<JSON
{ "sdk": { "version": "$sdk_version", "rollForward": "latestFeature" }, "msbuild-sdks": { "CcImage.Bench.EmptySdk": "1.0.0" } }
JSON
cat > "$floor/project/NuGet.config" <<'XML'
<configuration>
  <packageSources><clear /><add key="bench-empty-sdk" value="../feed" /></packageSources>
</configuration>
XML
echo '<Project Sdk="CcImage.Bench.EmptySdk" />' > "$floor/project/empty-sdk.proj"
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/ccimage.bench.emptysdk"
dotnet build "$floor/project/empty-sdk.proj" -nologo -v:q >/dev/null
runs=${RUNS:-20}
# Interleaved rounds, medians (bench/interleave.py says why): run after run, this VM drifts more than the gap measured.
python3 "$root/bench/interleave.py" --runs "$runs" --warmup 2 --json "$out/result.json" \
  "empty=dotnet build $out/empty/empty.proj -nologo -v:q" \
  "minimal-noop=dotnet build $sample -nologo -v:q" \
  "minimal-noop-sdk-by-path=dotnet build $out/by-path/minimal.ccproj -nologo -v:q" \
  "empty-sdk-by-name=dotnet build $floor/project/empty-sdk.proj -nologo -v:q"
python3 - "$out/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
e, m, p, f = (r[n]["median"] for n in ("empty", "minimal-noop", "minimal-noop-sdk-by-path", "empty-sdk-by-name"))
print(f"empty project no-op build:   {e*1000:.0f} ms (median)")
print(f"minimal sample no-op build:  {m*1000:.0f} ms")
print(f"  of which resolving the SDK: {(m-p)*1000:.0f} ms (the same sample importing the SDK by path: {p*1000:.0f} ms, {p/e:.2f} of empty)")
print(f"an MSBuild SDK that does nothing, resolved by name: {f*1000:.0f} ms, {f/e:.2f} of empty "
      f"(CcImage.Sdk's own evaluation and targets on top of it: {(m-f)*1000:.0f} ms)")
print(f"ratio minimal/empty: {m/e:.2f} of medians, {r['minimal-noop']['mean']/r['empty']['mean']:.2f} of means (goal <= 1.5)")
PY
