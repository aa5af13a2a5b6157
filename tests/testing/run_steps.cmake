# run_steps(<step>...): runs each step (a ;-list command line, so pass each quoted) in order, prints
# its output and stops the script with the step's error output at the first failure.
function(run_steps)
  foreach(step IN LISTS ARGN)
    string(REPLACE "|" ";" command "${step}")
    execute_process(COMMAND ${command} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
    message("${out}")
    if(NOT code EQUAL 0)
      message(FATAL_ERROR "step failed (${code}): ${command}\n${out}\n${err}")
    endif()
  endforeach()
endfunction()
