#!/bin/sh
# CcImage workload start (docs/nvflare-provisioning.md), run by ccimage-workload.service. Reads
# /etc/ccimage/workload.env, loads the site's image archive (verity-protected partition) into podman's storage on the
# encrypted /vault, checks that the loaded image is the one the build recorded, and runs it in the foreground with
# NVFlare's entrypoint, the startup kit read-only and the encrypted workspace. Each step prints one "ccimage: workload"
# line on the console.
set -eu

# shellcheck source=/dev/null # written per site by the build
. /etc/ccimage/workload.env

say() {
	echo "ccimage: workload $*"
}

fail() {
	say "FAILED: $*"
	exit 1
}

[ -r "$CCIMAGE_WORKLOAD_ARCHIVE" ] || fail "no image archive at $CCIMAGE_WORKLOAD_ARCHIVE"
mkdir -p "$CCIMAGE_VAULT/containers/storage" "$CCIMAGE_VAULT/containers/tmp" "$CCIMAGE_VAULT/workspace"
export TMPDIR="$CCIMAGE_VAULT/containers/tmp"

if ! podman image exists "$CCIMAGE_WORKLOAD_IMAGE"; then
	archive=$CCIMAGE_WORKLOAD_ARCHIVE
	case "$archive" in
		*.gz)
			# podman would unpack a compressed archive into /var/tmp, which is read-only here: unpack it on /vault.
			archive=$TMPDIR/image.tar
			gzip -dc "$CCIMAGE_WORKLOAD_ARCHIVE" > "$archive" || fail "cannot decompress $CCIMAGE_WORKLOAD_ARCHIVE"
			;;
	esac
	podman load --quiet --input "$archive" >/dev/null || fail "podman could not load $CCIMAGE_WORKLOAD_ARCHIVE"
	[ "$archive" = "$CCIMAGE_WORKLOAD_ARCHIVE" ] || rm -f "$archive"
fi
loaded=$(podman image inspect --format '{{.Id}}' "$CCIMAGE_WORKLOAD_IMAGE" 2>/dev/null) || fail "the archive does not hold image $CCIMAGE_WORKLOAD_IMAGE"
[ "$loaded" = "$CCIMAGE_WORKLOAD_IMAGE" ] || fail "loaded image $loaded is not $CCIMAGE_WORKLOAD_IMAGE"
say "loaded $CCIMAGE_WORKLOAD_IMAGE"

# The attestation device and the GPUs, when the VM has them.
devices=""
for device in /dev/sev-guest /dev/nvidiactl /dev/nvidia-uvm /dev/nvidia[0-9]*; do
	[ -e "$device" ] && devices="$devices --device $device"
done

say "starting $CCIMAGE_WORKLOAD_ENTRYPOINT"
# shellcheck disable=SC2086 # $devices and $CCIMAGE_WORKLOAD_ARGS are lists of words
exec podman run --rm --name ccimage-workload --pull never --network host \
	--volume /user_config:/user_config:ro \
	--volume "$CCIMAGE_VAULT:$CCIMAGE_VAULT" \
	--volume /applog:/applog \
	--volume /user_data:/user_data \
	--volume /etc/ccimage:/etc/ccimage:ro \
	--volume /usr/lib/ccimage/host-bin:/host/bin:ro \
	$devices \
	--entrypoint "$CCIMAGE_WORKLOAD_ENTRYPOINT" \
	"$CCIMAGE_WORKLOAD_IMAGE" $CCIMAGE_WORKLOAD_ARGS
