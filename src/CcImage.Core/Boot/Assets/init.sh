#!/bin/sh
# CcImage initramfs init (docs/boot-chain.md). Runs as PID 1 under busybox sh: loads the kernel modules listed in
# /etc/ccimage/modules, opens and checks the partitions declared in /etc/ccimage/layout, mounts them under /sysroot
# and hands over to the root filesystem's init. Every event is one "ccimage: ..." line on the console; any failure
# prints "ccimage: boot stopped: <reason>" and powers the machine off. Nothing here ever prints a key.

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

LAYOUT=/etc/ccimage/layout
MODULES=/etc/ccimage/modules
NEWROOT=/sysroot
STAGING=/run/ccimage/staging
KEYS=/run/ccimage/keys
FW_CFG_KEYS=/sys/firmware/qemu_fw_cfg/by_name/opt/ccimage/key
FW_CFG_TOKEN=/sys/firmware/qemu_fw_cfg/by_name/opt/ccimage/attestation-token/raw
# How long to wait for the disk's partitions to appear, in tenths of a second.
PARTITION_WAIT_TENTHS=300
# A key supplied at launch must be at least this many bytes (it is used as a LUKS2 key file, not a passphrase).
MIN_KEY_BYTES=32
# A LUKS2 partition is formatted on first boot only when this many leading bytes are all zero.
BLANK_CHECK_BYTES=1048576
# The keys are random (or supplied as key files), so a fast key derivation costs nothing in strength.
LUKS_FORMAT_OPTIONS="--batch-mode --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --hash sha256"

say() {
	echo "ccimage: $*"
}

# Prints the reason, wipes any key, and powers off. Never returns.
stop() {
	trap - EXIT
	say "boot stopped: $*"
	wipe_keys
	sync
	poweroff -f
	echo o > /proc/sysrq-trigger
	while :; do sleep 3600; done
}

wipe_keys() {
	[ -d "$KEYS" ] || return 0
	for k in "$KEYS"/*; do
		[ -f "$k" ] || continue
		dd if=/dev/zero of="$k" bs=4096 count=1 conv=notrunc 2>/dev/null
		rm -f "$k"
	done
	umount "$KEYS" 2>/dev/null
}

trap 'stop "the init ended unexpectedly"' EXIT

mount -t proc -o nosuid,nodev,noexec proc /proc || stop "cannot mount /proc"
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys || stop "cannot mount /sys"
mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev || stop "cannot mount /dev"
mkdir -p /run/cryptsetup "$STAGING" "$KEYS" "$NEWROOT"
# Keys live on a ramfs: memory that is never swapped or written to any disk.
mount -t ramfs -o mode=0700 ramfs "$KEYS" || stop "cannot mount the key store"

# --- modules, in dependency order; an optional one (a CPU accelerator) may fail to load ---
while read -r need module <&3; do
	case "$need" in
		required) insmod "$module" || stop "cannot load the kernel module $module" ;;
		optional) insmod "$module" 2>/dev/null ;;
	esac
done 3< "$MODULES"

# --- the layout ---
INIT=""
VERITY_CHECK=full
while read -r kind value rest <&3; do
	case "$kind" in
		version) [ "$value" = 1 ] || stop "the layout file has version $value; this init reads version 1" ;;
		init) INIT=$value ;;
		verity-check) VERITY_CHECK=$value ;;
	esac
done 3< "$LAYOUT"
[ -n "$INIT" ] || stop "the layout file names no init"
# How much of each verity partition is read now: all of it, or (on-read) the first block, which still proves the
# root hash; dm-verity checks every other block whenever it is read later.
case "$VERITY_CHECK" in
	full) VERITY_READ="bs=1048576" ;;
	on-read) VERITY_READ="bs=4096 count=1" ;;
	*) stop "the layout file has an unknown verity check $VERITY_CHECK" ;;
esac

set -f
CMDLINE=$(cat /proc/cmdline)
set +f

# Sets HASH to the root hash the kernel command line gives partition $1 (ccimage.verity.<name>=<hex>).
root_hash() {
	HASH=""
	set -f
	for arg in $CMDLINE; do
		case "$arg" in
			"ccimage.verity.$1="*)
				[ -z "$HASH" ] || stop "the kernel command line gives $1 more than one root hash"
				HASH=${arg#*=}
				;;
		esac
	done
	set +f
	[ -n "$HASH" ] || stop "$1: the kernel command line has no root hash (ccimage.verity.$1=)"
	case "$HASH" in
		*[!0-9a-f]*) stop "$1: the root hash on the kernel command line is not lower-case hex" ;;
	esac
}

# Sets DEV to the block device of the GPT partition named $1; false when there is none. Two partitions with the
# same name (e.g. a second disk) stop the boot: the init never guesses.
find_partition() {
	DEV=""
	for uevent in /sys/class/block/*/uevent; do
		[ -r "$uevent" ] || continue
		partname=""
		devname=""
		while IFS='=' read -r key value; do
			case "$key" in
				PARTNAME) partname=$value ;;
				DEVNAME) devname=$value ;;
			esac
		done < "$uevent"
		[ "$partname" = "$1" ] || continue
		[ -z "$DEV" ] || stop "two partitions are named $1 ($DEV and /dev/$devname)"
		DEV=/dev/$devname
	done
	[ -n "$DEV" ] && [ -b "$DEV" ]
}

# Waits until every partition the layout names (and every hash partition) is there.
tenths=0
while :; do
	missing=""
	while read -r kind name label protection mountpoint mode hashlabel hashoffset options <&3; do
		[ "$kind" = partition ] || continue
		find_partition "$label" || missing="$missing $label"
		if [ "$hashlabel" != - ]; then
			find_partition "$hashlabel" || missing="$missing $hashlabel"
		fi
	done 3< "$LAYOUT"
	[ -n "$missing" ] || break
	tenths=$((tenths + 1))
	[ "$tenths" -le "$PARTITION_WAIT_TENTHS" ] || stop "no partition named$missing after $((PARTITION_WAIT_TENTHS / 10)) seconds"
	usleep 100000
done

# --- dm-verity: open every verity partition and read it, so a wrong root hash or a changed block stops here ---
while read -r kind name label protection mountpoint mode hashlabel hashoffset options <&3; do
	[ "$kind" = partition ] && [ "$protection" = verity ] || continue
	root_hash "$name"
	find_partition "$label" || stop "$name: partition $label disappeared"
	data=$DEV
	if [ "$hashlabel" != - ]; then
		find_partition "$hashlabel" || stop "$name: partition $hashlabel disappeared"
		veritysetup open "$data" "$name" "$DEV" "$HASH" </dev/null
	else
		veritysetup open "$data" "$name" "$data" "$HASH" --hash-offset="$hashoffset" </dev/null
	fi
	if [ $? -ne 0 ]; then
		say "$name verity FAILED"
		stop "$name: veritysetup could not open the partition with the root hash on the kernel command line"
	fi
	if ! dd if="/dev/mapper/$name" of=/dev/null $VERITY_READ 2>/dev/null; then
		say "$name verity FAILED"
		stop "$name: a block does not match the root hash (dm-verity read error)"
	fi
	say "$name verity ok"
done 3< "$LAYOUT"

# Makes an ext4 file system on /dev/mapper/$1 and copies into it what the file systems mounted so far hold at
# mount point $2, so files an image ships there become the initial content.
make_filesystem() {
	mke2fs -q -t ext4 "/dev/mapper/$1" </dev/null >/dev/null || stop "$1: mke2fs failed"
	if [ -d "$NEWROOT$2" ]; then
		mount -t ext4 "/dev/mapper/$1" "$STAGING" || stop "$1: cannot mount the new file system"
		cp -a "$NEWROOT$2/." "$STAGING/" || stop "$1: cannot copy the initial content of $2"
		umount "$STAGING" || stop "$1: cannot unmount the new file system"
	fi
}

# Wipes and removes the key file $1.
wipe_key() {
	dd if=/dev/zero of="$1" bs=4096 count=1 conv=notrunc 2>/dev/null
	rm -f "$1"
}

# True when the first BLANK_CHECK_BYTES of $1 are zero.
is_blank() {
	[ "$(dd if="$1" bs=4096 count=$((BLANK_CHECK_BYTES / 4096)) 2>/dev/null | tr -d '\000' | wc -c)" -eq 0 ]
}

# True when $1 holds an ext2/3/4 superblock (magic 0xEF53, little-endian, at byte 1080).
has_ext4() {
	[ "$(dd if="$1" bs=1 skip=1080 count=2 2>/dev/null)" = "$(printf '\123\357')" ]
}

mount_options() {
	MOUNT_OPTIONS=$1
	[ "$2" = - ] || MOUNT_OPTIONS="$MOUNT_OPTIONS,$2"
}

# --- mount in layout order (parents before children) ---
while read -r kind name label protection mountpoint mode hashlabel hashoffset options <&3; do
	[ "$kind" = partition ] || continue
	find_partition "$label" || stop "$name: partition $label disappeared"
	target=$NEWROOT$mountpoint
	[ "$mountpoint" = / ] && target=$NEWROOT
	case "$protection" in
		verity)
			source=/dev/mapper/$name
			;;
		luks-ephemeral)
			key=$KEYS/$name
			dd if=/dev/random of="$key" bs=64 count=1 iflag=fullblock 2>/dev/null || stop "$name: cannot make a random key"
			cryptsetup luksFormat $LUKS_FORMAT_OPTIONS --key-file "$key" "$DEV" </dev/null >/dev/null \
				|| stop "$name: cryptsetup luksFormat failed"
			cryptsetup open --type luks2 --key-file "$key" "$DEV" "$name" </dev/null \
				|| stop "$name: cannot open the new LUKS2 volume"
			wipe_key "$key"
			make_filesystem "$name" "$mountpoint"
			source=/dev/mapper/$name
			;;
		luks-keyfile)
			key=$KEYS/$name
			supplied=$FW_CFG_KEYS/$name/raw
			[ -r "$supplied" ] || stop "$name: no key was supplied at launch (QEMU fw_cfg opt/ccimage/key/$name)"
			cat "$supplied" > "$key" || stop "$name: cannot read the supplied key"
			[ "$(wc -c < "$key")" -ge "$MIN_KEY_BYTES" ] || stop "$name: the supplied key is shorter than $MIN_KEY_BYTES bytes"
			if cryptsetup isLuks "$DEV" </dev/null; then
				cryptsetup open --type luks2 --key-file "$key" "$DEV" "$name" </dev/null \
					|| stop "$name: the supplied key does not open the LUKS2 volume"
				wipe_key "$key"
				# A volume formatted before first use (e.g. by the operator) holds no file system yet.
				has_ext4 "/dev/mapper/$name" || make_filesystem "$name" "$mountpoint"
			elif is_blank "$DEV"; then
				cryptsetup luksFormat $LUKS_FORMAT_OPTIONS --key-file "$key" "$DEV" </dev/null >/dev/null \
					|| stop "$name: cryptsetup luksFormat failed"
				cryptsetup open --type luks2 --key-file "$key" "$DEV" "$name" </dev/null \
					|| stop "$name: cannot open the new LUKS2 volume"
				wipe_key "$key"
				make_filesystem "$name" "$mountpoint"
			else
				stop "$name: the partition holds data but no LUKS2 header; it is not formatted over"
			fi
			source=/dev/mapper/$name
			;;
		none)
			source=$DEV
			;;
		*)
			stop "$name: unknown protection $protection"
			;;
	esac
	mount_options "$mode" "$options"
	[ -d "$target" ] || stop "$name: the mount point $mountpoint does not exist in the file systems mounted before it"
	mount -t ext4 -o "$MOUNT_OPTIONS" "$source" "$target" || stop "$name: cannot mount $mountpoint"
	case "$protection" in
		luks-ephemeral) say "$name luks ephemeral ok" ;;
		luks-keyfile) say "$name luks keyfile ok" ;;
	esac
done 3< "$LAYOUT"

# --- an attestation token supplied at launch, for the image's services (never printed) ---
# QEMU `-fw_cfg name=opt/ccimage/attestation-token,file=TOKEN` → CC_ATTESTATION_TOKEN in /run/ccimage/attestation.env
# (tmpfs, root only), which units load with EnvironmentFile=; /etc/default/ccimage in the image names that file.
if [ -r "$FW_CFG_TOKEN" ]; then
	mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$NEWROOT/run" || stop "cannot mount a tmpfs on /run"
	mkdir -p -m 0700 "$NEWROOT/run/ccimage" || stop "cannot make /run/ccimage"
	( umask 077 && printf 'CC_ATTESTATION_TOKEN=%s\n' "$(cat "$FW_CFG_TOKEN")" > "$NEWROOT/run/ccimage/attestation.env" ) \
		|| stop "cannot hand the attestation token over"
	say "attestation token handed over"
fi

wipe_keys
rmmod qemu_fw_cfg 2>/dev/null

# --- the running system's memory rules: /tmp in RAM, no swap ---
[ -d "$NEWROOT/tmp" ] || stop "the root file system has no /tmp"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$NEWROOT/tmp" || stop "cannot mount a tmpfs on /tmp"
swapoff -a 2>/dev/null
[ "$(wc -l < /proc/swaps)" -le 1 ] || stop "swap is active"

# Follows the symbolic links of $INIT inside the new root (absolute targets are relative to it).
path=$INIT
hops=0
while [ -L "$NEWROOT$path" ]; do
	hops=$((hops + 1))
	[ "$hops" -le 40 ] || stop "$INIT: too many symbolic links"
	link=$(readlink "$NEWROOT$path")
	case "$link" in
		/*) path=$link ;;
		*) path=${path%/*}/$link ;;
	esac
done
[ -f "$NEWROOT$path" ] && [ -x "$NEWROOT$path" ] || stop "the root file system has no executable $INIT"

for fs in dev proc sys; do
	mount -o move "/$fs" "$NEWROOT/$fs" || stop "cannot move /$fs into the new root"
done
say "handing over to $INIT"
exec switch_root "$NEWROOT" "$INIT"
