#!/bin/sh
# CcImage host readiness check (docs/launch-vm.md): can this machine launch an AMD SEV-SNP confidential VM, and pass it
# an NVIDIA GPU? launch_vm.sh carries these functions and runs them first; `ccimage host-check` runs this file.
# Every check prints one line, "ok: ..." or "FAIL: ... Fix: ..."; host_check returns the number of failures.
# CCIMAGE_HOST_ROOT (or --root) puts a folder in front of /proc, /sys and /dev, for tests with made-up machines.

HC_ROOT=${CCIMAGE_HOST_ROOT:-}
HC_FAILED=0

hc_ok() {
	echo "ccimage host-check: ok: $*"
}

hc_fail() {
	echo "ccimage host-check: FAIL: $*"
	HC_FAILED=$((HC_FAILED + 1))
}

# Prints SIZE (a number with an optional K, M, G or T suffix, powers of 1024) in MiB; fails on anything else.
hc_mib() {
	case "$1" in
		*[!0-9KkMmGgTt]* | "" | [!0-9]*) return 1 ;;
		*[Kk]) echo $(( ${1%?} / 1024 )) ;;
		*[Mm]) echo "${1%?}" ;;
		*[Gg]) echo $(( ${1%?} * 1024 )) ;;
		*[Tt]) echo $(( ${1%?} * 1024 * 1024 )) ;;
		*) echo $(( $1 / 1048576 )) ;;
	esac
}

hc_check_sev() {
	if grep -qw sev_snp "$HC_ROOT/proc/cpuinfo" 2>/dev/null; then
		hc_ok "the CPU reports SEV-SNP (sev_snp in /proc/cpuinfo)"
	else
		hc_fail "the CPU reports no SEV-SNP (no sev_snp flag in /proc/cpuinfo). Fix: use an AMD EPYC 7003 (Milan) or newer, enable SMEE, SEV-SNP and SNP memory coverage in the BIOS setup, and boot a host kernel with SEV-SNP host support (Linux 6.11 or newer)."
	fi
	snp=$(cat "$HC_ROOT/sys/module/kvm_amd/parameters/sev_snp" 2>/dev/null || echo missing)
	case "$snp" in
		Y | y | 1) hc_ok "KVM has SEV-SNP on (kvm_amd sev_snp=$snp)" ;;
		missing) hc_fail "kvm_amd is not loaded or has no sev_snp parameter (/sys/module/kvm_amd/parameters/sev_snp). Fix: boot a host kernel with SEV-SNP host support (Linux 6.11 or newer) and load kvm_amd (modprobe kvm_amd sev_snp=1)." ;;
		*) hc_fail "kvm_amd has SEV-SNP off (sev_snp=$snp). Fix: echo 'options kvm_amd sev=1 sev_es=1 sev_snp=1' > /etc/modprobe.d/kvm-amd.conf and reload kvm_amd (or reboot); if it stays off, enable SEV-SNP in the BIOS and update the AMD SEV firmware." ;;
	esac
	if [ -e "$HC_ROOT/dev/sev" ]; then
		hc_ok "the SEV firmware device /dev/sev is there"
	else
		hc_fail "there is no /dev/sev: the kernel's ccp driver found no SEV firmware. Fix: enable SEV in the BIOS, update the AMD SEV firmware (SEV-SNP needs firmware 1.51 or newer) and load the ccp module."
	fi
}

hc_check_kvm() {
	if [ ! -e "$HC_ROOT/dev/kvm" ]; then
		hc_fail "there is no /dev/kvm. Fix: enable virtualization (SVM) in the BIOS and load kvm_amd (modprobe kvm_amd)."
	elif ! grep -qwE 'svm|vmx' "$HC_ROOT/proc/cpuinfo" 2>/dev/null; then
		hc_fail "/dev/kvm is there but the CPU offers no hardware virtualization (no svm flag in /proc/cpuinfo; a VM without nested virtualization?). Fix: run on the machine itself, with SVM enabled in the BIOS."
	else
		hc_ok "KVM is there (/dev/kvm, svm)"
	fi
}

# hc_check_qemu QEMU SEV: QEMU must run, and with SEV=1 offer the sev-snp-guest object.
hc_check_qemu() {
	if ! command -v "$1" >/dev/null 2>&1; then
		hc_fail "QEMU '$1' is not there. Fix: install it (Debian: apt-get install qemu-system-x86) or name another with --qemu PATH."
		return
	fi
	[ "$2" = 1 ] || { hc_ok "QEMU $1 is there"; return; }
	if "$1" -object help 2>/dev/null | grep -q 'sev-snp-guest'; then
		hc_ok "QEMU $1 offers sev-snp-guest"
	else
		hc_fail "QEMU $1 has no sev-snp-guest object: SEV-SNP guests need QEMU 9.1 or newer. Fix: install a newer QEMU (Debian trixie's qemu-system-x86) and pass it with --qemu PATH."
	fi
}

# hc_check_firmware FILE SHA256: the firmware is there and, when a digest is given, is the measured one.
hc_check_firmware() {
	if [ ! -f "$1" ]; then
		hc_fail "the firmware $1 is not there. Fix: launch from the unpacked bundle, which holds OVMF.amdsev.fd (or pass --firmware FILE)."
		return
	fi
	if [ -n "$2" ]; then
		actual=$(sha256sum "$1" | cut -d' ' -f1)
		if [ "$actual" != "$2" ]; then
			hc_fail "the firmware $1 has SHA-256 $actual, not the measured $2. Fix: use the OVMF.amdsev.fd of the bundle; another firmware changes the measurement and attestation fails."
			return
		fi
	fi
	hc_ok "the firmware $1 is there"
}

# hc_check_memory SIZE: MemAvailable covers what the VM gets.
hc_check_memory() {
	need=$(hc_mib "$1") || { hc_fail "'$1' is not a memory size. Fix: give a number with M or G, e.g. 8G."; return; }
	avail_kib=$(awk '/^MemAvailable:/ { print $2 }' "$HC_ROOT/proc/meminfo" 2>/dev/null)
	if [ -z "$avail_kib" ]; then
		hc_fail "cannot read MemAvailable from /proc/meminfo. Fix: run on Linux with /proc mounted."
		return
	fi
	avail=$((avail_kib / 1024))
	if [ "$avail" -ge "$need" ]; then
		hc_ok "$avail MiB of memory available for the VM's $need MiB"
	else
		hc_fail "the VM needs $need MiB of memory but only $avail MiB is available. Fix: stop other VMs or programs, or launch with a smaller --memory SIZE."
	fi
}

# hc_check_gpus [BDF...]: every NVIDIA GPU to pass through is bound to vfio-pci, with the IOMMU on; sets HC_GPUS.
hc_check_gpus() {
	HC_GPUS=""
	groups=""
	for group in "$HC_ROOT"/sys/kernel/iommu_groups/*; do
		[ -e "$group" ] && groups=1 && break
	done
	if [ -n "$groups" ]; then
		hc_ok "the IOMMU is on"
	else
		hc_fail "the IOMMU is off (no /sys/kernel/iommu_groups). Fix: enable IOMMU in the BIOS and add amd_iommu=on iommu=pt to the host kernel's command line."
	fi
	candidates="$*"
	if [ -z "$candidates" ]; then
		for dev in "$HC_ROOT"/sys/bus/pci/devices/*; do
			[ -r "$dev/vendor" ] || continue
			[ "$(cat "$dev/vendor")" = 0x10de ] || continue
			case "$(cat "$dev/class" 2>/dev/null)" in
				0x03*) candidates="$candidates ${dev##*/}" ;;
			esac
		done
	fi
	if [ -z "$candidates" ]; then
		hc_fail "the site declares NVIDIA GPU confidential computing (cc_gpu_mechanism: nvidia_cc) but there is no NVIDIA GPU on the PCI bus. Fix: launch on a machine with a CC-capable NVIDIA GPU (H100, Blackwell)."
		return
	fi
	for bdf in $candidates; do
		dev=$HC_ROOT/sys/bus/pci/devices/$bdf
		if [ ! -d "$dev" ]; then
			hc_fail "there is no PCI device $bdf. Fix: name a GPU from lspci -d 10de: with --gpu."
			continue
		fi
		driver=""
		[ -L "$dev/driver" ] && driver=$(basename "$(readlink "$dev/driver")")
		device=$(cat "$dev/device" 2>/dev/null)
		case "$driver" in
			vfio-pci)
				hc_ok "GPU $bdf is bound to vfio-pci"
				HC_GPUS="$HC_GPUS $bdf"
				;;
			"")
				hc_fail "GPU $bdf is bound to no driver, so it cannot be passed through. Fix: modprobe vfio-pci; echo 10de ${device#0x} > /sys/bus/pci/drivers/vfio-pci/new_id"
				;;
			*)
				hc_fail "GPU $bdf is bound to the host driver $driver: the host must not drive a GPU it passes to a confidential VM. Fix: unload $driver and keep it from loading (blacklist $driver in /etc/modprobe.d), then bind the GPU to vfio-pci: echo $bdf > /sys/bus/pci/devices/$bdf/driver/unbind; echo 10de ${device#0x} > /sys/bus/pci/drivers/vfio-pci/new_id"
				;;
		esac
	done
}

# host_check SEV QEMU FIRMWARE FIRMWARE_SHA256 MEMORY GPU [BDF...]: runs the checks; returns the number of failures.
host_check() {
	HC_FAILED=0
	hc_sev=$1 hc_qemu=$2 hc_firmware=$3 hc_sha=$4 hc_memory=$5 hc_gpu=$6
	shift 6
	if [ "$hc_sev" = 1 ]; then
		hc_check_kvm
		hc_check_sev
	elif [ -e "$HC_ROOT/dev/kvm" ] && grep -qwE 'svm|vmx' "$HC_ROOT/proc/cpuinfo" 2>/dev/null; then
		hc_ok "KVM is there (without SEV-SNP the VM runs under plain KVM)"
	else
		hc_ok "no usable KVM: without SEV-SNP the VM runs emulated (TCG), slowly"
	fi
	hc_check_qemu "$hc_qemu" "$hc_sev"
	[ -z "$hc_firmware" ] || hc_check_firmware "$hc_firmware" "$hc_sha"
	hc_check_memory "$hc_memory"
	[ "$hc_gpu" = 1 ] && hc_check_gpus "$@"
	if [ "$HC_FAILED" -eq 0 ]; then
		echo "ccimage host-check: the host is ready"
	else
		echo "ccimage host-check: $HC_FAILED check(s) failed"
	fi
	return "$HC_FAILED"
}
# @HOST-CHECK-END@

# Run as a program (`ccimage host-check` does): host-check.sh [--no-sev] [--qemu Q] [--firmware F] [--firmware-sha256 H]
# [--memory SIZE] [--gpu [--gpu-device BDF]...] [--root DIR]
if [ "${0##*/}" = host-check.sh ] || [ "${CCIMAGE_HOST_CHECK_MAIN:-}" = 1 ]; then
	sev=1 qemu=qemu-system-x86_64 firmware="" sha="" memory=8G gpu=0 devices=""
	while [ $# -gt 0 ]; do
		case "$1" in
			--no-sev) sev=0 ;;
			--qemu) qemu=$2; shift ;;
			--firmware) firmware=$2; shift ;;
			--firmware-sha256) sha=$2; shift ;;
			--memory) memory=$2; shift ;;
			--gpu) gpu=1 ;;
			--gpu-device) gpu=1; devices="$devices $2"; shift ;;
			--root) HC_ROOT=$2; shift ;;
			*) echo "host-check: unknown option $1" >&2; exit 2 ;;
		esac
		shift
	done
	# shellcheck disable=SC2086 # $devices is a list of PCI addresses
	host_check "$sev" "$qemu" "$firmware" "$sha" "$memory" "$gpu" $devices
	exit $?
fi
