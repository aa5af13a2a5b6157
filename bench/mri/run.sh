#!/usr/bin/env bash
# MRI benchmark: operator speed, and CG-SENSE / TV beside BART's pics on the same data and maps.
#   bench/mri/run.sh [BUILD_DIR]        (after building; needs Debian's bart; a few minutes on 2 cores)
set -euo pipefail
build=${1:-build}
bench="$build/bin/diffrecon_mri_benchmark"
[[ -x $bench ]] || { echo "run.sh: $bench not found: build first (cmake --build $build)" >&2; exit 1; }
command -v bart > /dev/null || { echo "run.sh: needs bart (apt-get install bart)" >&2; exit 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo
echo "operators (complex64, ms, median of 5): centred FFT vs a bare FFTW plan of the same transforms; SENSE"
printf '%-22s %4s | %8s %8s %6s | %8s %8s %8s\n' "k-space [C,Z,Y,X]" dims "FFT" "FFTW" ratio "A" "A^H" "A^H A"
while read -r c z y x d; do
  "$bench" throughput "$c" "$z" "$y" "$x" "$d" |
    awk -F'\t' '{printf "%-22s %4s | %8s %8s %6s | %8s %8s %8s\n", "["$1","$2","$3","$4"]", $5, $6, $7, $8, $9, $10, $11}'
done <<'SIZES'
8 32 256 256 2
8 128 128 128 3
SIZES

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
slices=16
echo
echo "Colin27 test slab, central $slices slices (128 x 128, 1.76 mm), 8 birdcage coils, 2D Poisson disc x4,"
echo "noiseless, the true coil maps for every method; PSNR against the truth (BART's images after a least-squares gain)"
printf '%-34s %9s %9s\n' method "time [s]" "PSNR [dB]"
"$bench" export "$work" "$slices" 4 | awk -F'\t' '{printf "%-34s %9s %9s\n", $1, $2, $3}'
bart_run() {  # name, pics arguments
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  bart pics -S "$@" "$work/kspace" "$work/maps" "$work/$name" > /dev/null 2>&1
  end=$(date +%s.%N)
  printf '%-34s %9.2f %9s\n' "BART pics $*" "$(echo "$end - $start" | bc)" "$("$bench" score "$work" "$name")"
}
bart_run cg -l2 -r 0 -i 30
bart_run tv -R T:3:0:0.005 -i 100
bart_run wavelet -l1 -r 0.005 -i 100
