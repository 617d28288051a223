#!/usr/bin/env bash
# Installs what is missing on Debian 12 (apt-get, as root), then configures and builds plantwin
# in build/release, puts a `plantwin` command on PATH and makes `import plantwin` work. Safe to run
# again: it installs nothing that is there and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  ca-certificates g++ cmake ninja-build pkg-config git
  libsimgrid-dev libboost-graph-dev libboost-dev libyaml-cpp-dev pybind11-dev catch2
  python3 python3-dev python3-numpy python3-pandas python3-matplotlib python3-pytest
  python3-nbclient python3-nbformat python3-ipykernel python3-distributed python3-tqdm
  chromium chromium-driver python3-selenium   # the replay's browser tests (python/tests/test_view.py)
  mosquitto libmosquitto-dev python3-paho-mqtt   # the live twin's broker and its tests (python/tests/test_live_twin.py)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The browser tests' driver and the local services are reached at "localhost": a bare root (a
# debootstrap chroot has no /etc/hosts) cannot resolve it. Add the standard entry only then.
if ! getent hosts localhost >/dev/null 2>&1; then
  if { [ -e /etc/hosts ] && [ -w /etc/hosts ]; } || { [ ! -e /etc/hosts ] && [ -w /etc ]; }; then
    echo "bootstrap: 'localhost' does not resolve: adding '127.0.0.1 localhost' to /etc/hosts"
    echo "127.0.0.1 localhost" >> /etc/hosts
  else
    echo "bootstrap: 'localhost' does not resolve and /etc/hosts is not writable: the browser tests will fail"
  fi
fi

cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DPLANTWIN_WERROR=ON >/dev/null
cmake --build build/release

# `import plantwin` from any directory with Debian's /usr/bin/python3: a .pth file puts this
# checkout's python/ (where the build placed _plantwin) on its path.
site=$(/usr/bin/python3 -c 'import site; print(next((p for p in site.getsitepackages() if p.startswith("/usr/local")), ""))')
if [ -n "$site" ] && { [ -w "$(dirname "$site")" ] || [ -w "$site" ]; }; then
  mkdir -p "$site"
else
  site=$(/usr/bin/python3 -m site --user-site)
  mkdir -p "$site"
fi
echo "$(pwd)/python" > "$site/plantwin.pth"

# `plantwin` on PATH, as the README calls it: a link to this checkout's build in /usr/local/bin
# when that is writable (root), else in ~/.local/bin. PLANTWIN_BIN_DIR chooses another directory.
bin_dir=${PLANTWIN_BIN_DIR:-/usr/local/bin}
if [ -z "${PLANTWIN_BIN_DIR:-}" ] && [ ! -w "$bin_dir" ]; then
  bin_dir="$HOME/.local/bin"
fi
mkdir -p "$bin_dir"
ln -sfn "$(pwd)/build/release/engine/plantwin" "$bin_dir/plantwin"
echo "bootstrap: $bin_dir/plantwin -> $(pwd)/build/release/engine/plantwin"
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) echo "bootstrap: $bin_dir is not on PATH: add it (export PATH=\"$bin_dir:\$PATH\") or call build/release/engine/plantwin" ;;
esac
