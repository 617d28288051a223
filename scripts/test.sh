#!/usr/bin/env bash
# Every test: the release build's tests, then the same tests built with AddressSanitizer and
# UndefinedBehaviorSanitizer. Run scripts/bootstrap.sh first (the README's command does).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

echo "== tests (release build)"
ctest --test-dir build/release --output-on-failure -j "$jobs"

echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer build)"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPLANTWIN_SANITIZE=ON -DPLANTWIN_WERROR=ON \
  -DPLANTWIN_BENCH=OFF >/dev/null
cmake --build build/asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j "$jobs" -LE slow
echo "== all tests passed"
