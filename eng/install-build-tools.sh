#!/usr/bin/env bash
# Installs the Debian packages a build of a .ccproj runs (as root, with apt-get): what the SDK's targets call through
# the tool runner. Nothing for tests or benchmarks (eng/install-host-tools.sh, bench/install-tools.sh).
set -euo pipefail
packages=(
  e2fsprogs           # mke2fs, debugfs: ext4 partitions; e2fsck: the image tests
  mmdebstrap          # the root filesystem from distribution packages
  debian-archive-keyring  # the keyring mmdebstrap and apt check the Debian mirror with
  dpkg apt            # dpkg-deb, dpkg-query, apt-get: the root filesystem, the OVMF firmware package
  tar                 # root filesystem tarballs: extract and repack
  git                 # the default CcImageSeed reads the repository's origin (git config)
)
exec "$(dirname "$0")/apt-install.sh" "${packages[@]}"
