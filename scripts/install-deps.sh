#!/usr/bin/env bash
# Installs every build, test and runtime dependency of clinvid from Debian 12 packages.
# Idempotent: when everything is already present it only checks, and changes nothing.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang-format
  # fuzzers (libFuzzer ships with clang's runtime)
  clang libclang-rt-14-dev
  # core libraries
  libexpected-dev libfmt-dev nlohmann-json3-dev libcli11-dev libeigen3-dev
  libsodium-dev libssl-dev libsqlite3-dev libpng-dev zlib1g-dev
  # computer vision: ColorChecker detection (mcc), optical flow for point tracking
  libopencv-dev libopencv-contrib-dev
  # tests (opencv-doc carries vtest.avi: real footage of people walking, for the movement tests)
  libgtest-dev libgmock-dev opencv-doc
  # Vulkan: loader, headers, glslc, lavapipe, vulkaninfo
  libvulkan-dev glslc spirv-tools mesa-vulkan-drivers vulkan-tools
  # GStreamer
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav
  # FFmpeg
  ffmpeg libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
  # text of titles, captions and annotations (one rasteriser for preview and export)
  libfreetype-dev fonts-dejavu-core
  # studio
  libimgui-dev libglfw3-dev xvfb xauth
  # interop peer for the age format
  age
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when they are absent or older than a day.
if [[ -z $(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 -print -quit 2>/dev/null) ]]; then
  $SUDO apt-get update -q
fi
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
