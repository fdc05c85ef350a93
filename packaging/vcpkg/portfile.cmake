# An overlay port: vcpkg install budgateway --overlay-ports=packaging/vcpkg
# (with SOURCE_PATH pointing at a release archive once one is published).
vcpkg_from_git(
  OUT_SOURCE_PATH SOURCE_PATH
  URL "${BUDGATEWAY_GIT_URL}"
  REF "${BUDGATEWAY_GIT_REF}")

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DBUDGATEWAY_BUILD_TESTS=OFF
    -DBUDGATEWAY_BUILD_EXAMPLES=OFF
    -DBUDGATEWAY_INSTALL=ON)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH lib/cmake/budgateway)
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug/include" "${CURRENT_PACKAGES_DIR}/debug/share")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
