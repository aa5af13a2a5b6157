# cmake -DBUILD_DIR=<diffrecon build> -DSOURCE_DIR=<examples/itk_pipeline> -DWORK_DIR=<scratch>
#       -DDIFFRECON=<diffrecon executable> -P run_itk_example.cmake
# Installs diffrecon into a scratch prefix, builds the ITK example against it, reconstructs one
# measurement with the CLI and with the example's ITK pipeline, and requires the same volume voxel for
# voxel (the example compares them and fails otherwise).
include("${CMAKE_CURRENT_LIST_DIR}/../testing/run_steps.cmake")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(head "${WORK_DIR}/head.nii.gz")
set(scan "${WORK_DIR}/scan.h5")
run_steps(
  "${CMAKE_COMMAND}|--install|${BUILD_DIR}|--prefix|${WORK_DIR}/prefix"
  "${CMAKE_COMMAND}|-S|${SOURCE_DIR}|-B|${WORK_DIR}/build|-G|Ninja|-DCMAKE_BUILD_TYPE=Release|-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix"
  "${CMAKE_COMMAND}|--build|${WORK_DIR}/build"
  "${DIFFRECON}|dataset|--name|colin27|--part|test|--output|${head}|--quiet"
  "${DIFFRECON}|simulate|ct|--input|${head}|--output|${scan}|--views|16|--quiet"
  "${DIFFRECON}|reconstruct|--input|${scan}|--method|cgls|--iterations|5|--output|${WORK_DIR}/cli.nii.gz|--threads|1|--quiet"
  "${WORK_DIR}/build/itk_pipeline|${scan}|${WORK_DIR}/itk.nii.gz|--method|cgls|--setting|iterations=5|--compare|${WORK_DIR}/cli.nii.gz")
file(REMOVE_RECURSE "${WORK_DIR}")
