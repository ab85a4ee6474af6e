#!/usr/bin/env bash
# Benchmark: `ccimage qcow2 convert` against `qemu-img convert -O qcow2` on the same sparse raw disk.
# Input (bench/out/qcow2-convert/input.raw, kept out of git): 10 GiB sparse file holding 1 GiB of pseudo-random data
# in 256 runs of 4 MiB at pseudo-random 4 KiB-aligned offsets (fixed seed, so every run builds the same file).
# Method: the input is read once to warm the page cache. In each of ROUNDS (default 3) rounds each tool converts
# twice in a row and the second conversion is timed (a run is affected by what the previous one left behind);
# rounds alternate which tool goes first, and `sync` runs before every conversion so neither tool pays for writing
# back the other's output. Reported: median wall time, median CPU time (user+sys, less sensitive to other load on
# the machine) and largest peak RSS of each. Both outputs are verified with `qemu-img compare`, ours also with
# `qemu-img check`.
# Goal: time ratio ccimage/qemu-img <= 1.0 and ccimage peak RSS < 200 MiB.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/bench/out/qcow2-convert"
mkdir -p "$out"
input="$out/input.raw"
size=$((10 * 1024 * 1024 * 1024))
runs=256
run_bytes=$((4 * 1024 * 1024))
slot=$((size / runs))

command -v qemu-img >/dev/null || { echo "qemu-img missing: run bench/install-tools.sh" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: run bench/install-tools.sh" >&2; exit 1; }

echo "building ccimage (Release)..." >&2
dotnet build -c Release "$repo/src/CcImage.Cli" -v q -nologo >/dev/null
ccimage="$repo/src/CcImage.Cli/bin/Release/net10.0/ccimage.dll"

if [ ! -f "$input" ] || [ "$(stat -c %s "$input")" -ne "$size" ] || [ ! -f "$input.done" ]; then
  echo "creating $input ..." >&2
  rm -f "$input" "$input.done"
  truncate -s "$size" "$input"
  seed=20261123
  # A fixed-key AES-CTR stream is the deterministic "random" data; a 32-bit LCG picks the offsets.
  # (the stream ends by SIGPIPE once the last run is written, hence the `|| true`)
  (openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv 0 -in /dev/zero 2>/dev/null || true) | {
    for ((i = 0; i < runs; i++)); do
      seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
      within=$(( (seed % ((slot - run_bytes) / 4096)) * 4096 ))
      dd of="$input" bs=$run_bytes count=1 iflag=fullblock oflag=seek_bytes seek=$((i * slot + within)) \
         conv=notrunc status=none
    done
  }
  touch "$input.done"
fi
cat "$input" >/dev/null # warm the page cache (holes cost nothing)

measure() { # name, output, command... → prints "wall-seconds kib cpu-seconds"
  local name="$1" output="$2"; shift 2
  rm -f "$output"
  sync # write back earlier outputs so neither tool pays for the other's dirty pages
  /usr/bin/time -f '%e %M %U %S' -o "$out/$name.time" "$@"
  awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$out/$name.time"
}

ours="$out/ccimage.qcow2"
theirs="$out/qemu-img.qcow2"
rounds=${ROUNDS:-3}
# Each timed conversion directly follows an untimed conversion by the same tool (what the previous run left in
# the page cache and the allocator affects the next one); rounds alternate which tool goes first.
pair() { # name, output, command...: untimed run, then timed run appended to $out/<name>.all
  local name="$1" output="$2"; shift 2
  measure "$name" "$output" "$@" >/dev/null
  measure "$name" "$output" "$@" >>"$out/$name.all"
}
: >"$out/ccimage.all"; : >"$out/qemu.all"
for ((r = 0; r < rounds; r++)); do
  if ((r % 2 == 0)); then
    pair ccimage "$ours" dotnet "$ccimage" qcow2 convert "$input" "$ours"
    pair qemu "$theirs" qemu-img convert -O qcow2 "$input" "$theirs"
  else
    pair qemu "$theirs" qemu-img convert -O qcow2 "$input" "$theirs"
    pair ccimage "$ours" dotnet "$ccimage" qcow2 convert "$input" "$ours"
  fi
done
# median wall time, largest peak RSS, median CPU time (user + sys)
median() {
  local wall cpu kib
  wall=$(sort -n -k1,1 "$1" | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }')
  cpu=$(sort -n -k3,3 "$1" | awk '{ t[NR] = $3 } END { print t[int((NR + 1) / 2)] }')
  kib=$(awk '$2 > m { m = $2 } END { print m }' "$1")
  echo "$wall $kib $cpu"
}
read -r our_s our_kib our_cpu < <(median "$out/ccimage.all")
read -r qemu_s qemu_kib qemu_cpu < <(median "$out/qemu.all")
echo "ccimage runs (wall-s KiB cpu-s): $(tr '\n' ';' <"$out/ccimage.all")" >&2
echo "qemu-img runs (wall-s KiB cpu-s): $(tr '\n' ';' <"$out/qemu.all")" >&2

qemu-img compare -q "$input" "$ours" || { echo "FAIL: ccimage output differs from the input" >&2; exit 1; }
qemu-img compare -q "$input" "$theirs" || { echo "FAIL: qemu-img output differs from the input" >&2; exit 1; }
qemu-img check -q "$ours" || { echo "FAIL: qemu-img check found problems in the ccimage output" >&2; exit 1; }

printf 'input:    %s (10 GiB virtual, 1 GiB data in %d runs)\n' "$input" "$runs"
printf 'ccimage:  %6.2f s wall, %5.2f s cpu (medians)  peak RSS %4d MiB  output %d bytes\n' "$our_s" "$our_cpu" $((our_kib / 1024)) "$(stat -c %s "$ours")"
printf 'qemu-img: %6.2f s wall, %5.2f s cpu (medians)  peak RSS %4d MiB  output %d bytes\n' "$qemu_s" "$qemu_cpu" $((qemu_kib / 1024)) "$(stat -c %s "$theirs")"
ratio=$(awk -v a="$our_s" -v b="$qemu_s" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
cpu_ratio=$(awk -v a="$our_cpu" -v b="$qemu_cpu" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
printf 'ratio ccimage/qemu-img: %s wall (goal <= 1.0), %s cpu; ccimage peak RSS goal < 200 MiB\n' "$ratio" "$cpu_ratio"
