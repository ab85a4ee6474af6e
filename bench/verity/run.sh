#!/usr/bin/env bash
# Benchmark: `ccimage verity format` (Release build) against `veritysetup format` on 1 GiB of random data, same salt and
# UUID, same run. Checks the hash files are byte-identical and prints the time ratio and both peak memories.
# The machine's cores are shared, so each tool runs REPS times (default 3), alternating, and the best time of each counts.
# Usage: bench/verity/run.sh [SIZE_MIB [REPS]]   (default 1024 MiB, 3). Inputs and outputs stay under bench/out/verity.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out="$repo/bench/out/verity"
size_mib=${1:-1024}
reps=${2:-3}
salt=5ab0c0ffee5ab0c0ffee5ab0c0ffee5ab0c0ffee5ab0c0ffee5ab0c0ffee0001
uuid=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
mkdir -p "$out"

command -v veritysetup >/dev/null || { echo "veritysetup missing: run bench/install-tools.sh" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: run bench/install-tools.sh" >&2; exit 1; }

dotnet build -c Release "$repo/src/CcImage.Cli" -nologo -v q >/dev/null
ccimage_dll="$repo/src/CcImage.Cli/bin/Release/net10.0/ccimage.dll"

data="$out/data.img"
if [ ! -f "$data" ] || [ "$(stat -c %s "$data")" -ne $((size_mib * 1048576)) ]; then
  head -c $((size_mib * 1048576)) /dev/urandom > "$data"
fi
cat "$data" > /dev/null   # both tools read from the page cache

run() { # name, command...
  local name=$1; shift
  rm -f "$out/$name.hash"
  /usr/bin/time -f '%e %M' -o "$out/$name.time" "$@" > "$out/$name.stdout"
  cat "$out/$name.time" >> "$out/$name.times"
}
rm -f "$out/veritysetup.times" "$out/ccimage.times"
for ((i = 1; i <= reps; i++)); do
  run veritysetup veritysetup format "$data" "$out/veritysetup.hash" --salt "$salt" --uuid "$uuid"
  run ccimage dotnet "$ccimage_dll" verity format "$data" "$out/ccimage.hash" --salt "$salt" --uuid "$uuid"
  cmp "$out/veritysetup.hash" "$out/ccimage.hash" || { echo "FAIL: hash files differ" >&2; exit 1; }
done
root_v=$(awk '/^Root hash:/{print $3}' "$out/veritysetup.stdout")
root_c=$(awk '/^Root hash:/{print $3}' "$out/ccimage.stdout")
[ "$root_v" = "$root_c" ] || { echo "FAIL: root hashes differ ($root_v vs $root_c)" >&2; exit 1; }
echo "veritysetup runs: $(awk '{printf "%s s %s KiB; ", $1, $2}' "$out/veritysetup.times")"
echo "ccimage runs:     $(awk '{printf "%s s %s KiB; ", $1, $2}' "$out/ccimage.times")"
best() { sort -n "$1" | head -1; }
peak() { sort -k2 -n "$1" | tail -1 | cut -d' ' -f2; }
t_v=$(best "$out/veritysetup.times" | cut -d' ' -f1); m_v=$(peak "$out/veritysetup.times")
t_c=$(best "$out/ccimage.times" | cut -d' ' -f1); m_c=$(peak "$out/ccimage.times")
echo "data: ${size_mib} MiB, sha256, 4096-byte blocks; hash files identical; root hash $root_c"
echo "veritysetup: best ${t_v} s, peak ${m_v} KiB"
echo "ccimage:     best ${t_c} s, peak ${m_c} KiB"
awk -v c="$t_c" -v v="$t_v" -v m="$m_c" 'BEGIN {
  ratio = c / v; printf "time ratio ccimage/veritysetup: %.2f (goal <= 0.60)\n", ratio
  printf "ccimage peak memory: %.1f MiB (goal <= 100 MiB)\n", m / 1024
  exit (ratio <= 0.60 && m / 1024 <= 100) ? 0 : 2 }'
