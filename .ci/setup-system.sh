#!/usr/bin/env bash
# Installs the system packages a fresh machine lacks: Mesa lavapipe 25 (bookworm-backports) so Dawn finds a
# Vulkan adapter, Debian's chromium for the browser runs (never a test tool's own browser download), and Debian's
# ffmpeg (video decoding and encoding: src/video/sources-node.ts, `facegpu video`). Idempotent; needs root (or sudo).
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
if [ ! -f /etc/apt/sources.list.d/bookworm-backports.sources ]; then
  $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
need=0
dpkg -s mesa-vulkan-drivers 2>/dev/null | grep -q '^Version: 25' || need=1
dpkg -s libvulkan1 >/dev/null 2>&1 || need=1
[ -x /usr/bin/chromium ] || need=1
[ -x /usr/bin/ffmpeg ] || need=1
if [ "$need" = 1 ]; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q -t bookworm-backports mesa-vulkan-drivers libvulkan1
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium ffmpeg
fi
