#!/usr/bin/env bash
# Runs the whole test suite from a fresh machine: installs the host tools the tests cross-check against, builds, runs
# every MSTest test, then a short fuzzing pass over every reader of untrusted bytes (eng/fuzz.sh, 12 s per target, about 2 minutes,
# under 3 minutes in all; a crash or hang counts as a failed test), and ends with the line `N passed, N failed`. Exit status is
# non-zero when a test failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/eng/install-host-tools.sh" || exit 1
results="$root/artifacts/test-results"
rm -rf "$results"
dotnet test CcImage.Sdk.sln -c Release --nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$results"
status=$?
trx=$(find "$results" -name '*.trx' 2>/dev/null | head -n1)
if [ -n "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  failed=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  total=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  executed=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  # Tests that did not run (aborted host, timeouts) count as failed.
  notrun=$(( ${total:-0} - ${executed:-0} ))
  [ "$notrun" -gt 0 ] && failed=$(( ${failed:-0} + notrun ))
else
  passed=0; failed=1
fi
[ "$status" -ne 0 ] && [ "${failed:-0}" -eq 0 ] && failed=1
# The seed corpus was just made by FuzzSeedCorpusTests in the run above.
if "$root/eng/fuzz.sh" "${CCIMAGE_FUZZ_SECONDS:-12}"; then
  passed=$(( ${passed:-0} + 1 ))
else
  failed=$(( ${failed:-0} + 1 ))
  status=1
fi
echo "${passed:-0} passed, ${failed:-0} failed"
[ "$status" -eq 0 ] && [ "${failed:-0}" -eq 0 ]
