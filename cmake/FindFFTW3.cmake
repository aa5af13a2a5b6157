# Finds FFTW 3 in single and double precision with their threads libraries and defines the imported
# target FFTW3::FFTW3. Through pkg-config where it is (Debian ships fftw3.pc and fftw3f.pc); otherwise,
# e.g. on a machine with FFTW unpacked under a prefix named in CMAKE_PREFIX_PATH and no pkg-config,
# by searching for the header and the four libraries.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_FFTW3 QUIET fftw3 fftw3f)
endif()

find_path(FFTW3_INCLUDE_DIR fftw3.h HINTS ${PC_FFTW3_INCLUDE_DIRS})
set(FFTW3_LIBRARIES)
foreach(name fftw3 fftw3f fftw3_threads fftw3f_threads)
  find_library(FFTW3_${name}_LIBRARY ${name} HINTS ${PC_FFTW3_LIBRARY_DIRS} PATH_SUFFIXES lib/x86_64-linux-gnu)
  list(APPEND FFTW3_LIBRARIES "${FFTW3_${name}_LIBRARY}")
endforeach()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(FFTW3 REQUIRED_VARS FFTW3_INCLUDE_DIR FFTW3_fftw3_LIBRARY FFTW3_fftw3f_LIBRARY
  FFTW3_fftw3_threads_LIBRARY FFTW3_fftw3f_threads_LIBRARY)

if(FFTW3_FOUND AND NOT TARGET FFTW3::FFTW3)
  add_library(FFTW3::FFTW3 INTERFACE IMPORTED)
  set_target_properties(FFTW3::FFTW3 PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${FFTW3_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${FFTW3_LIBRARIES}")
endif()
