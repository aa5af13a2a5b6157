#!/usr/bin/python3
"""Classical CT side by side: scikit-image and diffrecon on the same sinograms (bench/ct/classical.sh).

  classical_reference.py DIR DIFFRECON VIEWS [METHOD=ARGS ...]
  classical_reference.py fov DIR DIFFRECON

DIR holds truth.nii (μ in 1/mm) and ours.h5 (diffrecon's projector) from
`diffrecon_ct_benchmark slab-export`. The script makes the same scan with scikit-image's radon
(skimage.h5), reconstructs both sinograms with scikit-image (FBP; SART+TV: 20 × [iradon_sart with
relaxation 0.5, clip at 0, denoise_tv_chambolle weight 0.01], on the image in [0, 1] units, μ / 0.02)
and with each diffrecon method given as NAME="reconstruct options", and prints one Markdown row per
method and sinogram: time, PSNR over the slab (the truth's range as peak) and SSIM (mean over the axial
slices, skimage's structural_similarity with the truth's range).

`fov`: DIR holds fov_truth.nii and fov_analytic.h5 (`diffrecon_ct_benchmark fov-export`): 180 views on a
detector that just covers the inscribed circle, the object reaching outside it. The sinogram is made
three ways (exact line integrals, scikit-image's radon(circle=True), diffrecon's projector) and each is
reconstructed by iradon(circle=True) and diffrecon's FBP; PSNR over the whole slice.
"""
import shlex
import subprocess
import sys
import time

import h5py
import numpy as np
from skimage.metrics import structural_similarity
from skimage.restoration import denoise_tv_chambolle
from skimage.transform import iradon, iradon_sart, radon

SCALE = 0.02  # μ in 1/mm of intensity 1 (the slab export's)


def read_nifti(path):
    """float32 [Z, Y, X] from an uncompressed NIfTI-1 file."""
    with open(path, "rb") as f:
        header = f.read(352)
        dims = np.frombuffer(header, "<i2", 8, 40)
        assert np.frombuffer(header, "<i2", 1, 70)[0] == 16, "expected float32 voxels"
        offset = int(np.frombuffer(header, "<f4", 1, 108)[0])
        f.seek(offset)
        count = int(dims[1]) * int(dims[2]) * int(dims[3])
        return np.frombuffer(f.read(4 * count), "<f4").reshape(dims[3], dims[2], dims[1]).astype(np.float64)


def scores(truth, x):
    data_range = truth.max() - truth.min()
    psnr = 10 * np.log10(data_range ** 2 / np.mean((truth - x) ** 2))
    ssim = np.mean([structural_similarity(t, s, data_range=data_range) for t, s in zip(truth, x)])
    return psnr, ssim


def skimage_sinogram(truth, angles, spacing, circle):
    """Line integrals in mm, [Z, views, bins] with diffrecon's bin centre (n − 1) / 2."""
    theta = -np.degrees(angles)  # diffrecon turns from +x towards +y, skimage the other way
    sinogram = np.stack([radon(s, theta, circle=circle).T for s in truth]) * spacing
    if sinogram.shape[2] % 2 == 0:  # skimage centres an even detector on bin n / 2
        sinogram = sinogram[:, :, 1:]
    return sinogram


def write_like(template, path, sinogram, angles):
    """A diffrecon measurement file: `template`'s geometry with another sinogram and angles."""
    with h5py.File(template, "r") as src, h5py.File(path, "w") as dst:
        for name, value in src.attrs.items():
            dst.attrs[name] = value
        for group in src:
            if group != "data":
                src.copy(group, dst)
        del dst["forward_model/angles"]
        dst["forward_model/angles"] = np.asarray(angles, np.float64)
        dst["data"] = sinogram.astype(np.float32)


def read_sinogram(path):
    with h5py.File(path, "r") as f:
        return f["data"][...].astype(np.float64), f["forward_model/angles"][...], f["geometry"].attrs["spacing"][0]


def skimage_fbp(sinogram, angles, spacing, size, circle=False):
    theta = -np.degrees(angles)
    return np.stack([iradon(s.T / spacing, theta, output_size=size, filter_name="ramp", circle=circle)
                     for s in sinogram])


def skimage_sart_tv(sinogram, angles, spacing, size):
    theta = -np.degrees(angles)
    slices = []
    for s in sinogram:
        projections = s.T / (spacing * SCALE)
        x = None
        for _ in range(20):
            x = iradon_sart(projections, theta, image=x, relaxation=0.5)
            x = denoise_tv_chambolle(np.clip(x, 0, None), weight=0.01)
        first = x.shape[0] // 2 - size // 2  # iradon_sart reconstructs bins × bins around bin // 2
        slices.append(x[first:first + size, first:first + size] * SCALE)
    return np.stack(slices)


def timed(run):
    start = time.perf_counter()
    x = run()
    return x, time.perf_counter() - start


def diffrecon(binary, measurement, output, options):
    command = [binary, "reconstruct", "--input", measurement, "--output", output, "--quiet"] + shlex.split(options)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    return read_nifti(output), seconds


def main():
    directory, binary, views = sys.argv[1], sys.argv[2], int(sys.argv[3])
    methods = [arg.split("=", 1) for arg in sys.argv[4:]]
    truth = read_nifti(f"{directory}/truth.nii")
    size = truth.shape[2]
    ours, angles, spacing = read_sinogram(f"{directory}/ours.h5")
    write_like(f"{directory}/ours.h5", f"{directory}/skimage.h5",
               skimage_sinogram(truth, angles, spacing, circle=False), angles)
    theirs = read_sinogram(f"{directory}/skimage.h5")[0]

    print("| method | sinogram | time [s] | PSNR [dB] | SSIM |")
    print("| --- | --- | --- | --- | --- |")
    for label, sinogram, file in (("scikit-image", theirs, "skimage.h5"), ("diffrecon", ours, "ours.h5")):
        for name, run in (("scikit-image FBP", lambda: skimage_fbp(sinogram, angles, spacing, size)),
                          ("scikit-image SART+TV", lambda: skimage_sart_tv(sinogram, angles, spacing, size))):
            x, seconds = timed(run)
            psnr, ssim = scores(truth, x)
            print(f"| {name} | {label} | {seconds:.2f} | {psnr:.2f} | {ssim:.3f} |", flush=True)
        for name, options in methods:
            x, seconds = diffrecon(binary, f"{directory}/{file}", f"{directory}/out.nii", options)
            psnr, ssim = scores(truth, x)
            print(f"| diffrecon {name} | {label} | {seconds:.2f} | {psnr:.2f} | {ssim:.3f} |", flush=True)



def field_of_view(directory, binary):
    """FBP-180 on detectors that just cover the inscribed circle, made by three projectors."""
    print("| sinogram | scikit-image iradon(circle=True) | diffrecon FBP (field of view measured) | "
          "diffrecon FBP --field-of-view full |")
    print("| --- | --- | --- | --- |")
    truth = read_nifti(f"{directory}/fov_truth.nii")
    size = truth.shape[2]
    _, angles, spacing = read_sinogram(f"{directory}/fov_analytic.h5")
    write_like(f"{directory}/fov_analytic.h5", f"{directory}/fov_skimage.h5",
               skimage_sinogram(truth, angles, spacing, circle=True), angles)
    with h5py.File(f"{directory}/fov_analytic.h5", "r") as f:
        bins = f["data"].shape[2]
    subprocess.run([binary, "simulate", "ct", "--input", f"{directory}/fov_truth.nii", "--output",
                    f"{directory}/fov_ours.h5", "--views", str(len(angles)), "--detector-count", str(bins),
                    "--quiet"], check=True, stdout=subprocess.DEVNULL)
    for label, file in (("exact line integrals of the ellipses", "fov_analytic.h5"),
                        ("scikit-image radon(circle=True)", "fov_skimage.h5"), ("diffrecon's projector", "fov_ours.h5")):
        sinogram = read_sinogram(f"{directory}/{file}")[0]
        theirs = scores(truth, skimage_fbp(sinogram, angles, spacing, size, circle=True))[0]
        ours = scores(truth, diffrecon(binary, f"{directory}/{file}", f"{directory}/out.nii", "--method fbp")[0])[0]
        full = scores(truth, diffrecon(binary, f"{directory}/{file}", f"{directory}/out.nii",
                                       "--method fbp --field-of-view full")[0])[0]
        print(f"| {label} | {theirs:.2f} | {ours:.2f} | {full:.2f} |", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "fov":
        field_of_view(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4:
        main()
    else:
        sys.exit(__doc__)
