#!/usr/bin/python3
"""scikit-image's radon/iradon on the same problems as diffrecon_ct_benchmark (bench/ct/run.sh).

  skimage_reference.py throughput SIZE VIEWS SLICES   one TSV line in diffrecon_ct_benchmark's format
  skimage_reference.py fbp DIR                         iradon of DIR/sinogram.h5 against DIR/truth.nii

skimage works on one 2D slice at a time in one thread; a volume costs SLICES times one slice.
"""
import sys
import time
import resource

import h5py
import numpy as np
from skimage.transform import iradon, radon


def read_nifti(path):
    """float32 [Z, Y, X] from an uncompressed NIfTI-1 file."""
    with open(path, "rb") as f:
        header = f.read(352)
        dims = np.frombuffer(header, "<i2", 8, 40)
        datatype = np.frombuffer(header, "<i2", 1, 70)[0]
        offset = int(np.frombuffer(header, "<f4", 1, 108)[0])
        assert datatype == 16, "expected float32 voxels"
        f.seek(offset)
        count = int(dims[1]) * int(dims[2]) * int(dims[3])
        return np.frombuffer(f.read(4 * count), "<f4").reshape(dims[3], dims[2], dims[1])


def psnr(reference, estimate):
    data_range = reference.max() - reference.min()
    mse = np.mean((reference.astype(np.float64) - estimate) ** 2)
    return 10 * np.log10(data_range ** 2 / mse)


def throughput(size, views, slices):
    rng = np.random.default_rng(0)
    theta = np.arange(views) * 180.0 / views
    images = rng.random((slices, size, size))
    radon(images[0], theta, circle=False)  # warm-up
    start = time.perf_counter()
    sinograms = [radon(image, theta, circle=False) for image in images]
    forward = time.perf_counter() - start
    start = time.perf_counter()
    for sinogram in sinograms:
        iradon(sinogram, theta, output_size=size, filter_name=None, circle=False)
    back = time.perf_counter() - start
    updates = float(slices) * size * size * views
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{size}\t{views}\t{slices}\t{forward:.4f}\t{back:.4f}\t{updates / forward:.4g}\t{updates / back:.4g}\t{peak:.0f}")


def fbp(directory):
    truth = read_nifti(f"{directory}/truth.nii")
    ours = read_nifti(f"{directory}/fbp.nii")
    with h5py.File(f"{directory}/sinogram.h5", "r") as f:
        sinogram = f["data"][...]                      # [Z, views, bins], line integrals in mm
        angles = f["forward_model/angles"][...]
        spacing = f["geometry"].attrs["spacing"][0]    # mm per pixel; skimage works in pixels
    size = truth.shape[2]
    # diffrecon measures θ from +x towards +y (rows grow with y); skimage's radon turns the other way.
    theta = -np.degrees(angles)
    start = time.perf_counter()
    theirs = np.stack([iradon(s.T / spacing, theta, output_size=size, filter_name="ramp", interpolation="linear",
                              circle=False) for s in sinogram])
    seconds = time.perf_counter() - start
    # The projector agrees with skimage's radon on the truth (a check of the shared conventions).
    middle = truth.shape[0] // 2
    radon_middle = radon(truth[middle].astype(np.float64), theta, circle=False) * spacing
    bins = min(radon_middle.shape[0], sinogram.shape[2])  # both centred on bin size // 2
    ours_middle = sinogram[middle].T[:bins]
    projector_difference = np.linalg.norm(radon_middle[:bins] - ours_middle) / np.linalg.norm(ours_middle)
    print(f"psnr_diffrecon_fbp\t{psnr(truth, ours):.3f}")
    print(f"psnr_skimage_iradon\t{psnr(truth, theirs):.3f}")
    print(f"skimage_iradon_seconds\t{seconds:.3f}")
    print(f"projector_vs_radon_relative_difference\t{projector_difference:.4f}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "throughput":
        throughput(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) == 3 and sys.argv[1] == "fbp":
        fbp(sys.argv[2])
    else:
        sys.exit(__doc__)
