#!/usr/bin/env bash
# Stage 1 end to end, timed in one run on the same machine: a clean `dotnet build` of samples/base with an empty stage
# cache (goal ≤ 150 s), beside mmdebstrap alone building the same package set (the floor); a build of a fresh copy
# given the first build's cache (goal ≤ 35% of the clean build); a rebuild after editing the config partition's file
# (goal ≤ 25%); and the QEMU (TCG) boot of the image to `ccimage: system ready` (goal ≤ 60 s). Prints each figure and
# the ratios. Every build is the user's command line: `dotnet build` of a copy of the sample.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/bench/out/base-build"
rm -rf "$out"; mkdir -p "$out"
"$root/bench/install-tools.sh"
"$root/eng/install-host-tools.sh" >/dev/null
"$root/eng/pack-sdk.sh" --sdk-only

copy() { # copy NAME: the sample's project and files, never its outputs
  mkdir -p "$out/$1"
  cp "$root/samples/base/base.ccproj" "$out/$1/"
  cp -r "$root/samples/base/config" "$out/$1/"
}
seconds() { python3 -c "import sys;print(f'{float(sys.argv[1]):.1f}')" "$1"; }
now() { date +%s.%N; }

# 1. mmdebstrap alone: the same packages (the SDK's base set), the same suite, the machine's mirror, into memory.
packages=$(sed -n 's:.*<CcPackage Include="\([^"]*\)".*:\1:p' "$root/sdk/CcImage.Sdk/build/CcImage.Common.targets" | head -n1 | tr ';' ',')
mirror=$(python3 - <<'PY'
import glob, re
for f in sorted(glob.glob('/etc/apt/sources.list.d/*.sources')) + ['/etc/apt/sources.list']:
    try: text = open(f).read()
    except OSError: continue
    for para in text.split('\n\n'):
        if re.search(r'^Suites:.*\b(bookworm)\b', para, re.M) and 'security' not in para:
            m = re.search(r'^URIs:\s*(\S+)', para, re.M)
            if m: print(m.group(1)); raise SystemExit
    for line in text.splitlines():
        if line.startswith('deb ') and 'security' not in line:
            print(line.split()[1] if not line.split()[1].startswith('[') else line.split(']')[1].split()[0]); raise SystemExit
PY
)
t0=$(now)
# INITRD=No: the kernel's hooks skip the distribution initramfs, as the SDK's build does.
INITRD=No SOURCE_DATE_EPOCH=0 mmdebstrap --quiet --mode=unshare --variant=minbase --include="$packages" \
  --aptopt='Acquire::Languages "none"' \
  bookworm "$out/mmdebstrap.tar" "$mirror" >/dev/null 2>&1 || true
t_mm=$(python3 -c "print($(now)-$t0)")

# 2. A clean build with an empty cache.
copy clean
t0=$(now)
dotnet build "$out/clean/base.ccproj" -nologo -v:q -p:CcCacheDirectory="$out/cache" >/dev/null
t_clean=$(python3 -c "print($(now)-$t0)")

# 3. A fresh copy given that cache (a CI job that restored it).
copy cached
t0=$(now)
dotnet build "$out/cached/base.ccproj" -nologo -v:q -p:CcCacheDirectory="$out/cache" >/dev/null
t_cached=$(python3 -c "print($(now)-$t0)")
for f in nvcc_image.qcow2 initrd.img manifest.json expected-measurement.json; do
  cmp -s "$out/clean/bin/Debug/$f" "$out/cached/bin/Debug/$f" || { echo "$f differs between the clean and the cached build" >&2; exit 1; }
done

# 4. One file of the config partition edited.
echo "edited=$(date +%s)" >> "$out/cached/config/site.conf"
t0=$(now)
dotnet build "$out/cached/base.ccproj" -nologo -v:q -p:CcCacheDirectory="$out/cache" >/dev/null
t_edit=$(python3 -c "print($(now)-$t0)")

# 5. The boot, to the root filesystem's ready line.
bin="$out/clean/bin/Debug"
cmdline=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['cmdline'])" "$bin/expected-measurement.json")
t0=$(now)
timeout 300 qemu-system-x86_64 -machine q35 -m 1G -smp 2 -nographic -no-reboot -snapshot -nic none \
  -kernel "$bin/vmlinuz" -initrd "$bin/initrd.img" -append "$cmdline" \
  -drive file="$bin/nvcc_image.qcow2",if=virtio,format=qcow2 -device virtio-rng-pci > "$out/console.log" 2>&1 &
qemu=$!
until grep -aq 'ccimage: system ready\|ccimage: boot stopped' "$out/console.log" 2>/dev/null; do
  kill -0 $qemu 2>/dev/null || break; sleep 0.5
done
t_boot=$(python3 -c "print($(now)-$t0)")
kill $qemu 2>/dev/null || true; wait $qemu 2>/dev/null || true
grep -aq 'ccimage: system ready' "$out/console.log" || { echo "the image did not boot; see $out/console.log" >&2; exit 1; }

echo "mmdebstrap alone (same package set):  $(seconds "$t_mm") s"
echo "clean build of samples/base:          $(seconds "$t_clean") s (goal <= 150 s)"
echo "fresh copy with the restored cache:   $(seconds "$t_cached") s, ratio $(python3 -c "print(f'{$t_cached/$t_clean:.2f}')") of clean (goal <= 0.35)"
echo "config file edited, rebuild:          $(seconds "$t_edit") s, ratio $(python3 -c "print(f'{$t_edit/$t_clean:.2f}')") of clean (goal <= 0.25)"
echo "QEMU TCG boot to system ready:        $(seconds "$t_boot") s (goal <= 60 s)"
