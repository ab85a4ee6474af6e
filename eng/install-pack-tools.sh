#!/usr/bin/env bash
# Installs the Debian packages eng/pack-sdk.sh needs to build the NativeAOT `ccimage` tool (as root, with apt-get):
# clang links the native executables; the arm64 cross binutils, libgcc and libc let it link linux-arm64 on x64 (the
# ILCompiler packages themselves come from NuGet). Does nothing when all are present.
set -euo pipefail
packages=(
  clang                      # NativeAOT's default compiler driver and linker front end
  gcc-aarch64-linux-gnu      # arm64 binutils (ld, objcopy), crt files and libgcc for the linux-arm64 tool
  libc6-dev-arm64-cross      # arm64 glibc to link against
)
exec "$(dirname "$0")/apt-install.sh" "${packages[@]}"
