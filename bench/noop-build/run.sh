#!/usr/bin/env bash
# Times an up-to-date `dotnet build` of samples/minimal against a no-op `dotnet build` of an empty project, in the same
# run, and prints the ratio (goal: ≤ 1.5). Both go through the same dotnet CLI, restore step and MSBuild start-up.
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
dotnet build "$sample" -nologo -v:q >/dev/null          # first build does the image work
dotnet build "$out/empty/empty.proj" -nologo -v:q >/dev/null
runs=${RUNS:-10}
hyperfine --warmup 2 --runs "$runs" --export-json "$out/result.json" \
  -n empty "dotnet build $out/empty/empty.proj -nologo -v:q" \
  -n minimal-noop "dotnet build $sample -nologo -v:q" >&2
python3 - "$out/result.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
e, m = r["empty"]["mean"], r["minimal-noop"]["mean"]
print(f"empty project no-op build:   {e*1000:.0f} ms")
print(f"minimal sample no-op build:  {m*1000:.0f} ms")
print(f"ratio minimal/empty: {m/e:.2f} (goal <= 1.5)")
PY
