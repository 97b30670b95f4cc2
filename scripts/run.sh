#!/usr/bin/env bash
# The main job: install what is needed, build, and open clinvid-studio on the default local
# archive (under $XDG_DATA_HOME/clinvid) with the built-in test cameras.
# Extra arguments go to clinvid-studio (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
source scripts/common.sh

cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release > build-configure.log 2>&1 ||
  { cat build-configure.log; exit 1; }
rm -f build-configure.log
cmake --build build/release -j "$JOBS"

export GST_PLUGIN_PATH="$PWD/build/release/plugins/gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
exec build/release/bin/clinvid-studio "$@"
