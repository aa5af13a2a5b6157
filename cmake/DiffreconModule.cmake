# diffrecon_use_shared_pch(<target>): one precompiled <torch/types.h> for the modules (all -fPIC, -Wall -Wextra,
# the same standard and target-wide definitions): the first target to ask builds it, the others reuse it. GCC
# ignores a precompiled header built with a macro that the user does not define, so definitions that only
# some modules need are set on their source files.
function(diffrecon_use_shared_pch target)
  get_property(owner GLOBAL PROPERTY DIFFRECON_SHARED_PCH_OWNER)
  if(owner)
    target_precompile_headers(${target} REUSE_FROM ${owner})
  else()
    target_precompile_headers(${target} PRIVATE <torch/types.h>)
    set_property(GLOBAL PROPERTY DIFFRECON_SHARED_PCH_OWNER ${target})
  endif()
endfunction()

# diffrecon_add_module(NAME <name> INCLUDE_ROOT <dir> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# One library per folder: target diffrecon_<name>, alias diffrecon::<name>, exported as diffrecon::<name>.
# Headers are included as "<folder>/<file>.h": the folder's parent is the include root in the build tree,
# <prefix>/include/diffrecon is the include root once installed.
function(diffrecon_add_module)
  cmake_parse_arguments(ARG "" "NAME;INCLUDE_ROOT" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  set(target diffrecon_${ARG_NAME})
  add_library(${target} ${ARG_SOURCES})
  add_library(diffrecon::${ARG_NAME} ALIAS ${target})
  # DEFINE_SYMBOL "": no <target>_EXPORTS macro (nothing reads it, and it would differ per module).
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${ARG_NAME} OUTPUT_NAME diffrecon_${ARG_NAME} DEFINE_SYMBOL "")
  target_include_directories(${target} PUBLIC
    "$<BUILD_INTERFACE:${ARG_INCLUDE_ROOT}>"
    "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/diffrecon>")
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  diffrecon_use_shared_pch(${target})

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
