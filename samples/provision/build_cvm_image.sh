#!/bin/sh
# NVFlare's OnPremPackager runs this with one argument, the site's cc_config (a temporary copy with user_config.nvflare
# set to the site's startup kit), and reads "CVM Bundle <path> is ready" from its output. It resolves this file's path
# against that temporary copy's folder, so give build_image_cmd as an absolute path in project.yml.
exec ccimage build-cvm "$@"
