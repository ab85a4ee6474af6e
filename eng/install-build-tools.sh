#!/usr/bin/env bash
# Installs the Debian packages a build of a .ccproj runs (as root, with apt-get): what the SDK's targets call through
# the tool runner. Nothing for tests or benchmarks (eng/install-host-tools.sh, bench/install-tools.sh).
set -euo pipefail
packages=(
  e2fsprogs           # mke2fs -d: ext4 partition contents
  dpkg apt            # dpkg-deb, apt-get: downloading and unpacking packages (the OVMF firmware)
  debian-archive-keyring  # checks the signatures of downloaded packages
)
exec "$(dirname "$0")/apt-install.sh" "${packages[@]}"
