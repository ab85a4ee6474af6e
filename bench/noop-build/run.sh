#!/usr/bin/env bash
# Times an up-to-date `dotnet build` of samples/minimal against a no-op `dotnet build` of an empty project, in the same
# run, and prints the ratio of their medians over interleaved rounds (goal: ≤ 1.5). Both go through the same dotnet CLI,
# restore step and MSBuild start-up.
# For the breakdown it also times
#   - a copy of the sample that imports the packaged SDK's Sdk.props/Sdk.targets by path: the difference is what
#     resolving `Sdk="CcImage.Sdk"` costs (MSBuild asks the dotnet SDK's resolvers in turn: the workload resolver, which
#     reads every installed workload manifest, then the NuGet resolver); the rest is our evaluation and targets;
#   - a project of an MSBuild SDK that does nothing (its Restore and Build targets are empty), packed here and resolved
#     by name through the same NuGet resolver from a local folder: the floor any NuGet-delivered MSBuild SDK starts
#     from on this machine (Microsoft.Build.NoTargets, Microsoft.Build.Traversal, ours);
#   - the sample built by an SDK that does the least an incremental image SDK can do when nothing changed (below).
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

# Two comparison SDKs, each a package in a local folder (python3's zipfile: a .nupkg is a zip with a .nuspec) resolved
# by name like ours: one does nothing; the other does the least an incremental image SDK must do on an up-to-date build
# of the same sample (its CcPartition items evaluated, their content folders globbed as the inputs of one target with
# Inputs/Outputs, which is skipped, and the `name -> output` line).
sdk_version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sdk"]["version"])' "$root/global.json")
comparison_sdk() {  # NAME TARGETS-XML PROJECT-XML [CONTENT-FOLDER]: builds the project once, prints its path
  local name=$1 targets=$2 project=$3 content=${4:-} id dir
  id=$(echo "$name" | tr '[:upper:]' '[:lower:]'); dir="$out/$id"
  mkdir -p "$dir/feed" "$dir/project"
  python3 - "$dir/feed/$id.1.0.0.nupkg" "$name" "$targets" <<'PY'
import sys, zipfile
path, name, targets = sys.argv[1:]
with zipfile.ZipFile(path, "w") as z:
    z.writestr(f"{name}.nuspec", f'<?xml version="1.0"?><package><metadata><id>{name}</id><version>1.0.0</version>'
               '<authors>bench</authors><description>A comparison SDK of bench/noop-build.</description>'
               '<packageTypes><packageType name="MSBuildSdk" /></packageTypes></metadata></package>')
    z.writestr("Sdk/Sdk.props", '<Project DefaultTargets="Build" />\n')
    z.writestr("Sdk/Sdk.targets", targets)
PY
  cat > "$dir/project/global.json" <<JSON
{ "sdk": { "version": "$sdk_version", "rollForward": "latestFeature" }, "msbuild-sdks": { "$name": "1.0.0" } }
JSON
  printf '<configuration>\n  <packageSources><clear /><add key="bench" value="../feed" /></packageSources>\n</configuration>\n' \
    > "$dir/project/NuGet.config"
  echo "$project" > "$dir/project/project.proj"
  [ -z "$content" ] || cp -r "$content" "$dir/project/"
  rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/$id"
  dotnet build "$dir/project/project.proj" -nologo -v:q >/dev/null   # restores the SDK, builds once
  echo "$dir/project/project.proj"
}
empty_sdk=$(comparison_sdk CcImage.Bench.EmptySdk \
  '<Project><Target Name="Restore" /><Target Name="Build" /></Project>' '<Project Sdk="CcImage.Bench.EmptySdk" />')
least_sdk=$(comparison_sdk CcImage.Bench.LeastSdk '<Project>
  <Target Name="Restore" />
  <Target Name="_Inputs"><ItemGroup><_In Include="%(CcPartition.Content)/**" Condition="'"'%(CcPartition.Content)' != ''"'" /></ItemGroup></Target>
  <Target Name="Build" DependsOnTargets="_Inputs" Inputs="$(MSBuildProjectFullPath);@(_In)" Outputs="obj/image.stamp">
    <MakeDir Directories="obj" />
    <Touch Files="obj/image.stamp" AlwaysCreate="true" />
  </Target>
  <Target Name="_Report" AfterTargets="Build"><Message Importance="high" Text="$(MSBuildProjectName) -> obj/image.stamp" /></Target>
</Project>' "$(sed 's#Sdk="CcImage.Sdk"#Sdk="CcImage.Bench.LeastSdk"#' "$sample")" "$root/samples/minimal/config")
runs=${RUNS:-20}
# Interleaved rounds, medians (bench/interleave.py says why): run after run, this VM drifts more than the gap measured.
python3 "$root/bench/interleave.py" --runs "$runs" --warmup 2 --json "$out/result.json" \
  "empty=dotnet build $out/empty/empty.proj -nologo -v:q" \
  "minimal-noop=dotnet build $sample -nologo -v:q" \
  "minimal-noop-sdk-by-path=dotnet build $out/by-path/minimal.ccproj -nologo -v:q" \
  "empty-sdk-by-name=dotnet build $empty_sdk -nologo -v:q" \
  "least-sdk-by-name=dotnet build $least_sdk -nologo -v:q"
python3 - "$out/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
e, m, p, f, l = (r[n]["median"] for n in ("empty", "minimal-noop", "minimal-noop-sdk-by-path", "empty-sdk-by-name",
                                           "least-sdk-by-name"))
print(f"empty project no-op build:   {e*1000:.0f} ms (median)")
print(f"minimal sample no-op build:  {m*1000:.0f} ms")
print(f"  of which resolving the SDK: {(m-p)*1000:.0f} ms (the same sample importing the SDK by path: {p*1000:.0f} ms, {p/e:.2f} of empty)")
print(f"an MSBuild SDK that does nothing, resolved by name: {f*1000:.0f} ms, {f/e:.2f} of empty "
      f"(CcImage.Sdk's own evaluation and targets on top of it: {(m-f)*1000:.0f} ms)")
print(f"the least an incremental SDK does on the same sample, resolved by name: {l*1000:.0f} ms, {l/e:.2f} of empty")
print(f"minimal sample against them: {m/f:.2f} of the do-nothing SDK, {m/l:.2f} of the least incremental SDK")
print(f"ratio minimal/empty: {m/e:.2f} of medians, {r['minimal-noop']['mean']/r['empty']['mean']:.2f} of means (goal <= 1.5)")
PY
