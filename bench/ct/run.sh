#!/usr/bin/env bash
# CT benchmark: diffrecon's parallel-beam projector against scikit-image's radon/iradon (Debian
# python3-skimage) on the same sizes in the same run, and FBP against iradon on Colin27.
#   bench/ct/run.sh [BUILD_DIR]        (after building; about 5 minutes on 2 cores)
# Throughput is voxel-view updates per second: slices × n² × views / seconds. diffrecon projects whole
# n³ volumes on all cores; skimage projects one slice at a time on one core, so it is timed on a few
# slices (its cost per slice does not depend on the volume).
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
bench="$build/bin/diffrecon_ct_benchmark"
[[ -x $bench ]] || { echo "run.sh: $bench not found: build first (cmake --build $build)" >&2; exit 1; }
/usr/bin/python3 -c "import skimage, h5py" 2>/dev/null ||
  { echo "run.sh: needs python3-skimage and python3-h5py (apt-get install python3-skimage python3-h5py)" >&2; exit 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
for size in 128 256; do
  for views in 8 60 180; do
    "$bench" throughput "$size" "$views" >> "$results/diffrecon.tsv"
    slices=$(( size == 256 && views == 180 ? 2 : 4 ))
    /usr/bin/python3 "$here/skimage_reference.py" throughput "$size" "$views" "$slices" >> "$results/skimage.tsv"
  done
done
/usr/bin/python3 - "$results/diffrecon.tsv" "$results/skimage.tsv" <<'PY'
import sys
ours = [line.split("\t") for line in open(sys.argv[1]).read().split("\n") if line]
theirs = [line.split("\t") for line in open(sys.argv[2]).read().split("\n") if line]
print("\nforward (A) and back projection (A^T), voxel-view updates per second")
print(f"{'volume':>7} {'views':>5} | {'diffrecon A':>11} {'skimage':>9} {'ratio':>6} | {'diffrecon AT':>12} {'skimage':>9} {'ratio':>6}"
      f" | {'A+AT ratio':>10} | {'peak MiB':>8}")
for o, t in zip(ours, theirs):
    n, views = int(o[0]), int(o[1])
    fo, bo, ft, bt = float(o[5]), float(o[6]), float(t[5]), float(t[6])
    both = (1 / ft + 1 / bt) / (1 / fo + 1 / bo)   # time per update, skimage over diffrecon
    print(f"{n:>5}^3 {views:>5} | {fo:>11.3g} {ft:>9.3g} {fo / ft:>6.1f} | {bo:>12.3g} {bt:>9.3g}"
          f" {bo / bt:>6.1f} | {both:>10.1f} | {float(o[7]):>8.0f}")
PY

echo
echo "FBP against skimage's iradon: Colin27 127^3 (1.76 mm), 180 views, noiseless, ram-lak, linear interpolation"
"$bench" fbp-export "$results"
/usr/bin/python3 "$here/skimage_reference.py" fbp "$results"
