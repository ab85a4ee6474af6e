#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (as root, with apt-get): what a build needs and the reference tools
# the tests cross-check against. Does nothing when all are present. (Packing the NativeAOT tool needs
# eng/install-pack-tools.sh, which eng/pack-sdk.sh runs itself; the benchmarks install theirs with bench/install-tools.sh.)
set -euo pipefail
here=$(dirname "$0")
"$here/install-build-tools.sh"
packages=(
  qemu-utils          # qemu-img: reference for qcow2
  gdisk fdisk         # sgdisk, sfdisk: reference for GPT
  e2fsprogs           # e2fsck, debugfs: checks of ext4 partitions
  mount               # losetup: 4096-byte-sector loop devices for the sgdisk/sfdisk cross-checks
  cryptsetup-bin      # veritysetup: reference for dm-verity
  cpio libarchive-tools # cpio, bsdtar: reference for initramfs archives
  git                 # repositories with an origin: the default CcImageSeed tests
)
exec "$here/apt-install.sh" "${packages[@]}"
