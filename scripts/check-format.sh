#!/usr/bin/env bash
# Fails when any first-party C++ source differs from what clang-format would write.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard \
  '*.cpp' '*.hpp' '*.h' '*.cc' | grep -v '^build')
if ((${#files[@]} == 0)); then echo "check-format: no sources"; exit 0; fi
clang-format --dry-run --Werror "${files[@]}"
echo "check-format: ${#files[@]} files clean"
