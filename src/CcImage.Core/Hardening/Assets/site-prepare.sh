#!/bin/sh
# CcImage HardenImage: /usr/lib/ccimage/site-prepare, run as root by ccimage-site-prepare.service before the site starts
# (docs/harden-image.md). The site never runs without the firewall: if the ruleset is not loaded, the machine stops.
# The file systems the init formatted or mounted have root-owned roots; the site's data folders get their owners here:
# the ones it reads (input, data) root:GROUP 0750, the ones it writes (output) USER:GROUP 0750.
. /etc/ccimage/site.env

stop() {
	echo "ccimage: boot stopped: $*" > /dev/console
	systemctl --no-block poweroff
	exit 1
}

nft list table inet ccimage > /dev/null 2>&1 || stop "the firewall (nftables table inet ccimage) is not loaded"

mounted() {
	while read -r device mountpoint rest; do
		[ "$mountpoint" = "$1" ] && return 0
	done < /proc/mounts
	return 1
}

for folder in $CC_READ_DIRS; do
	mounted "$folder" || continue
	# A read-only mount keeps the owners it has; the group can read it either way (o+rx on a fresh file system).
	chown "root:$CC_GROUP" "$folder" 2>/dev/null && chmod 0750 "$folder" 2>/dev/null || true
done
for folder in $CC_WRITE_DIRS; do
	mounted "$folder" || continue
	chown "$CC_USER:$CC_GROUP" "$folder" || stop "cannot give $folder to $CC_USER"
	chmod 0750 "$folder"
done
exit 0
