#!/usr/bin/env bash
# Issue 12's acceptance mutation run (tests/CcImage.Fuzz MutationRun; docs/fuzzing.md): COUNT qcow2 images of several
# shapes (cluster sizes 512 B-64 KiB, compressed, compat 0.10, lazy refcounts; a GPT disk inside) made by qemu-img,
# mutated in their metadata (one in five left intact), each given to the real ccimage as `qcow2 info`, `qcow2 convert`,
# `qcow2 resize` and `qcow2 resize --grow-gpt`. Prints the counts per command; exit 1 on a stack trace, a hang, a failed
# resize that changed the image, or a successful resize of a clean image that qemu-img check calls unclean.
#   eng/mutation-run.sh [COUNT] [SEED]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
count=${1:-300}
seed=${2:-1}
"$root/eng/install-host-tools.sh" || exit 1
dotnet build src/CcImage.Cli -c Release --nologo -v:q >/dev/null || { echo "mutation-run: ccimage build failed" >&2; exit 1; }
dotnet build tests/CcImage.Fuzz -c Release --nologo -v:q >/dev/null || { echo "mutation-run: harness build failed" >&2; exit 1; }
dotnet tests/CcImage.Fuzz/bin/Release/net10.0/CcImage.Fuzz.dll mutation-run --count "$count" --seed "$seed" \
  --ccimage "$root/src/CcImage.Cli/bin/Release/net10.0/ccimage.dll" --jobs "${JOBS:-2}"
