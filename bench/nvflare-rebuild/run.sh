#!/usr/bin/env bash
# Stages 2 and 3 rebuilt after a site edit, timed in one run: a clean `dotnet build` of samples/nvflare-client with an
# empty stage cache, against a rebuild after a new line in requirements.txt (goal: HardenImage and MeasureSnp only, in
# <= 30% of the clean build) and after a new CcNvflareVersion (stages 2 and 3, never the base root filesystem).
# NVFlare comes from a wheelhouse of fixture wheels made here (PyPI is not reachable from our machines): an `nvflare`
# wheel of each version used and a small application package, `ccimage-fixture-app`, that the edit asks for.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/bench/out/nvflare-rebuild"
rm -rf "$out"; mkdir -p "$out/fixture-wheelhouse"
"$root/bench/install-tools.sh"
"$root/eng/install-host-tools.sh" >/dev/null
"$root/eng/pack-sdk.sh" --sdk-only

# Fixture wheels: a wheel is a zip of the package and its dist-info (METADATA, WHEEL, RECORD with each file's hash).
python3 - "$out/fixture-wheelhouse" <<'PY'
import base64, hashlib, sys, zipfile
def wheel(folder, dist, version, package, body):
    info = f"{dist.replace('-', '_')}-{version}.dist-info"  # the dist-info folder carries the normalised name (PEP 427)
    files = {f"{package}/__init__.py": body.encode(),
             f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n".encode(),
             f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: ccimage-bench-fixture\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = [f"{n},sha256={base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()},{len(d)}" for n, d in files.items()]
    files[f"{info}/RECORD"] = ("\n".join(record + [f"{info}/RECORD,,"]) + "\n").encode()
    with zipfile.ZipFile(f"{folder}/{dist.replace('-', '_')}-{version}-py3-none-any.whl", "w") as z:
        for name, data in sorted(files.items()):
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
for v in ("2.7.0", "2.7.1"):
    wheel(sys.argv[1], "nvflare", v, "nvflare", f'__version__ = "{v}"\n')
wheel(sys.argv[1], "ccimage-fixture-app", "1.0", "ccimage_fixture_app", 'VALUE = "1.0"\n')
PY

mkdir -p "$out/site"
cp -r "$root/samples/nvflare-client/." "$out/site/"
rm -rf "$out/site/bin" "$out/site/obj" "$out/site/ccimage.lock.json"
build() { # build LOG [extra properties]: the user's command line with the fixture wheelhouse and no index
  local log=$1; shift
  dotnet build "$out/site/nvflare-client.ccproj" -nologo -v:n -p:CcCacheDirectory="$out/cache" \
    -p:CcPipFindLinks="$out/fixture-wheelhouse" -p:CcPipIndexUrl= "$@" > "$out/$log" 2>&1 \
    || { echo "build failed: see $out/$log" >&2; exit 1; }
}
seconds() { python3 -c "import sys;print(f'{float(sys.argv[1]):.1f}')" "$1"; }
now() { date +%s.%N; }
ran() { # ran LOG: the chain's targets that ran (not skipped) in that build
  for t in BuildBaseImage InstallNvflare ResizeQcow2 HardenImage MeasureSnp; do
    grep -q "Skipping target \"$t\"" "$out/$1" || printf '%s ' "$t"
  done
}

t0=$(now); build clean.log; t_clean=$(python3 -c "print($(now)-$t0)")
build noop.log

echo "ccimage-fixture-app==1.0" >> "$out/site/requirements.txt"
t0=$(now); build requirements.log; t_req=$(python3 -c "print($(now)-$t0)")

t0=$(now); build version.log -p:CcNvflareVersion=2.7.1; t_ver=$(python3 -c "print($(now)-$t0)")

echo "clean build of samples/nvflare-client:  $(seconds "$t_clean") s"
echo "no-op rebuild ran:                      $(ran noop.log)"
echo "requirements.txt edited, rebuild:       $(seconds "$t_req") s, ratio $(python3 -c "print(f'{$t_req/$t_clean:.2f}')") of clean (goal <= 0.30); ran: $(ran requirements.log)"
echo "CcNvflareVersion changed, rebuild:      $(seconds "$t_ver") s, ratio $(python3 -c "print(f'{$t_ver/$t_clean:.2f}')") of clean; ran: $(ran version.log)"
grep -q "Building the root filesystem" "$out/version.log" && { echo "the version change rebuilt the base root filesystem" >&2; exit 1; }
exit 0
