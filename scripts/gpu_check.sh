#!/usr/bin/env bash
# The CUDA issue's whole GPU check on a machine with an NVIDIA GPU and a CUDA PyTorch (issue 10,
# docs/cuda.md): configures and builds the numerical core, its tests and the GPU benchmark against the
# LibTorch inside PyTorch (torch.utils.cmake_prefix_path), without ITK, HDF5 or Boost; runs the GPU
# tests (the operator contract battery on every device, CPU-vs-CUDA agreement); runs the GPU
# benchmark; prints one summary. Every stage is incremental, so running it again continues.
#
#   scripts/gpu_check.sh [--deps DIR] [--build DIR] [--jobs N] [--stages build,test,bench]
#                        [--all-tests] [--quick] [--torch-prefix DIR] [--allow-cpu] [--log FILE]
#
#   --deps DIR       FFTW and GoogleTest unpacked under DIR (scripts/fetch_gpu_dependencies.sh) for a
#                    machine that lacks them
#   --stages         any of build, test, bench (default all three)
#   --all-tests      every test that builds without data/ (default: core, operators, solvers, cuda)
#   --quick          the benchmark's small sizes
#   --torch-prefix   LibTorch's CMake prefix instead of PyTorch's
#   --allow-cpu      go on when LibTorch has no CUDA (a dry run of the script on a CPU machine)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
deps="" build="$here/build-gpu" jobs=$(nproc) stages="build,test,bench" all_tests=0 quick=()
torch_prefix="" allow_cpu=0 log=""
while (($#)); do
  case $1 in
    --deps) deps=$(realpath "$2"); shift 2 ;;
    --build) build=$(realpath -m "$2"); shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --stages) stages=$2; shift 2 ;;
    --all-tests) all_tests=1; shift ;;
    --quick) quick=(--quick); shift ;;
    --torch-prefix) torch_prefix=$2; shift 2 ;;
    --allow-cpu) allow_cpu=1; shift ;;
    --log) log=$(realpath -m "$2"); shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "gpu_check.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -n $log ]]; then exec > >(tee "$log") 2>&1; fi
stage() { [[ ,$stages, == *,$1,* ]]; }
say() { printf '\n== %s\n' "$*"; }

say "machine"
date -u '+%Y-%m-%d %H:%M UTC'
gpu=$(nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader 2>/dev/null | head -1 || true)
echo "GPU: ${gpu:-none found (nvidia-smi)}"
torch_version=""
if [[ -z $torch_prefix ]]; then
  read -r torch_version torch_cuda torch_prefix < <(python3 -c \
    'import torch; print(torch.__version__, torch.version.cuda, torch.utils.cmake_prefix_path)')
  echo "PyTorch $torch_version (CUDA $torch_cuda), CMake prefix $torch_prefix"
fi

# LibTorch 2.12 and newer need C++20.
cxx_standard=17
if [[ $torch_version =~ ^([0-9]+)\.([0-9]+) ]] &&
   (( BASH_REMATCH[1] > 2 || (BASH_REMATCH[1] == 2 && BASH_REMATCH[2] >= 12) )); then
  cxx_standard=20
fi
# The GPU's own architecture (9.0 → 90); sm_80 and sm_90 where it cannot be read.
arch=$(sed -n 's/.*, \([0-9]*\)\.\([0-9]*\)$/\1\2/p' <<<"$gpu")
arch=${arch:-80;90}
[[ -x /usr/local/cuda/bin/nvcc && -z ${CUDACXX:-} ]] && export CUDACXX=/usr/local/cuda/bin/nvcc

prefix_path="$torch_prefix"
if [[ -n $deps ]]; then
  prefix_path="$prefix_path;$deps/usr"
  export LD_LIBRARY_PATH="$deps/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

if stage build; then
  say "configure and build ($jobs jobs, C++$cxx_standard, CUDA architectures $arch)"
  mkdir -p "$build"
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix_path" \
    -DCMAKE_CXX_STANDARD=$cxx_standard -DCMAKE_CUDA_ARCHITECTURES="$arch" \
    -DDIFFRECON_BUILD_DATA=OFF -DDIFFRECON_BUILD_CLI=OFF -DDIFFRECON_BUILD_TESTS=ON -DDIFFRECON_BUILD_BENCHMARKS=ON \
    | tee "$build/gpu_check_configure.log"
  if ! grep -q 'diffrecon: CUDA ON' "$build/gpu_check_configure.log"; then
    if ((allow_cpu)); then
      echo "LibTorch has no CUDA: building for the CPU (--allow-cpu)"
    else
      echo "gpu_check.sh: this LibTorch has no CUDA (no torch_cuda target); nothing to check" >&2
      exit 1
    fi
  fi
  time cmake --build "$build" -j "$jobs"
fi

test_summary="not run"
if stage test; then
  say "tests"
  labels='core_tests|operators_tests|solvers_tests|cuda_tests'
  ((all_tests)) && labels='_tests'
  set +e
  ctest --test-dir "$build" -L "$labels" -j "$jobs" --output-on-failure --timeout 900 | tee "$build/gpu_check_tests.log"
  test_status=${PIPESTATUS[0]}
  set -e
  test_summary=$(grep -E 'tests passed|tests failed' "$build/gpu_check_tests.log" | tail -1)
  skipped=$(grep -cE 'Test +#.*Skipped' "$build/gpu_check_tests.log" || true)
  test_summary="$test_summary (one test per GoogleTest suite); $skipped skipped"
fi

bench_output=""
if stage bench; then
  say "benchmark"
  bench_output=$("$build/bin/diffrecon_gpu_benchmark" "${quick[@]}")
fi

say "summary"
echo "GPU: ${gpu:-none}; PyTorch ${torch_version:-(given prefix)}; $(date -u '+%Y-%m-%d')"
echo "tests: $test_summary"
[[ -n $bench_output ]] && echo "$bench_output"
exit "${test_status:-0}"
