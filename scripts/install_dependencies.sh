#!/usr/bin/env bash
# Installs diffrecon's build and test dependencies from Debian 12's archive (as root), only those missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libtorch-dev                     # LibTorch 1.13 (CPU)
  libinsighttoolkit5-dev libgdcm-dev  # ITK 5.2 with GDCM: DICOM, NIfTI, MetaImage, NRRD
  libfftw3-dev libhdf5-dev zlib1g-dev
  dicom3tools dcm2niix             # DICOM validation in the tests (dciodvfy, dcm2niix)
  libboost-program-options-dev
  nlohmann-json3-dev               # JSON: batch manifests, QA, summaries
  chromium                         # headless: the batch report test opens report.html
  libgtest-dev
  mricron-data                     # the Colin27 head (ch2.nii.gz) for demos and training
  invesalius-examples              # a real head CT (Cranium.inv3) for CT priors and evaluation
  libarchive-dev libplist-dev      # reading InVesalius projects (a tar archive with a property list)
  bart                             # BART: ESPIRiT and file-format agreement tests
  libismrmrd-dev ismrmrd-tools     # ISMRMRD raw MRI data (reader; the test data generator)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install_dependencies: all ${#packages[@]} packages present"
  exit 0
fi
echo "install_dependencies: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
