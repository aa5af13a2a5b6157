#!/usr/bin/env bash
# MRI benchmark: operator speed, and diffrecon beside BART's pics at matched settings on the same data and
# maps, for 2D Poisson disc x4 and x8.
#   bench/mri/run.sh [BUILD_DIR]        (after building; needs Debian's bart; about 10 minutes on 2 cores)
# Matched settings: both sides minimise 1/2 |A x - y|^2 + lambda c R(x) with the same unitary centred FFT
# and normalised coil maps, c the intensity scale of diffrecon's zero-filled image (its 99.9th percentile,
# the unit of diffrecon's lambda); BART gets -w c -S (its data divided by c, its image multiplied back),
# so its lambda means diffrecon's and both images are scored as they are. R: isotropic in-plane TV
# (BART -R T:3:0:lambda, joint thresholding of the y and x differences; diffrecon admm-tv, whose
# defaults are --tv xy --tv-norm isotropic) or the l1 norm of in-plane Daubechies-2 wavelets with random
# shifts (BART -R W:3:0:lambda; diffrecon cs-wavelet).
# Iterations: diffrecon's methods stop on their rules (admm-tv: Boyd's residuals 1e-3; cs-wavelet: relative
# change 1e-3 of the averaged image, at most 100 iterations, or 50); BART runs TV at -i 100 and 1000 (for
# ADMM, -i bounds the CG iterations in all; by 1000 its residuals are about 1e-3: converged), wavelets at
# -i 100 and 300. The iter column: ADMM or FISTA iterations (CG iterations for CG).
# Environment: LAMBDA_TV, LAMBDA_WAVELET (default 0.002), BART_TV_ITERATIONS (default "100 1000"),
# BART_WAVELET_ITERATIONS (default "100 300"), SLICES (16).
set -euo pipefail
build=${1:-build}
bench="$build/bin/diffrecon_mri_benchmark"
[[ -x $bench ]] || { echo "run.sh: $bench not found: build first (cmake --build $build)" >&2; exit 1; }
command -v bart > /dev/null || { echo "run.sh: needs bart (apt-get install bart)" >&2; exit 1; }
lambda_tv=${LAMBDA_TV:-0.002}
lambda_wavelet=${LAMBDA_WAVELET:-0.002}
bart_tv_iterations=${BART_TV_ITERATIONS:-100 1000}
bart_wavelet_iterations=${BART_WAVELET_ITERATIONS:-100 300}
slices=${SLICES:-16}

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
row() { printf '%-58s %8s %9s %7s %6s\n' "$@"; }
diffrecon_run() {  # label, method, settings...
  local label=$1; shift
  IFS=$'\t' read -r seconds psnr ssim iterations < <("$bench" reconstruct "$slices" "$acceleration" "$@" 2> /dev/null)
  row "$label" "$seconds" "$psnr" "$ssim" "$iterations"
}
bart_run() {  # name, pics arguments
  local name=$1; shift
  local start end iterations psnr ssim
  start=$(date +%s.%N)
  bart pics -d4 -w "$scale" -S "$@" "$work/kspace" "$work/maps" "$work/$name" > "$work/$name.log" 2>&1
  end=$(date +%s.%N)
  # ADMM: one residual line per iteration at debug level 4 (its -i bounds the CG iterations in all);
  # FISTA: "FISTA iterations: N"; CG: "cg: N".
  iterations=$(awk -F'\t' 'NF >= 10 && $1 ~ /^ *[0-9]+$/ { n++ } END { if (n) print n }' "$work/$name.log")
  [[ -n $iterations ]] || iterations=$(grep -oE '(FISTA iterations|cg): *[0-9]+' "$work/$name.log" | tail -1 | grep -oE '[0-9]+$' || true)
  IFS=$'\t' read -r psnr ssim < <("$bench" score "$work" "$name")
  row "BART pics $*" "$(printf '%.2f' "$(echo "$end - $start" | bc)")" "$psnr" "$ssim" "${iterations:--}"
}

for acceleration in 4 8; do
  scale=$("$bench" export "$work" "$slices" "$acceleration")
  echo
  echo "Colin27 test slab, central $slices slices (128 x 128, 1.76 mm), 8 birdcage coils, 2D Poisson disc x$acceleration,"
  echo "noiseless, the true coil maps; intensity scale c = $scale (BART: -w c -S); PSNR/SSIM (3D) against the truth"
  row method "time [s]" "PSNR [dB]" SSIM iter
  diffrecon_run "diffrecon zero-filled" zero-filled
  diffrecon_run "diffrecon cg-sense (30 CG)" cg-sense
  bart_run cg -l2 -r 0 -i 30
  diffrecon_run "diffrecon admm-tv --lambda $lambda_tv (isotropic, xy)" admm-tv lambda="$lambda_tv"
  for i in $bart_tv_iterations; do bart_run "tv$i" -R "T:3:0:$lambda_tv" -i "$i"; done
  diffrecon_run "diffrecon cs-wavelet --lambda $lambda_wavelet" cs-wavelet lambda="$lambda_wavelet"
  diffrecon_run "diffrecon cs-wavelet --lambda $lambda_wavelet --iterations 50" cs-wavelet \
    lambda="$lambda_wavelet" iterations=50
  for i in $bart_wavelet_iterations; do bart_run "wavelet$i" -R "W:3:0:$lambda_wavelet" -i "$i"; done
done
