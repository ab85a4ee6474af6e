# ---- The steps (CcImage's Hardening/Assets/system_hardening.sh; the values above are this image's settings) ----
# Run once, as root, inside the image's root tree while the image is built (no kernel of the image runs here: units
# are enabled and masked with links, the settings take effect at boot). Every step says what it does; any failure
# stops the build. Nothing here reads the network or prints a secret.
set -eu
umask 022
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

UNITS=/usr/lib/systemd/system
LOCAL_UNITS=/etc/systemd/system

say() {
	echo "hardening: $*"
}

fail() {
	echo "hardening: FAILED: $*" >&2
	exit 1
}

# install_file PATH MODE: the file's content comes on standard input; owned by root.
install_file() {
	mkdir -p "$(dirname "$1")"
	cat > "$1"
	chmod "$2" "$1"
	chown 0:0 "$1"
}

# mask UNIT: systemd never starts it (a link to /dev/null overrides the unit wherever it is defined).
mask() {
	mkdir -p "$LOCAL_UNITS"
	rm -f "$LOCAL_UNITS/$1"
	ln -s /dev/null "$LOCAL_UNITS/$1"
}

# enable UNIT TARGET: what `systemctl enable` does for WantedBy=TARGET.
enable() {
	mkdir -p "$LOCAL_UNITS/$2.wants"
	rm -f "$LOCAL_UNITS/$2.wants/$1"
	ln -s "$UNITS/$1" "$LOCAL_UNITS/$2.wants/$1"
}

# quote TEXT: TEXT as one sh word in single quotes.
quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

# ---- 1. No way in: no remote shell servers, no privilege escalation tools ----
for package in openssh-server openssh-sftp-server dropbear dropbear-bin tinysshd telnetd inetutils-telnetd \
	rsh-server rsh-redone-server vsftpd tftpd-hpa sudo sudo-ldap doas opendoas; do
	if installed "$package"; then
		say "removing the package $package"
		dpkg --purge "$package" || fail "cannot remove $package: another package needs it; drop that CcPackage"
	fi
done
for program in /usr/sbin/sshd /usr/bin/sudo /usr/bin/doas /usr/sbin/dropbear; do
	[ ! -e "$program" ] || fail "$program is still in the image"
done
say "no ssh server, no sudo"

# ---- 2. Accounts: root locked, no account with a password or a login shell ----
passwd --lock root >/dev/null
usermod --shell /usr/sbin/nologin root
while IFS=: read -r name hash rest; do
	case "$hash" in
		'!'* | '*'*) ;;
		*) usermod --lock "$name" >/dev/null; say "locked the password of $name" ;;
	esac
done < /etc/shadow
while IFS=: read -r name x uid gid gecos home shell; do
	case "$shell" in
		/usr/sbin/nologin | /sbin/nologin | /bin/false | /usr/bin/false | /bin/sync) ;;
		*) usermod --shell /usr/sbin/nologin "$name"; say "no login shell for $name" ;;
	esac
done < /etc/passwd
say "root locked; every account has no password and no login shell"

# ---- 3. Consoles: no getty or serial login on any console, no rescue or debug shell ----
for unit in getty@.service serial-getty@.service console-getty.service container-getty@.service autovt@.service \
	getty-static.service getty.target debug-shell.service emergency.service emergency.target rescue.service \
	rescue.target ctrl-alt-del.target; do
	mask "$unit"
done
rm -rf "$LOCAL_UNITS/getty.target.wants"
mkdir -p /etc/systemd/system-generators
for generator in systemd-getty-generator systemd-debug-generator systemd-gpt-auto-generator; do
	rm -f "/etc/systemd/system-generators/$generator"
	ln -s /dev/null "/etc/systemd/system-generators/$generator"
done
install_file /etc/systemd/logind.conf.d/90-ccimage-hardening.conf 0644 <<'CCIMAGE_EOF'
# CcImage HardenImage: no virtual terminals with logins.
[Login]
NAutoVTs=0
ReserveVT=0
CCIMAGE_EOF
say "gettys, serial gettys, rescue, emergency and debug shells masked"

# ---- 4. Kernel and sysctl hardening, no core dumps ----
install_file /etc/sysctl.d/90-ccimage-hardening.conf 0644 <<'CCIMAGE_EOF'
# CcImage HardenImage (docs/harden-image.md): kernel and network settings applied at every boot by systemd-sysctl.
kernel.kptr_restrict = 2
kernel.dmesg_restrict = 1
kernel.printk = 3 3 3 3
kernel.sysrq = 0
kernel.kexec_load_disabled = 1
kernel.unprivileged_bpf_disabled = 1
net.core.bpf_jit_harden = 2
kernel.perf_event_paranoid = 3
kernel.yama.ptrace_scope = 2
kernel.unprivileged_userns_clone = 0
vm.unprivileged_userfaultfd = 0
dev.tty.ldisc_autoload = 0
kernel.core_pattern = |/bin/false
fs.suid_dumpable = 0
fs.protected_hardlinks = 1
fs.protected_symlinks = 1
fs.protected_fifos = 2
fs.protected_regular = 2
net.ipv4.ip_forward = 0
net.ipv4.conf.all.rp_filter = 1
net.ipv4.conf.default.rp_filter = 1
net.ipv4.conf.all.accept_redirects = 0
net.ipv4.conf.default.accept_redirects = 0
net.ipv4.conf.all.secure_redirects = 0
net.ipv4.conf.default.secure_redirects = 0
net.ipv4.conf.all.send_redirects = 0
net.ipv4.conf.default.send_redirects = 0
net.ipv4.conf.all.accept_source_route = 0
net.ipv4.conf.default.accept_source_route = 0
net.ipv4.icmp_echo_ignore_broadcasts = 1
net.ipv4.tcp_syncookies = 1
net.ipv6.conf.all.accept_redirects = 0
net.ipv6.conf.default.accept_redirects = 0
net.ipv6.conf.all.accept_source_route = 0
net.ipv6.conf.default.accept_source_route = 0
net.ipv6.conf.all.accept_ra = 0
net.ipv6.conf.default.accept_ra = 0
CCIMAGE_EOF
install_file /etc/security/limits.d/90-ccimage-hardening.conf 0644 <<'CCIMAGE_EOF'
# CcImage HardenImage: no core dumps (memory contents must never reach a file).
* hard core 0
CCIMAGE_EOF
install_file /etc/systemd/system.conf.d/90-ccimage-hardening.conf 0644 <<'CCIMAGE_EOF'
# CcImage HardenImage: no core dumps for any service; Ctrl-Alt-Del does nothing.
[Manager]
DefaultLimitCORE=0
CtrlAltDelBurstAction=none
CCIMAGE_EOF
install_file /etc/modprobe.d/90-ccimage-hardening.conf 0644 <<'CCIMAGE_EOF'
# CcImage HardenImage: no removable storage, no file systems the image does not use, no rarely used network protocols.
install usb-storage /bin/false
install uas /bin/false
install firewire-core /bin/false
install thunderbolt /bin/false
install cramfs /bin/false
install freevxfs /bin/false
install jffs2 /bin/false
install hfs /bin/false
install hfsplus /bin/false
install udf /bin/false
install squashfs /bin/false
install vfat /bin/false
install msdos /bin/false
install exfat /bin/false
install ntfs3 /bin/false
install fuse /bin/false
install nfs /bin/false
install nfsv3 /bin/false
install nfsv4 /bin/false
install cifs /bin/false
install 9p /bin/false
install dccp /bin/false
install sctp /bin/false
install rds /bin/false
install tipc /bin/false
install bluetooth /bin/false
CCIMAGE_EOF
say "sysctl and module hardening, core dumps off"

# ---- 5. No set-user-ID or set-group-ID programs ----
find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -path /run \) -prune -o \
	-type f \( -perm -4000 -o -perm -2000 \) -print | sort | while read -r program; do
	chmod u-s,g-s "$program"
	say "removed the set-id bits of $program"
done

# ---- 6. Mounts: nothing but the partitions the init mounts ----
for unit in proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount udisks2.service autofs.service; do
	mask "$unit"
done
say "automount and removable-media helpers masked"
# The root file system is read-only and verity-checked: no package updates, no backups of the package database.
for unit in apt-daily.timer apt-daily-upgrade.timer apt-daily.service apt-daily-upgrade.service dpkg-db-backup.timer \
	dpkg-db-backup.service; do
	mask "$unit"
done

# ---- 7. Network: nftables, default drop both ways; DHCP on the virtual NICs ----
command -v nft >/dev/null || fail "nft is not in the image (package nftables)"
printf '%s\n' "$NFTABLES_RULESET" | install_file /etc/nftables.conf 0644
[ -f "$UNITS/nftables.service" ] || fail "$UNITS/nftables.service is missing (package nftables)"
enable nftables.service sysinit.target
install_file /etc/systemd/network/80-ccimage-dhcp.network 0644 <<'CCIMAGE_EOF'
# CcImage HardenImage: IPv4 address from DHCP on the virtual NICs; no IPv6 autoconfiguration.
[Match]
Name=en* eth*

[Network]
DHCP=ipv4
LinkLocalAddressing=no
IPv6AcceptRA=no

[DHCPv4]
UseHostname=no
CCIMAGE_EOF
install_file "$LOCAL_UNITS/systemd-networkd-wait-online.service.d/90-ccimage.conf" 0644 <<'CCIMAGE_EOF'
# CcImage HardenImage: online as soon as one NIC has an address; give up after 30 s (the site then starts anyway).
[Service]
ExecStart=
ExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=30
CCIMAGE_EOF
[ -f "$UNITS/systemd-networkd.service" ] || fail "$UNITS/systemd-networkd.service is missing (package systemd)"
enable systemd-networkd.service multi-user.target
enable systemd-networkd.socket sockets.target
enable systemd-networkd-wait-online.service network-online.target
say "firewall: in ${CC_ALLOWED_IN:-nothing}; out ${CC_ALLOWED_OUT:-nothing} (and DHCP)"

# ---- 8. The site service and its report ----
mkdir -p /etc/ccimage /usr/lib/ccimage
install_file /etc/ccimage/site.env 0644 <<CCIMAGE_EOF
# CcImage HardenImage: the site service's settings (read by /usr/lib/ccimage/site-*).
CC_ROLE=$(quote "$CC_ROLE")
CC_USER=$(quote "$CC_USER")
CC_GROUP=$(quote "$CC_GROUP")
CC_NVFLARE_HOME=$(quote "$CC_NVFLARE_HOME")
CC_VENV=$(quote "$CC_VENV")
CC_WORKSPACE=$(quote "$CC_WORKSPACE")
CC_SITE_SERVICE=$(quote "$CC_SITE_SERVICE")
CC_SITE_COMMAND=$(quote "$CC_SITE_COMMAND")
CC_READ_DIRS=$(quote "$CC_READ_DIRS")
CC_WRITE_DIRS=$(quote "$CC_WRITE_DIRS")
CC_REPORT_MOUNTS=$(quote "$CC_REPORT_MOUNTS")
CC_ALLOWED_IN=$(quote "$CC_ALLOWED_IN")
CC_ALLOWED_OUT=$(quote "$CC_ALLOWED_OUT")
CCIMAGE_EOF
install_file /usr/lib/ccimage/site-prepare 0755 <<'CCIMAGE_EOF'
@ASSET site-prepare.sh@
CCIMAGE_EOF
install_file /usr/lib/ccimage/site-start 0755 <<'CCIMAGE_EOF'
@ASSET site-start.sh@
CCIMAGE_EOF
install_file /usr/lib/ccimage/site-ready 0755 <<'CCIMAGE_EOF'
@ASSET site-ready.sh@
CCIMAGE_EOF

# Folders the site writes besides its workspace; a '-' lets the service start when one is not mounted.
rw_paths="-$CC_NVFLARE_HOME/dynamic"
for folder in $CC_WRITE_DIRS; do
	rw_paths="$rw_paths -$folder"
done
if [ -n "$CC_SITE_COMMAND" ]; then
	site_condition=""
else
	site_condition="ConditionPathExists=$CC_NVFLARE_HOME/config/startup/sub_start.sh"
fi
install_file "$UNITS/ccimage-site-prepare.service" 0644 <<CCIMAGE_EOF
# CcImage HardenImage: before the site starts, checks the firewall is loaded and gives the site's data folders their owners.
[Unit]
Description=CcImage site preparation
After=nftables.service local-fs.target
Requires=nftables.service
Before=$CC_SITE_SERVICE.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/lib/ccimage/site-prepare

[Install]
WantedBy=multi-user.target
CCIMAGE_EOF
install_file "$UNITS/$CC_SITE_SERVICE.service" 0644 <<CCIMAGE_EOF
# CcImage HardenImage: the NVFlare site, as $CC_USER, behind the firewall (docs/harden-image.md).
[Unit]
Description=NVFlare site ($CC_ROLE)
After=network-online.target nftables.service ccimage-site-prepare.service
Wants=network-online.target
Requires=nftables.service ccimage-site-prepare.service
$site_condition

[Service]
Type=simple
User=$CC_USER
Group=$CC_GROUP
WorkingDirectory=$CC_WORKSPACE
Environment=PATH=$CC_VENV/bin:/usr/sbin:/usr/bin:/sbin:/bin VIRTUAL_ENV=$CC_VENV HOME=$CC_WORKSPACE PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
EnvironmentFile=-/run/ccimage/attestation.env
ExecStart=/usr/lib/ccimage/site-start
Restart=on-failure
RestartSec=5
NoNewPrivileges=yes
CapabilityBoundingSet=
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
LockPersonality=yes
ReadWritePaths=$rw_paths

[Install]
WantedBy=multi-user.target
CCIMAGE_EOF
install_file "$UNITS/ccimage-site-ready.service" 0644 <<CCIMAGE_EOF
# CcImage HardenImage: reports on the console what the running site exposes, once it started (docs/harden-image.md).
[Unit]
Description=CcImage site report
DefaultDependencies=no
After=multi-user.target ccimage-ready.service $CC_SITE_SERVICE.service
Conflicts=shutdown.target
Before=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/lib/ccimage/site-ready

[Install]
WantedBy=multi-user.target
CCIMAGE_EOF
enable ccimage-site-prepare.service multi-user.target
enable "$CC_SITE_SERVICE.service" multi-user.target
enable ccimage-site-ready.service multi-user.target
say "site service $CC_SITE_SERVICE.service enabled"

say "done"
