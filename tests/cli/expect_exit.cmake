# cmake -DCOMMAND="prog;arg;..." -DEXPECTED=<code> [-DMATCH=<regex>] -P expect_exit.cmake
# Runs COMMAND and fails unless it exits with EXPECTED and its output (stdout + stderr) matches MATCH.
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code STREQUAL EXPECTED)
  message(FATAL_ERROR "exit code ${code}, expected ${EXPECTED}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED MATCH AND NOT "${out}${err}" MATCHES "${MATCH}")
  message(FATAL_ERROR "output does not match '${MATCH}'\nstdout:\n${out}\nstderr:\n${err}")
endif()
