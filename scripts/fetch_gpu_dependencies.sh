#!/usr/bin/env bash
# Unpacks what scripts/gpu_check.sh needs beside PyTorch into DIR (default .gpu-deps), from Debian's
# archive, on a Debian machine with network access: FFTW (single and double precision, with threads)
# and GoogleTest. A GPU machine without them then builds with `gpu_check.sh --deps DIR`. The packages
# are unpacked, not installed (dpkg -x), so this needs no root and changes nothing on the system.
#   scripts/fetch_gpu_dependencies.sh [DIR]
set -euo pipefail
dir=$(realpath -m "${1:-.gpu-deps}")
packages=(libfftw3-dev libfftw3-single3 libfftw3-double3 libgtest-dev)
download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
(cd "$download" && apt-get download "${packages[@]}")
mkdir -p "$dir"
for deb in "$download"/*.deb; do dpkg -x "$deb" "$dir"; done
# Only the shared FFTW libraries, headers and GoogleTest's static ones are used: keep the copy small
# (it travels to the GPU machine).
find "$dir/usr/lib" -name 'libfftw3*.a' -delete
rm -rf "$dir/usr/share"
echo "unpacked ${packages[*]} into $dir"
