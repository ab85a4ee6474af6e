#!/bin/sh
# CcImage: run by ccimage-ready.service once multi-user.target is reached (docs/boot-chain.md). Checks the running
# system's memory rules — no swap, /tmp on a tmpfs — and reports on the console; a violation powers the machine off.
exec > /dev/console 2>&1

stop() {
	echo "ccimage: boot stopped: $*"
	systemctl --no-block poweroff
	exit 1
}

[ "$(wc -l < /proc/swaps)" -le 1 ] || stop "swap is active"
echo "ccimage: swap off"

tmp_type=""
while read -r device mountpoint type rest; do
	[ "$mountpoint" = /tmp ] && tmp_type=$type
done < /proc/mounts
[ "$tmp_type" = tmpfs ] || stop "/tmp is not a tmpfs (it is ${tmp_type:-not mounted})"
echo "ccimage: /tmp on tmpfs"

echo "ccimage: system ready"
