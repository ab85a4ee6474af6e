#!/bin/sh
# CcImage HardenImage: /usr/lib/ccimage/site-start, the site service's program, run as the service account in the
# workspace (docs/harden-image.md). With a site command (CcSiteCommand) it runs that. Otherwise it starts NVFlare from
# the startup kit on the config partition (read-only, dm-verity): the kit's startup/ and site_conf/ (NVFlare's local/)
# are copied into the workspace on the encrypted dynamic partition, where NVFlare writes its logs and state, and the
# kit's sub_start.sh runs in the foreground (start.sh would put it in the background).
set -eu
. /etc/ccimage/site.env

if [ -n "$CC_SITE_COMMAND" ]; then
	cd "$CC_WORKSPACE"
	exec /bin/sh -c "$CC_SITE_COMMAND"
fi

kit=$CC_NVFLARE_HOME/config
[ -f "$kit/startup/sub_start.sh" ] || { echo "site-start: no startup kit at $kit/startup" >&2; exit 1; }
rm -rf "$CC_WORKSPACE/startup" "$CC_WORKSPACE/local"
cp -R "$kit/startup" "$CC_WORKSPACE/startup"
mkdir -p "$CC_WORKSPACE/local"
if [ -d "$kit/site_conf" ]; then
	cp -R "$kit/site_conf/." "$CC_WORKSPACE/local/"
fi
cd "$CC_WORKSPACE"
exec /bin/bash "$CC_WORKSPACE/startup/sub_start.sh"
