# cmake -DBUILD_DIR=<diffrecon build> -DSOURCE_DIR=<tests/consumer> -DWORK_DIR=<scratch> -P run_consumer.cmake
# Installs diffrecon into a scratch prefix, builds the consumer project against it and runs it.
include("${CMAKE_CURRENT_LIST_DIR}/../testing/run_steps.cmake")
file(REMOVE_RECURSE "${WORK_DIR}")
run_steps(
  "${CMAKE_COMMAND}|--install|${BUILD_DIR}|--prefix|${WORK_DIR}/prefix"
  "${CMAKE_COMMAND}|-S|${SOURCE_DIR}|-B|${WORK_DIR}/build|-G|Ninja|-DCMAKE_BUILD_TYPE=Release|-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix"
  "${CMAKE_COMMAND}|--build|${WORK_DIR}/build"
  "${WORK_DIR}/build/consumer")
file(REMOVE_RECURSE "${WORK_DIR}")
