#!/bin/sh
# launch_vm.sh — starts this bundle's confidential VM (docs/launch-vm.md), written by ccimage for one NVFlare site.
# First it checks the host (SEV-SNP in firmware and kernel, a QEMU with sev-snp-guest, the firmware, memory, and for
# GPU sites the GPU bound to vfio-pci), then it runs QEMU with exactly the kernel, initrd, command line, firmware and
# vCPUs that expected-measurement.json was computed from, so the VM's attestation report carries that measurement.
#
# Usage: ./launch_vm.sh [options]
#   --memory SIZE      memory of the VM (default below; not measured)
#   --key NAME=FILE    the key of the luks-keyfile partition NAME (QEMU fw_cfg opt/ccimage/key/NAME); repeatable
#   --gpu BDF          pass this GPU (PCI address, e.g. 0000:41:00.0) instead of every NVIDIA GPU bound to vfio-pci
#   --cbitpos N        the C-bit position, instead of reading it from the host's CPUID (leaf 0x8000001F)
#   --qemu PATH        the QEMU to run (default: $QEMU, else qemu-system-x86_64)
#   --serial FILE      write the serial console to FILE instead of this terminal
#   --no-sev           run without SEV-SNP, for testing (plain KVM, or TCG where KVM can't run; SeaBIOS, no measurement)
#   --tcg              --no-sev, always emulated (TCG)
#   --skip-host-check  do not check the host first
#   --dry-run          print the QEMU command (one argument per line) instead of running it; checks nothing
#   -h, --help         this text
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)

# @SETTINGS@

# @HOST-CHECK@

usage() {
	sed -n '2,/^set -eu$/p' "$0" | sed -e '/^set -eu$/d' -e 's/^# \{0,1\}//'
}

die() {
	echo "launch_vm.sh: $*" >&2
	exit 1
}

sev=1
dry_run=0
tcg=0
check=1
memory=$DEFAULT_MEMORY
qemu=${QEMU:-qemu-system-x86_64}
cbitpos=""
serial=""
gpus=""
keys=""
while [ $# -gt 0 ]; do
	case "$1" in
		--memory) [ $# -ge 2 ] || die "--memory needs a size"; memory=$2; shift ;;
		--key) [ $# -ge 2 ] || die "--key needs NAME=FILE"; keys="$keys $2"; shift ;;
		--gpu) [ $# -ge 2 ] || die "--gpu needs a PCI address"; gpus="$gpus $2"; shift ;;
		--cbitpos) [ $# -ge 2 ] || die "--cbitpos needs a number"; cbitpos=$2; shift ;;
		--qemu) [ $# -ge 2 ] || die "--qemu needs a path"; qemu=$2; shift ;;
		--serial) [ $# -ge 2 ] || die "--serial needs a file"; serial=$2; shift ;;
		--no-sev) sev=0 ;;
		--tcg) sev=0; tcg=1 ;;
		--skip-host-check) check=0 ;;
		--dry-run) dry_run=1; check=0 ;;
		-h | --help) usage; exit 0 ;;
		*) die "unknown option $1 (see --help)" ;;
	esac
	shift
done
hc_mib "$memory" >/dev/null || die "--memory $memory is not a size; give a number with M or G, e.g. 8G"

# The first action: is this host ready?
if [ "$check" = 1 ]; then
	gpu_check=0
	[ "$GPU_MECHANISM" = nvidia_cc ] && gpu_check=1
	firmware_check=""
	[ "$sev" = 1 ] && firmware_check=$HERE/$FIRMWARE
	# shellcheck disable=SC2086 # $gpus is a list of PCI addresses
	host_check "$sev" "$qemu" "$firmware_check" "$FIRMWARE_SHA256" "$memory" "$gpu_check" $gpus \
		|| die "the host is not ready (see the FAIL lines above); --skip-host-check launches anyway"
	[ -n "$gpus" ] || gpus=${HC_GPUS:-}
fi

# Keys: each NAME=FILE must name a luks-keyfile partition of this image and a file of at least 32 bytes.
fw_keys=""
for pair in $keys; do
	name=${pair%%=*}
	file=${pair#*=}
	case " $KEYFILE_PARTITIONS " in
		*" $name "*) ;;
		*) die "--key $pair: this image has no luks-keyfile partition '$name' (it has: ${KEYFILE_PARTITIONS:-none})" ;;
	esac
	[ -f "$file" ] || die "--key $pair: $file is not a file"
	[ "$(wc -c < "$file")" -ge 32 ] || die "--key $pair: $file is shorter than 32 bytes; use e.g. head -c 64 /dev/urandom > $file"
	fw_keys="$fw_keys $name=$file"
done
for name in $KEYFILE_PARTITIONS; do
	case " $fw_keys " in
		*" $name="*) ;;
		*) die "partition '$name' is opened with a key supplied at launch: give --key $name=FILE" ;;
	esac
done

# The C-bit position: CPUID leaf 0x8000001F, EBX bits 5:0 (AMD64 APM vol. 3, "Encrypted Memory Capabilities").
read_cbitpos() {
	cpuid=${CCIMAGE_HOST_ROOT:-}/dev/cpu/0/cpuid
	[ -r "$cpuid" ] || modprobe cpuid 2>/dev/null || true
	[ -r "$cpuid" ] || return 1
	ebx=$(dd if="$cpuid" bs=16 count=1 skip=$((0x8000001F)) iflag=skip_bytes 2>/dev/null | od -An -tu4 -j4 -N4 | tr -d ' ')
	[ -n "$ebx" ] || return 1
	echo $((ebx & 63))
}

set -- -name "cvm_$VM_ID" -smp "$VCPUS" -no-reboot -vga none -display none -monitor none
if [ -n "$serial" ]; then
	set -- "$@" -serial "file:$serial"
else
	set -- "$@" -serial stdio
fi
virtio=""
if [ "$sev" = 1 ]; then
	if [ -z "$cbitpos" ]; then
		cbitpos=$(read_cbitpos) || die "cannot read the C-bit position from CPUID leaf 0x8000001F (/dev/cpu/0/cpuid; modprobe cpuid as root), or pass --cbitpos N"
	fi
	case "$cbitpos" in *[!0-9]* | "") die "--cbitpos $cbitpos is not a number" ;; esac
	set -- "$@" -machine "q35,confidential-guest-support=sev0,vmport=off,memory-backend=ram1" \
		-object "memory-backend-memfd,id=ram1,size=$memory,share=true,prealloc=false" \
		-object "sev-snp-guest,id=sev0,cbitpos=$cbitpos,reduced-phys-bits=1,policy=$SNP_POLICY,kernel-hashes=on" \
		-enable-kvm -cpu "$VCPU_TYPE" -m "$memory" -bios "$HERE/$FIRMWARE"
	# Virtio devices of an encrypted guest reach its memory through the IOMMU platform (bounce buffers).
	virtio=",disable-legacy=on,iommu_platform=on"
else
	set -- "$@" -machine q35
	# KVM when the host can run it (a /dev/kvm and a CPU with SVM or VT-x), else emulation (TCG: slow, but anywhere).
	if [ "$tcg" = 0 ] && [ -w /dev/kvm ] && grep -qwE 'svm|vmx' /proc/cpuinfo 2>/dev/null; then
		set -- "$@" -enable-kvm -cpu host
	else
		set -- "$@" -accel tcg
	fi
	set -- "$@" -m "$memory"
fi
set -- "$@" -kernel "$HERE/$KERNEL" -initrd "$HERE/$INITRD" -append "$CMDLINE"
set -- "$@" -drive "if=none,id=disk0,format=qcow2,file=$HERE/$DISK" -device "virtio-blk-pci,drive=disk0$virtio"
netdev="user,id=net0"
for port in $PORTS_IN; do
	netdev="$netdev,hostfwd=${port%%:*}::${port#*:}-:${port#*:}"
done
set -- "$@" -netdev "$netdev" -device "virtio-net-pci,netdev=net0$virtio" -device "virtio-rng-pci$virtio"
if [ "$GPU_MECHANISM" = nvidia_cc ] && [ "$sev" = 1 ]; then
	[ -n "$gpus" ] || [ "$dry_run" = 1 ] || die "the site passes an NVIDIA GPU through but none is bound to vfio-pci (see ccimage host-check --gpu)"
	index=0
	for bdf in $gpus; do
		set -- "$@" -device "pcie-root-port,id=gpu-port$index,bus=pcie.0" -device "vfio-pci,host=$bdf,bus=gpu-port$index"
		index=$((index + 1))
	done
	# Room for the GPU's 64-bit BARs above 4 GiB.
	set -- "$@" -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=262144
fi
for pair in $fw_keys; do
	set -- "$@" -fw_cfg "name=opt/ccimage/key/${pair%%=*},file=${pair#*=}"
done

if [ "$dry_run" = 1 ]; then
	printf '%s\n' "$qemu" "$@"
	exit 0
fi
echo "launch_vm.sh: starting cvm_$VM_ID (site $SITE, $VCPUS vCPUs, $memory)" >&2
exec "$qemu" "$@"
