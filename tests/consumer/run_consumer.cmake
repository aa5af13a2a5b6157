# cmake -DBUILD_DIR=<diffrecon build> -DSOURCE_DIR=<tests/consumer> -DWORK_DIR=<scratch> -P run_consumer.cmake
# Installs diffrecon into a scratch prefix, builds the consumer project against it and runs it.
file(REMOVE_RECURSE "${WORK_DIR}")
foreach(step
    "${CMAKE_COMMAND};--install;${BUILD_DIR};--prefix;${WORK_DIR}/prefix"
    "${CMAKE_COMMAND};-S;${SOURCE_DIR};-B;${WORK_DIR}/build;-G;Ninja;-DCMAKE_BUILD_TYPE=Release;-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix"
    "${CMAKE_COMMAND};--build;${WORK_DIR}/build"
    "${WORK_DIR}/build/consumer")
  execute_process(COMMAND ${step} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}")
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "step failed (${code}): ${step}\n${err}")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
