# The `docs` target: Doxygen's HTML of the public headers, the README and
# docs/*.md into <build>/docs/html. Defined only when Doxygen is found; any
# undocumented public name fails it.
find_package(Doxygen QUIET)
if(NOT DOXYGEN_FOUND)
  message(STATUS "Doxygen not found: no docs target")
  return()
endif()
set(BUDGATEWAY_DOCS_OUTPUT "${PROJECT_BINARY_DIR}/docs")
configure_file("${PROJECT_SOURCE_DIR}/docs/Doxyfile.in" "${PROJECT_BINARY_DIR}/Doxyfile" @ONLY)
add_custom_target(docs
  COMMAND Doxygen::doxygen "${PROJECT_BINARY_DIR}/Doxyfile"
  WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
  COMMENT "Doxygen: ${BUDGATEWAY_DOCS_OUTPUT}/html/index.html"
  VERBATIM)
