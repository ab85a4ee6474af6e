#!/usr/bin/env bash
# bench/measure: whole-process time and peak memory of `ccimage measure` against virtee/sev-snp-measure 0.0.13 on the
# same inputs in the same run: a 4 MiB firmware (OVMF.amdsev.fd from Debian's ovmf-amdsev), an ~8 MiB kernel (a
# Debian vmlinuz when the test cache has one, else 8 MiB of fixed pseudo-random bytes) and a 30 MiB initrd.
#
# ccimage is measured as users get it and, for comparison, run through the JIT:
#   tool - the dotnet tool as installed: `eng/pack-sdk.sh` packs it into artifacts/feed, then
#          `dotnet tool install --tool-path T ccimage --add-source artifacts/feed` installs the linux-x64 NativeAOT
#          executable, timed as `T/ccimage measure`. This is the figure of the goal (<= 0.3x the reference);
#   dll  - `dotnet build -c Release src/CcImage.Cli`, run as `dotnet ccimage.dll` (JIT): the .NET runtime's own
#          start-up is most of its time.
# The reference is not part of the repository: set SEV_SNP_MEASURE to its sev-snp-measure.py (tag v0.0.13); it runs
# with /usr/bin/python3 and the standard library only.
# Usage: bench/measure/run.sh   (env: SEV_SNP_MEASURE, RUNS=20, VCPUS=4)
# Needs: time, python3, clang (bench/install-tools.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/bench/out/measure"
ref=${SEV_SNP_MEASURE:-/tmp/snpref/sev-snp-measure.py}
runs=${RUNS:-20}
vcpus=${VCPUS:-4}
mkdir -p "$out/inputs"
[ -f "$ref" ] || { echo "reference not found: set SEV_SNP_MEASURE to sev-snp-measure.py of virtee/sev-snp-measure v0.0.13" >&2; exit 1; }

# --- inputs -------------------------------------------------------------------------------------------------------
cache="$repo/artifacts/test-cache/debian/packages"
ovmf=$(ls "$cache"/ovmf-amdsev_*/usr/share/ovmf/OVMF.amdsev.fd 2>/dev/null | tail -1 || true)
if [ -z "$ovmf" ]; then
  # Same private apt configuration as CcImage's DebianPackageFetcher: the machine's Debian mirror, suite sid.
  apt="$out/apt"; mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts"; : > "$apt/status"
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1=="deb" && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri sid main" > "$apt/sources.list"
  o=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/parts" -o "Dir::State::Lists=$apt/lists"
     -o "Dir::State::status=$apt/status" -o "Dir::Cache=$apt/cache" -o Acquire::Languages=none -o APT::Sandbox::User=root -q)
  apt-get "${o[@]}" update >/dev/null
  (cd "$out" && rm -f ovmf-amdsev_*.deb && apt-get "${o[@]}" download ovmf-amdsev >/dev/null && dpkg-deb -x ovmf-amdsev_*.deb "$out/pkg")
  ovmf="$out/pkg/usr/share/ovmf/OVMF.amdsev.fd"
fi
kernel=$(ls "$cache"/linux-image-*/boot/vmlinuz-* 2>/dev/null | tail -1 || true)
if [ -z "$kernel" ]; then
  kernel="$out/inputs/vmlinuz"
  [ -f "$kernel" ] || /usr/bin/python3 -c "import random,sys; sys.stdout.buffer.write(random.Random(8).randbytes(8*1024*1024))" > "$kernel"
fi
initrd="$out/inputs/initrd.img"
[ -f "$initrd" ] || /usr/bin/python3 -c "import random,sys; sys.stdout.buffer.write(random.Random(30).randbytes(30*1024*1024))" > "$initrd"

# --- builds -------------------------------------------------------------------------------------------------------
dotnet build -c Release "$repo/src/CcImage.Cli" -v:q -nologo >/dev/null
dll="$repo/src/CcImage.Cli/bin/Release/net10.0/ccimage.dll"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -n1)
[ -f "$repo/artifacts/feed/ccimage.linux-x64.$version.nupkg" ] && [ -z "${REPACK:-}" ] || "$repo/eng/pack-sdk.sh" >&2
rm -rf "$out/tool"
NUGET_PACKAGES="$out/tool-packages" dotnet tool install --tool-path "$out/tool" ccimage --version "$version" \
  --add-source "$repo/artifacts/feed" >/dev/null
tool="$out/tool/ccimage"
file -L "$tool" | grep -q 'ELF 64-bit' || { echo "the installed ccimage is not a native executable" >&2; exit 1; }

args=(--mode snp --vcpus "$vcpus" --vcpu-type EPYC-v4 --ovmf "$ovmf" --kernel "$kernel" --initrd "$initrd"
      --append "console=ttyS0 root=/dev/vda1 ro")
q() { printf '%q ' "$@"; }
echo "inputs: $(stat -c '%n %s' "$ovmf" "$kernel" "$initrd" | tr '\n' ';')"

# Same answer first: a benchmark of different results means nothing.
a=$(/usr/bin/python3 "$ref" "${args[@]}"); b=$(dotnet "$dll" measure "${args[@]}"); c=$("$tool" measure "${args[@]}")
[ "$a" = "$b" ] && [ "$a" = "$c" ] || { echo "MISMATCH: reference $a, dll $b, tool $c" >&2; exit 1; }
echo "measurement: $a (all three agree)"

# Interleaved rounds, medians (bench/interleave.py says why); the reference runs under /usr/bin/python3 as users run it.
python3 "$repo/bench/interleave.py" --runs "$runs" --warmup 3 --json "$out/times.json" \
  "reference=/usr/bin/python3 $(q "$ref" "${args[@]}")" \
  "ccimage-tool=$(q "$tool" measure "${args[@]}")" \
  "ccimage-dll=dotnet $(q "$dll" measure "${args[@]}")"

# Peak memory: one run each under GNU time.
for name in reference tool dll; do
  case $name in
    reference) cmd=(/usr/bin/python3 "$ref") ;;
    tool) cmd=("$tool" measure) ;;
    dll) cmd=(dotnet "$dll" measure) ;;
  esac
  /usr/bin/time -f '%e %M' -o "$out/time-$name.txt" "${cmd[@]}" "${args[@]}" >/dev/null
done

/usr/bin/python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
res = json.load(open(f"{out}/times.json"))
mem = {n: open(f"{out}/time-{n}.txt").read().split() for n in ("reference", "tool", "dll")}
ref = res["reference"]
print(f"{'command':<13} {'median ms':>9} {'mean ms':>8} {'user ms':>8} {'sys ms':>7} {'peak MiB':>9} {'ratio':>6}")
for name, key in (("reference", "reference"), ("ccimage-tool", "tool"), ("ccimage-dll", "dll")):
    r = res[name]
    print(f"{name:<13} {r['median']*1000:9.1f} {r['mean']*1000:8.1f} {r['user']*1000:8.1f} {r['system']*1000:7.1f} "
          f"{int(mem[key][1])/1024:9.1f} {r['median']/ref['median']:6.2f}")
tool = res["ccimage-tool"]
print(f"ratio installed ccimage tool / reference = {tool['median']/ref['median']:.2f} of medians, "
      f"{tool['mean']/ref['mean']:.2f} of means (goal <= 0.30); dll (JIT) {res['ccimage-dll']['median']/ref['median']:.2f}")
PY
