#!/usr/bin/env bash
# Classical CT side by side with scikit-image (Debian python3-skimage, python3-h5py), the issue's yardstick:
#   bench/ct/classical.sh [BUILD_DIR] [PART] [VIEWS]     (defaults: build, test, 8; a few minutes on 2 cores)
# 1. 8-view CT of the central 16 slices of a Colin27 part (127², 1.76 mm): scikit-image FBP and SART+TV
#    and diffrecon's FBP, ADMM-TV and primal-dual TV, each on sinograms made by scikit-image's radon and by
#    diffrecon's projector (each side's inverse crime shown). Settings are chosen with PART=training.
# 2. The field of view: FBP-180 on a detector that just covers the inscribed circle.
set -euo pipefail
build=${1:-build}
part=${2:-test}
views=${3:-8}
here=$(cd "$(dirname "$0")" && pwd)
bench="$build/bin/diffrecon_ct_benchmark"
[[ -x $bench && -x $build/bin/diffrecon ]] || { echo "classical.sh: build first (cmake --build $build)" >&2; exit 1; }
/usr/bin/python3 -c "import skimage, h5py" 2>/dev/null ||
  { echo "classical.sh: needs python3-skimage and python3-h5py (apt-get install python3-skimage python3-h5py)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo
echo "$views-view CT, central 16 slices of the Colin27 $part part (127 x 127, 1.76 mm), noiseless"
"$bench" slab-export "$work" "$part" 16 "$views"
/usr/bin/python3 "$here/classical_reference.py" "$work" "$build/bin/diffrecon" "$views" \
  "FBP=--method fbp" "ADMM-TV=--method admm-tv" "primal-dual TV=--method primal-dual-tv" 2>/dev/null
echo
echo "Field of view: FBP of 180 views on a 127-bin detector (the inscribed circle), the modified Shepp-Logan"
echo "head in a body ellipse reaching outside it (8 x 127^2); PSNR [dB] over the whole slice"
"$bench" fov-export "$work"
/usr/bin/python3 "$here/classical_reference.py" fov "$work" "$build/bin/diffrecon" 2>/dev/null
