# Finds budgateway's private dependencies and holds them to the floors set
# in BUDGATEWAY_<NAME>_MIN_VERSION. Included by the top-level CMakeLists.txt
# and, configured, by the installed package of a static library (a shared
# one needs only the dependencies' runtime libraries).
#
# simdjson's own version file accepts only the same major.minor as the one
# installed, so `find_package(simdjson 3.0)` would refuse 3.1: every floor
# is checked against the found version instead of passed to find_package.
macro(budgateway_check_floor name found_version floor)
  if("${found_version}" STREQUAL "")
    message(WARNING "budgateway: ${name} reports no version; needs >= ${floor}")
  elseif("${found_version}" VERSION_LESS "${floor}")
    message(FATAL_ERROR
      "budgateway needs ${name} >= ${floor}; found ${found_version}")
  endif()
endmacro()

macro(budgateway_find_dependencies)
  find_package(CURL REQUIRED)
  # FindCURL sets CURL_VERSION_STRING; curl's own config sets CURL_VERSION.
  if(DEFINED CURL_VERSION_STRING)
    budgateway_check_floor(curl "${CURL_VERSION_STRING}" ${BUDGATEWAY_CURL_MIN_VERSION})
  else()
    budgateway_check_floor(curl "${CURL_VERSION}" ${BUDGATEWAY_CURL_MIN_VERSION})
  endif()
  find_package(simdjson REQUIRED)
  budgateway_check_floor(simdjson "${simdjson_VERSION}" ${BUDGATEWAY_SIMDJSON_MIN_VERSION})
  find_package(fmt REQUIRED)
  budgateway_check_floor(fmt "${fmt_VERSION}" ${BUDGATEWAY_FMT_MIN_VERSION})
  find_package(Threads REQUIRED)
endmacro()
