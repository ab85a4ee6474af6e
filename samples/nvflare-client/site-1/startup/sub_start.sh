#!/usr/bin/env bash
# Placeholder for the NVFlare client startup kit's sub_start.sh: replace site-1/ with the kit `nvflare provision` writes.
exec python3 -u -m nvflare.private.fed.app.client.client_train -m "$(dirname "$0")/.." -s fed_client.json \
  --set secure_train=true uid=site-1 config_folder=config org=nvidia
