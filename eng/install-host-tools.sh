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
  mount               # losetup: 4096-byte-sector loop devices for the sgdisk/sfdisk cross-checks
  cryptsetup-bin      # veritysetup, cryptsetup: reference for dm-verity, LUKS headers after a boot
  cpio libarchive-tools # cpio, bsdtar: reference for initramfs archives
  attr libcap2-bin    # getfattr, setcap/getcap: tests of extended attributes in root trees and ext4 images
  qemu-system-x86     # qemu-system-x86_64: boot tests of the initramfs and disk (TCG, SeaBIOS)
  kmod                # modprobe: reference for kernel module load order
  binutils            # readelf: reference for ELF interpreter and dynamic section
  busybox-static      # busybox sh -n: syntax check of the initramfs init; the static /bin/sh of the provisioning tests' workload image
  shellcheck          # launch_vm.sh and the provisioning scripts pass shellcheck
  skopeo              # reads the ACI image archives (oci-archive:, docker-archive:) and the pushed image
  docker-registry     # a real OCI distribution registry on loopback for the ACI push tests
  python3 python3-pip # pip installs NVFlare into the ACI image layer
)
exec "$here/apt-install.sh" "${packages[@]}"
