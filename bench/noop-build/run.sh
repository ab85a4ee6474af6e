#!/usr/bin/env bash
# Times an up-to-date `dotnet build` of samples/minimal against a no-op `dotnet build` of an empty project, in the same
# run, and prints the ratio (goal: ≤ 1.5). Both go through the same dotnet CLI, restore step and MSBuild start-up.
# For the breakdown it also times a copy of the sample that imports the packaged SDK's Sdk.props/Sdk.targets by path:
# the difference is what resolving `Sdk="CcImage.Sdk"` costs (MSBuild asks the dotnet SDK's resolvers in turn: the
# workload resolver, which reads every installed workload manifest, then the NuGet resolver), the rest is our
# evaluation and targets.
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
runs=${RUNS:-10}
hyperfine --warmup 2 --runs "$runs" --export-json "$out/result.json" \
  -n empty "dotnet build $out/empty/empty.proj -nologo -v:q" \
  -n minimal-noop "dotnet build $sample -nologo -v:q" \
  -n minimal-noop-sdk-by-path "dotnet build $out/by-path/minimal.ccproj -nologo -v:q" >&2
python3 - "$out/result.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
e, m, p = r["empty"]["mean"], r["minimal-noop"]["mean"], r["minimal-noop-sdk-by-path"]["mean"]
print(f"empty project no-op build:   {e*1000:.0f} ms")
print(f"minimal sample no-op build:  {m*1000:.0f} ms")
print(f"  of which resolving the SDK: {(m-p)*1000:.0f} ms (the same sample importing the SDK by path: {p*1000:.0f} ms, {p/e:.2f} of empty)")
print(f"ratio minimal/empty: {m/e:.2f} (goal <= 1.5)")
PY
