#!/usr/bin/env bash
# Placeholder for the NVFlare server startup kit's sub_start.sh: replace server1/ with the kit `nvflare provision` writes.
exec python3 -u -m nvflare.private.fed.app.server.server_train -m "$(dirname "$0")/.." -s fed_server.json \
  --set secure_train=true config_folder=config org=nvidia
