#!/usr/bin/env bash
# Every test: the release build's tests, then the same tests built with AddressSanitizer and
# UndefinedBehaviorSanitizer, then the Python package's tests (pytest, notebooks included) against
# the release build. Run scripts/bootstrap.sh first (the README's command does).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

echo "== tests (release build)"
ctest --test-dir build/release --output-on-failure -j "$jobs"

echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer build)"
# No Python module here: it is built into python/plantwin/, where the release build's must stay.
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPLANTWIN_SANITIZE=ON -DPLANTWIN_WERROR=ON \
  -DPLANTWIN_BENCH=OFF -DPLANTWIN_PYTHON=OFF >/dev/null
cmake --build build/asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j "$jobs" -LE slow

echo "== Python tests (pytest with /usr/bin/python3; executed notebooks in build/notebooks)"
PYTHONPATH="$(pwd)/python" PLANTWIN_CLI="$(pwd)/build/release/engine/plantwin" \
  PLANTWIN_NOTEBOOK_OUT="$(pwd)/build/notebooks" /usr/bin/python3 -m pytest python/tests -q
echo "== all tests passed"
