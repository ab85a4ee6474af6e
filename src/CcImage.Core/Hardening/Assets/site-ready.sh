#!/bin/sh
# CcImage HardenImage: /usr/lib/ccimage/site-ready, run as root by ccimage-site-ready.service once the site service
# started (docs/harden-image.md). Reports on the console what the running machine exposes, one "ccimage: " line each:
# the firewall, that no login service runs, the data mounts and their sizes, the site service's state, every listening
# TCP port and bound UDP port — after waiting (up to READY_WAIT seconds) for the declared inbound TCP ports to listen —
# and finally "ccimage: site ready". A missing firewall or a login service stops the machine.
. /etc/ccimage/site.env
exec > /dev/console 2>&1

# How long to wait for the site to listen on its declared inbound TCP ports, in seconds.
READY_WAIT=180

stop() {
	echo "ccimage: boot stopped: $*"
	systemctl --no-block poweroff
	exit 1
}

nft list table inet ccimage > /dev/null 2>&1 || stop "the firewall (nftables table inet ccimage) is not loaded"
echo "ccimage: firewall on, default drop (in: ${CC_ALLOWED_IN:-none}; out: ${CC_ALLOWED_OUT:-none})"

logins=""
for comm in /proc/[0-9]*/comm; do
	read -r name < "$comm" 2>/dev/null || continue
	case "$name" in
		agetty | getty | mingetty | login | sulogin | sshd | dropbear | telnetd | in.telnetd) logins="$logins $name" ;;
	esac
done
[ -z "$logins" ] || stop "a login service runs:$logins"
echo "ccimage: logins none"

for mountpoint in $CC_REPORT_MOUNTS; do
	while read -r device mp type options rest; do
		[ "$mp" = "$mountpoint" ] || continue
		mode=${options%%,*}
		bytes=$(stat -f -c '%b %S' "$mp" | { read -r blocks size; echo $((blocks * size)); })
		echo "ccimage: mount $mp $mode $bytes"
	done < /proc/mounts
done

state=$(systemctl is-active "$CC_SITE_SERVICE.service" 2>/dev/null)
if [ "$state" = active ]; then
	echo "ccimage: site $CC_SITE_SERVICE.service active"
else
	# Why, in systemd's words (no output of the site itself: that stays in the journal, in memory).
	detail=$(systemctl show -p Result -p ExecMainStatus -p ConditionResult "$CC_SITE_SERVICE.service" 2>/dev/null | tr '\n' ' ')
	echo "ccimage: site $CC_SITE_SERVICE.service $state ($detail)"
fi

# Listening TCP sockets (state 0A) and bound UDP sockets (state 07), IPv4 and IPv6, ports in decimal, sorted.
ports() {
	for table in $2; do
		[ -r "$table" ] || continue
		while read -r slot local remote st rest; do
			[ "$st" = "$1" ] || continue
			printf '%d\n' "0x${local##*:}"
		done < "$table"
	done | sort -n -u | tr '\n' ' ' | sed 's/ $//'
}

waited=0
while [ "$state" = active ] && [ "$waited" -lt "$READY_WAIT" ]; do
	listening=" $(ports 0A '/proc/net/tcp /proc/net/tcp6') "
	missing=""
	for item in $CC_ALLOWED_IN; do
		port=${item%%@*}
		case "$port" in
			tcp/*-*) ;;
			tcp/*) case "$listening" in *" ${port#tcp/} "*) ;; *) missing="$missing $port" ;; esac ;;
		esac
	done
	[ -n "$missing" ] || break
	sleep 2
	waited=$((waited + 2))
	state=$(systemctl is-active "$CC_SITE_SERVICE.service" 2>/dev/null)
done

tcp=$(ports 0A '/proc/net/tcp /proc/net/tcp6')
udp=$(ports 07 '/proc/net/udp /proc/net/udp6')
echo "ccimage: listening tcp ${tcp:-none} udp ${udp:-none}"
echo "ccimage: site ready"
