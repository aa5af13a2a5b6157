# diffrecon_add_module(NAME <name> INCLUDE_ROOT <dir> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...] [NO_PCH])
# One library per folder: target diffrecon_<name>, alias diffrecon::<name>, exported as diffrecon::<name>.
# Headers are included as "<folder>/<file>.h": the folder's parent is the include root in the build tree,
# <prefix>/include/diffrecon is the include root once installed.
function(diffrecon_add_module)
  cmake_parse_arguments(ARG "NO_PCH" "NAME;INCLUDE_ROOT" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  set(target diffrecon_${ARG_NAME})
  add_library(${target} ${ARG_SOURCES})
  add_library(diffrecon::${ARG_NAME} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${ARG_NAME} OUTPUT_NAME diffrecon_${ARG_NAME})
  target_include_directories(${target} PUBLIC
    "$<BUILD_INTERFACE:${ARG_INCLUDE_ROOT}>"
    "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/diffrecon>")
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(NOT ARG_NO_PCH)
    target_precompile_headers(${target} PRIVATE <torch/types.h>)
  endif()

  file(RELATIVE_PATH folder "${ARG_INCLUDE_ROOT}" "${CMAKE_CURRENT_SOURCE_DIR}")
  # Public headers, subfolders included; headers under internal/ stay private to the module.
  file(GLOB_RECURSE headers RELATIVE "${CMAKE_CURRENT_SOURCE_DIR}" CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.h")
  list(FILTER headers EXCLUDE REGEX "(^|/)internal/")
  foreach(header ${headers})
    get_filename_component(subfolder "${header}" DIRECTORY)
    install(FILES "${header}" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/diffrecon/${folder}/${subfolder}")
  endforeach()
  install(TARGETS ${target} EXPORT diffreconTargets
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
endfunction()
