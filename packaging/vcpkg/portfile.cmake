# An overlay port that builds the checkout it lives in:
#   vcpkg install budgateway --overlay-ports=<checkout>/packaging/vcpkg
# (or list the directory in a manifest's vcpkg-configuration.json
# "overlay-ports"). The sources are this repository, two levels up; once a
# release is published, a registry port would use vcpkg_from_github with
# the release tag's commit instead.
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DBUDGATEWAY_BUILD_TESTS=OFF
    -DBUDGATEWAY_BUILD_EXAMPLES=OFF
    -DBUDGATEWAY_BUILD_DOCS=OFF
    -DBUDGATEWAY_BUILD_TOOLS=OFF
    -DBUDGATEWAY_FAKE_GATEWAY=OFF
    -DBUDGATEWAY_INSTALL=ON)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH lib/cmake/budgateway)
vcpkg_fixup_pkgconfig()
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug/include" "${CURRENT_PACKAGES_DIR}/debug/share")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
