# cmake -DEXECUTABLE=<gtest binary> -DOUTPUT=<file> -DLABEL=<label> [-DFIRST=<suite,...>] -P write_test_suites.cmake
# Writes the CTest script that declares one test per GoogleTest suite of EXECUTABLE (see DiffreconTestSuites.cmake).
cmake_minimum_required(VERSION 3.18)  # script mode: the policies of the project (IN_LIST)
execute_process(COMMAND "${EXECUTABLE}" --gtest_list_tests
  OUTPUT_VARIABLE listing ERROR_VARIABLE errors RESULT_VARIABLE status TIMEOUT 60)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "listing the tests of ${EXECUTABLE} failed (${status}):\n${listing}${errors}")
endif()

string(REPLACE "," ";" FIRST "${FIRST}")
# Suite lines are "Suite." or "Instance/Suite.  # TypeParam = ...", not indented (test lines are). They
# are matched in the whole text: test lines may hold brackets and semicolons, which CMake lists mangle.
string(REGEX MATCHALL "(^|\n)[A-Za-z_][A-Za-z0-9_/]*\\." suite_lines "${listing}")
if(NOT suite_lines)
  message(FATAL_ERROR "${EXECUTABLE} lists no tests")
endif()
set(script "")
foreach(line IN LISTS suite_lines)
  string(REGEX REPLACE "^\n?(.*)\\.$" "\\1" suite "${line}")
  set(cost 0)
  if(suite IN_LIST FIRST)
    set(cost 1000000)
  endif()
  # A suite whose every test skipped itself (a CUDA test without a GPU) is reported as skipped.
  string(APPEND script
    "add_test([==[${suite}]==] [==[${EXECUTABLE}]==] [==[--gtest_filter=${suite}.*]==])\n"
    "set_tests_properties([==[${suite}]==] PROPERTIES LABELS [==[${LABEL}]==] COST ${cost}"
    " SKIP_REGULAR_EXPRESSION [==[\\[  PASSED  \\] 0 tests]==])\n")
endforeach()
file(WRITE "${OUTPUT}.new" "${script}")
file(RENAME "${OUTPUT}.new" "${OUTPUT}")
