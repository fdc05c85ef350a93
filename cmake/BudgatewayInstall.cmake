# Installs the library, its headers and a CMake package (config + version
# files), and exports the build tree so find_package works from it too.
include(CMakePackageConfigHelpers)

set(BUDGATEWAY_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/budgateway")

install(TARGETS budgateway
  EXPORT budgatewayTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/budgateway "${BUDGATEWAY_GENERATED_INCLUDE}/budgateway"
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT budgatewayTargets
  NAMESPACE budgateway::
  DESTINATION ${BUDGATEWAY_CMAKE_DIR})

set(BUDGATEWAY_SHARED ${BUILD_SHARED_LIBS})
if(NOT BUDGATEWAY_SHARED)
  set(BUDGATEWAY_SHARED OFF)
endif()
configure_package_config_file(cmake/budgatewayConfig.cmake.in
  "${PROJECT_BINARY_DIR}/budgatewayConfig.cmake"
  INSTALL_DESTINATION ${BUDGATEWAY_CMAKE_DIR})
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/budgatewayConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/budgatewayConfig.cmake"
  "${PROJECT_BINARY_DIR}/budgatewayConfigVersion.cmake"
  DESTINATION ${BUDGATEWAY_CMAKE_DIR})

export(EXPORT budgatewayTargets
  NAMESPACE budgateway::
  FILE "${PROJECT_BINARY_DIR}/budgatewayTargets.cmake")
# pkg-config: paths relative to the .pc file, so the tree can be installed
# with any --prefix and moved. A static library names its dependencies in
# Requires.private (read by `pkg-config --static`); a shared one does not,
# so its users need no dependency's .pc or headers.
set(BUDGATEWAY_PC_DIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
if(IS_ABSOLUTE "${BUDGATEWAY_PC_DIR}")
  set(BUDGATEWAY_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH up "/prefix/${BUDGATEWAY_PC_DIR}" "/prefix")
  string(REGEX REPLACE "/$" "" up "${up}")
  set(BUDGATEWAY_PC_PREFIX "\${pcfiledir}/${up}")
endif()
foreach(kind LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${kind}}")
    set(BUDGATEWAY_PC_${kind} "${CMAKE_INSTALL_${kind}}")
  else()
    set(BUDGATEWAY_PC_${kind} "\${prefix}/${CMAKE_INSTALL_${kind}}")
  endif()
endforeach()
if(BUDGATEWAY_SHARED)
  set(BUDGATEWAY_PC_CFLAGS "")
  set(BUDGATEWAY_PC_PRIVATE "")
else()
  set(BUDGATEWAY_PC_CFLAGS " -DBUDGATEWAY_STATIC_DEFINE")
  set(BUDGATEWAY_PC_PRIVATE "Requires.private: libcurl >= ${BUDGATEWAY_CURL_MIN_VERSION}, \
simdjson >= ${BUDGATEWAY_SIMDJSON_MIN_VERSION}, fmt >= ${BUDGATEWAY_FMT_MIN_VERSION}")
  if(CMAKE_THREAD_LIBS_INIT)
    string(APPEND BUDGATEWAY_PC_PRIVATE "\nLibs.private: ${CMAKE_THREAD_LIBS_INIT}")
  endif()
endif()
configure_file(cmake/budgateway.pc.in "${PROJECT_BINARY_DIR}/budgateway.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/budgateway.pc" DESTINATION "${BUDGATEWAY_PC_DIR}")

install(FILES LICENSE README.md CHANGELOG.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/budgateway)
