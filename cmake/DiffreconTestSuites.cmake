# diffrecon_add_test_suites(<target> [FIRST <suite>...]): one CTest test per GoogleTest suite of the test
# executable <target>, named after the suite and labelled <target>, found after each link by listing the
# executable's tests (cmake/write_test_suites.cmake). A test per suite rather than per test: every process
# pays LibTorch's start-up (about 0.4 s), which for one process per test was a third of the suite's time.
# FIRST names long suites that CTest should start before the others, so that they do not end the run alone.
function(diffrecon_add_test_suites target)
  cmake_parse_arguments(ARG "" "" "FIRST" ${ARGN})
  set(ctest_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake")
  string(REPLACE ";" "," first "${ARG_FIRST}")  # one command-line argument
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND "${CMAKE_COMMAND}" "-DEXECUTABLE=$<TARGET_FILE:${target}>" "-DOUTPUT=${ctest_file}" "-DLABEL=${target}"
            "-DFIRST=${first}" -P "${PROJECT_SOURCE_DIR}/cmake/write_test_suites.cmake"
    BYPRODUCTS "${ctest_file}"
    VERBATIM)
  # Relinking reruns the listing: also when the script changes.
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${PROJECT_SOURCE_DIR}/cmake/write_test_suites.cmake")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${ctest_file}")
endfunction()
