#pragma once

#include <torch/types.h>

#include <string>

#include "core/measurement.h"

namespace diffrecon {

// Readers of scanner raw data into the in-memory MRI measurement (core/measurement.h, Modality::kMri) that
// diffrecon's own measurement files give: data complex64 [coils, Z, Y, X] (Cartesian k-space, centred:
// the zero frequency at index n/2 of each axis, so the image is centred_ifft of each axis, unitary),
// "mask" float32 (1 = sampled), parameters "fft_dims" (2: the image is the 2D inverse FFT over (Y, X) of
// each slice; 3: the 3D inverse FFT over (Z, Y, X)) and "acceleration" (sampled fraction⁻¹, when any
// line was sampled), and the geometry of the image those k-space samples reconstruct to. Noise is reported
// as "none" (the readers do not estimate it) and provenance is left empty. docs/raw_mri_formats.md has
// the details and the reasoning.
//
// Each reader stays faithful to its format's axes, so which axis is the readout differs:
//   fastMRI   Y = the file's rows (height, dim −2) = readout (kx), X = the file's columns (dim −1) =
//             phase encode (ky), Z = the file's slices. mask [1, X] (per phase-encode column).
//   ISMRMRD   X = readout (kx, the sample index of an acquisition, fastest), Y = kspace_encode_step_1
//             (ky), Z = kspace_encode_step_2 (kz) for 3D or the slice index for multi-slice 2D.
//             mask [Z, Y, 1] (per acquired line).
// In both, readout oversampling is removed as fastMRI does (centred inverse FFT along the readout, the
// centre kept at reconSpace matrix x samples, FFT back), so the readout axis has the reconstruction's size.
//
// All errors are IoError "<path>: <field>: <expected, found>" (a missing, non-HDF5, corrupt, truncated or
// inconsistent file, or one this reader does not support), every array's size is checked before it is
// allocated, and the result passes validate(). Tensors are on the CPU.

// fastMRI HDF5 (facebookresearch/fastMRI): dataset "kspace" complex64 [slices, coils, rows, cols]
// (multi-coil) or [slices, rows, cols] (single-coil) and the ISMRMRD XML header "ismrmrd_header"; an
// optional "mask" [cols] (test and challenge files) gives the mask, otherwise a column is sampled when any
// of its values is non-zero. Geometry: identity direction, origin centring the volume on (0, 0, 0) (fastMRI
// files carry no patient position); spacing from the header (encodedSpace field of view over the k-space
// samples in-plane, reconSpace field of view z as the slice thickness). fft_dims = 2.
Measurement read_fastmri(const std::string& path);

// ISMRMRD / MRD raw data (HDF5 group "/dataset": "xml" header and "data" acquisitions), Cartesian
// trajectories only. Acquisitions flagged as noise measurement, navigator, phase correction, feedback,
// dummy scan, surface-coil correction or phase stabilisation are skipped, as are those of an encoding other
// than 0 and those with contrast, phase, set or repetition other than 0 (the first image of a series);
// averages and repeated lines are averaged; parallel-imaging calibration lines are k-space of the same
// image and kept, unless the header's calibrationMode is "separate" or "external". Coils are the active
// channels. 3D (encodedSpace matrix z > 1): fft_dims = 3, Z = kz; otherwise fft_dims = 2, Z = slices in
// order of position along the slice direction. Geometry from the header (spacing) and the acquisitions'
// position / read_dir / phase_dir / slice_dir, which ISMRMRD defines in the scanner's patient coordinate
// system, DICOM's LPS, as diffrecon's geometry (no conversion needed); files without directions (e.g. the
// synthetic ones of ismrmrd_generate_cartesian_shepp_logan) get the identity direction and a centred origin.
// Coil sensitivities stored as the NDArray "/dataset/csm" (as ismrmrd_generate_cartesian_shepp_logan writes
// them: [1, coils, (Z,) Y, X] complex) become the array "coil_maps" [coils, Z, Y, X].
Measurement read_ismrmrd(const std::string& path);

// The fastMRI file's own reference image "reconstruction_rss" (float32 [slices, rows, cols], the root sum
// of squares of the fully sampled coil images, centre-cropped to rows × cols), or an undefined tensor when
// the file has none. Errors as read_fastmri.
torch::Tensor read_fastmri_reference(const std::string& path);

// Whether `path` is an HDF5 file with a dataset "kspace" at its root (a fastMRI file). Never throws.
bool is_fastmri_file(const std::string& path);

// Whether `path` is an HDF5 file with a dataset "/dataset/data" or "/dataset/xml" (ISMRMRD). Never throws.
bool is_ismrmrd_file(const std::string& path);

}  // namespace diffrecon
