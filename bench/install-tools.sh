#!/usr/bin/env bash
# Installs what the benchmarks need besides a build (as root, with apt-get): GNU time for peak memory, openssl
# for deterministic pseudo-random inputs, python3 for the reference sev-snp-measure; and the toolchain that packs the
# NativeAOT `ccimage` tool bench/measure installs. Does nothing when all are present.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/eng/install-build-tools.sh"
"$root/eng/install-pack-tools.sh"
exec "$root/eng/apt-install.sh" time openssl python3 qemu-utils cryptsetup-bin
