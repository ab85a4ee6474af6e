#!/usr/bin/env bash
# Benchmark: `ccimage aci layer-hash` (Release build) against integrity-vhd's `dmverity-vhd` on the same 1 GiB layer
# tar, same run: both must print the same root hash; prints the best time of each and the ratio (goal <= 0.5).
#
# The reference is not in this repository and is never committed: build the `dmverity-vhd` command of
# microsoft/integrity-vhd yourself (its README describes the Go build; tag v1.6 is the one `az confcom` 1.2.7 runs,
# v2.0 adds a `hashlayer` command) and point DMVERITY_VHD at the binary. With `hashlayer` it hashes the layer tar
# directly; without it, the layer is wrapped in a one-layer `docker save` archive and hashed with `roothash --tarball`.
#
# The layer holds files of mixed sizes (many small, some of several MiB, two of 100+ MiB) from /dev/urandom.
# The machine's cores are shared, so each tool runs REPS times (default 3), alternating, and the best time counts.
# Usage: DMVERITY_VHD=/path/to/dmverity-vhd bench/aci-policy/run.sh [SIZE_MIB [REPS]]   (default 1024 MiB, 3)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out="$repo/bench/out/aci-policy"
size_mib=${1:-1024}
reps=${2:-3}
ref=${DMVERITY_VHD:?set DMVERITY_VHD to a dmverity-vhd binary you built from microsoft/integrity-vhd}
mkdir -p "$out"
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: run eng/install-host-tools.sh" >&2; exit 1; }

dotnet build -c Release "$repo/src/CcImage.Cli" -nologo -v q >/dev/null
ccimage_dll="$repo/src/CcImage.Cli/bin/Release/net10.0/ccimage.dll"

layer="$out/layer.tar"
if [ ! -f "$layer.done-$size_mib" ]; then
  rm -rf "$out/tree" "$out"/layer.tar*
  mkdir -p "$out/tree"
  python3 - "$out/tree" "$size_mib" <<'PY'
import os, random, sys
root, total = sys.argv[1], int(sys.argv[2]) << 20
r = random.Random(1)
written, i = 0, 0
sizes = [150 << 20, 120 << 20]
while written < total:
    size = sizes.pop() if sizes else r.choice([0, 100, 4096, 20000, 300000, 4 << 20])
    size = min(size, total - written)
    d = os.path.join(root, "d%02d" % (i % 37), "s%d" % (i % 5))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%06d" % i), "wb") as f:
        f.write(os.urandom(size))
    written += size + 512
    i += 1
PY
  tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner -C "$out/tree" -cf "$layer" .
  rm -rf "$out/tree"
  touch "$layer.done-$size_mib"
fi

if "$ref" hashlayer --help >/dev/null 2>&1; then
  ref_cmd=("$ref" hashlayer -i "$layer")
else
  archive="$out/image.tar"
  if [ ! -f "$archive" ] || [ "$archive" -ot "$layer" ]; then
    python3 - "$layer" "$archive" <<'PY'
import hashlib, io, json, sys, tarfile
layer, archive = sys.argv[1], sys.argv[2]
h = hashlib.sha256()
with open(layer, "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
diff_id = "sha256:" + h.hexdigest()
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                     "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
config_name = hashlib.sha256(config).hexdigest() + ".json"
manifest = json.dumps([{"Config": config_name, "RepoTags": ["bench/layer:1"], "Layers": ["layer/layer.tar"]}]).encode()
with tarfile.open(archive, "w") as t:
    for name, data in ((config_name, config), ("manifest.json", manifest)):
        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
    t.add(layer, "layer/layer.tar")
PY
  fi
  ref_cmd=("$ref" --tarball "$archive" roothash -i bench/layer:1)
fi
cat "$layer" > /dev/null   # both tools read from the page cache

run() { # name, command...
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$out/$name.time" "$@" > "$out/$name.stdout" 2> "$out/$name.stderr"
  cat "$out/$name.time" >> "$out/$name.times"
}
rm -f "$out/dmverity-vhd.times" "$out/ccimage.times"
for ((i = 1; i <= reps; i++)); do
  run dmverity-vhd "${ref_cmd[@]}"
  run ccimage dotnet "$ccimage_dll" aci layer-hash "$layer"
done
root_r=$(grep -oE '[0-9a-f]{64}' "$out/dmverity-vhd.stdout" | head -1)
root_c=$(cat "$out/ccimage.stdout")
[ "$root_r" = "$root_c" ] || { echo "FAIL: root hashes differ ($root_r vs $root_c)" >&2; exit 1; }
echo "dmverity-vhd runs: $(awk '{printf "%s s %s KiB; ", $1, $2}' "$out/dmverity-vhd.times")"
echo "ccimage runs:      $(awk '{printf "%s s %s KiB; ", $1, $2}' "$out/ccimage.times")"
best() { sort -n "$1" | head -1 | cut -d' ' -f1; }
t_r=$(best "$out/dmverity-vhd.times"); t_c=$(best "$out/ccimage.times")
echo "layer: $(stat -c %s "$layer") bytes; root hash $root_c (identical)"
echo "dmverity-vhd: best ${t_r} s"
echo "ccimage:      best ${t_c} s"
awk -v c="$t_c" -v r="$t_r" 'BEGIN { ratio = c / r; printf "time ratio ccimage/dmverity-vhd: %.2f (goal <= 0.50)\n", ratio
  exit ratio <= 0.50 ? 0 : 2 }'
