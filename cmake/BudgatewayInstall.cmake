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
install(FILES LICENSE README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/budgateway)
