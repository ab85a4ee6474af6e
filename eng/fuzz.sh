#!/usr/bin/env bash
# Fuzzes every reader of untrusted bytes (tests/CcImage.Fuzz; docs/fuzzing.md) for SECONDS each (default 60) and prints
# one line per target: `tried / clean error / crash / hang`. The seed corpus (artifacts/fuzz/corpus) is made by the test
# FuzzSeedCorpusTests when it is missing; crashes and hangs are saved in artifacts/fuzz/findings/<target>/.
# Exit status 1 when any target crashed or hung.
#   eng/fuzz.sh [SECONDS] [TARGET...]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-60}
shift || true
corpus="$root/artifacts/fuzz/corpus"
findings="$root/artifacts/fuzz/findings"

dotnet build tests/CcImage.Fuzz -c Release --nologo -v:q >/dev/null || { echo "fuzz: build failed" >&2; exit 1; }
harness="$root/tests/CcImage.Fuzz/bin/Release/net10.0/CcImage.Fuzz.dll"
if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus" 2>/dev/null)" ]; then
  echo "fuzz: making the seed corpus (FuzzSeedCorpusTests)" >&2
  dotnet test tests/CcImage.Tests -c Release --nologo -v:q --filter "FullyQualifiedName~FuzzSeedCorpusTests" >/dev/null \
    || { echo "fuzz: the seed corpus test failed" >&2; exit 1; }
fi

targets=("$@")
[ ${#targets[@]} -eq 0 ] && mapfile -t targets < <(dotnet "$harness" list | awk '{print $1}')
status=0
for t in "${targets[@]}"; do
  dotnet "$harness" run "$t" "$seconds" --corpus "$corpus" --findings "$findings" --seed "${FUZZ_SEED:-1}"
  rc=$?
  if [ $rc -ne 0 ]; then
    status=1
    [ $rc -ne 3 ] && echo "$t: the harness failed (exit $rc)"
  fi
done
if [ $status -ne 0 ]; then
  echo "fuzz: crash or hang found; inputs are in $findings (replay: dotnet $harness replay TARGET FILE)"
fi
exit $status
