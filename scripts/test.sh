#!/usr/bin/env bash
# Everything CI checks, in order: dependencies, formatting, a release build with warnings as
# errors and all its tests, then an ASan+UBSan build and all its tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
source scripts/common.sh
start=$(date +%s)
stage_start=$start
# Prints how long the stage just finished took, so CI time can be watched stage by stage.
stage_done() {
  local now
  now=$(date +%s)
  echo "-- $1: $((now - stage_start)) s"
  stage_start=$now
}

echo "== clang-format"
bash scripts/check-format.sh
stage_done "format"

echo "== release build, warnings are errors"
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCLINVID_WERROR=ON >/dev/null
cmake --build build/release -j "$JOBS"
stage_done "release build"
ctest --test-dir build/release --output-on-failure -j 2 --timeout 600
stage_done "release tests"

echo "== ASan+UBSan build"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCLINVID_SANITIZE=ON \
  -DCLINVID_WERROR=ON >/dev/null
cmake --build build/asan -j "$JOBS"
stage_done "ASan+UBSan build"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizer/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# GStreamer scans plugins in a helper process (gst-plugin-scanner) that is not instrumented
# and so cannot load our instrumented plugin; scan inside the (instrumented) test instead.
export GST_REGISTRY_FORK=no
ctest --test-dir build/asan --output-on-failure -j 2 --timeout 900
stage_done "ASan+UBSan tests"

echo "== fuzzers (clang, libFuzzer), a short run each"
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DCLINVID_BUILD_FUZZERS=ON -DCLINVID_BUILD_STUDIO=OFF \
  -DCLINVID_TEST_DIRS=fuzz >/dev/null
cmake --build build/fuzz -j "$JOBS" --target fuzz_age_header fuzz_age_decrypt fuzz_seeds
ctest --test-dir build/fuzz -L fuzz --output-on-failure -j 2
stage_done "fuzzers"

echo "== all checks passed in $(( $(date +%s) - start )) s"
