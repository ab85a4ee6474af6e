#!/usr/bin/env bash
# Installs the Debian packages CcImage and its tests run (as root, with apt-get). Does nothing when all are present.
set -euo pipefail
packages=(
  qemu-utils          # qemu-img: reference for qcow2
  gdisk fdisk         # sgdisk, sfdisk: reference for GPT
  e2fsprogs           # mke2fs -d, debugfs: ext4 partition contents; e2fsck: tests
  mount               # losetup: 4096-byte-sector loop devices for the sgdisk/sfdisk cross-checks
  cryptsetup-bin      # veritysetup: reference for dm-verity
  cpio libarchive-tools # cpio, bsdtar: reference for initramfs archives
  dpkg                # dpkg-deb: unpacking downloaded packages and building the tests' fixture .deb; dpkg-query
  mmdebstrap          # the root filesystem from distribution packages
  debian-archive-keyring # the keyring mmdebstrap checks the Debian mirror with
  tar                 # root filesystem tarballs: extract and repack (RootTree)
  attr libcap2-bin    # getfattr, setcap/getcap: tests of extended attributes in root trees and ext4 images
  time hyperfine      # benchmarks
  gcc libc6-dev       # links the NativeAOT ccimage that bench/measure times
  openssl             # bench inputs: deterministic pseudo-random data (AES-CTR stream)
  qemu-system-x86     # qemu-system-x86_64: boot tests of the initramfs and disk (TCG, SeaBIOS)
  kmod                # modprobe: reference for kernel module load order
  binutils            # readelf: reference for ELF interpreter and dynamic section
  busybox-static      # busybox sh -n: syntax check of the initramfs init
  skopeo              # reads the ACI image archives (oci-archive:, docker-archive:) and the pushed image: tests
  docker-registry     # a real OCI distribution registry on loopback for the ACI push tests
  python3 python3-pip # pip installs NVFlare into the ACI image layer; bench/aci-policy builds its layer
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing host tools: ${missing[*]}" >&2
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
