#!/usr/bin/env bash
# Trains the priors diffrecon ships (models/, see the README's "Priors" section) with the project's own
# `diffrecon train`, on the Colin27 training part only (the lowest 55% of the head; the held-out test
# slab, the top 40%, is never read). Every stage resumes from its checkpoint, so the script can be
# stopped and run again to continue; a finished stage only rewrites its output.
#   scripts/train_priors.sh [BUILD_DIR] [WORK_DIR] [axial|coronal|ellipses ...]
set -euo pipefail
build=${1:-build}
work=${2:-build/prior_training}
shift $(( $# > 2 ? 2 : $# ))
priors=("${@:-axial ellipses coronal}")
here=$(cd "$(dirname "$0")/.." && pwd)
diffrecon="$build/bin/diffrecon"
[[ -x $diffrecon ]] || { echo "train_priors.sh: $diffrecon not found: build first" >&2; exit 1; }
mkdir -p "$work" "$here/models"
training="$work/colin27_training.nii.gz"
[[ -f $training ]] || "$diffrecon" dataset --name colin27 --part training --output "$training"

# train NAME CHECKPOINT OUTPUT STEPS PATCH BATCH [OPTIONS...]: one stage, resumed when a checkpoint exists.
train() {
  local checkpoint=$1 output=$2 steps=$3 patch=$4 batch=$5
  shift 5
  local resume=()
  [[ -f $checkpoint ]] && resume=(--resume)
  "$diffrecon" train "$@" --size 128 --patch "$patch" --batch "$batch" --steps "$steps" --seed 1 \
    --checkpoint "$checkpoint" --checkpoint-every 250 --output "$output" "${resume[@]}"
}

for prior in ${priors[*]}; do
  case $prior in
    axial)  # local detail on 64² patches, then whole slices for the global layout of a head
      train "$work/axial.checkpoint.h5" "$work/axial_patches.h5" 4000 64 8 --volumes "$training" --plane axial
      train "$work/axial.checkpoint.h5" "$here/models/colin27_axial.h5" 7000 128 4 --volumes "$training" --plane axial ;;
    coronal)  # coronal slices of the training part: its z-range only, zero-padded to 128²
      train "$work/coronal.checkpoint.h5" "$work/coronal_patches.h5" 1500 64 8 --volumes "$training" --plane coronal
      train "$work/coronal.checkpoint.h5" "$here/models/colin27_coronal.h5" 2000 128 4 --volumes "$training" --plane coronal ;;
    ellipses)  # DDIP's out-of-distribution prior: random ellipse phantoms, no patient data at all
      train "$work/ellipses.checkpoint.h5" "$work/ellipses_patches.h5" 1000 64 8 --phantom ellipses
      train "$work/ellipses.checkpoint.h5" "$here/models/ellipses_axial.h5" 1800 128 4 --phantom ellipses ;;
    *) echo "train_priors.sh: unknown prior '$prior' (expected axial, coronal or ellipses)" >&2; exit 2 ;;
  esac
done
