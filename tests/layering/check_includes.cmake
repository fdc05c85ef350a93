# Reads every #include line under src/ and include/ and fails on one the
# layering forbids (docs/architecture.md draws the layers):
#   - call/ and drive/ never include the facade (client.cpp's world) or a
#     public header that declares Client or Connection;
#   - call/ includes nothing from http/;
#   - http/ knows nothing of JSON or SSE, and neither http/ nor sse/ writes
#     the JSON parser's padding itself;
#   - json/ and sse/ know nothing of HTTP; json/ does not map errors;
#   - only http/curl.cpp includes <curl/curl.h>;
#   - public headers include only the standard library and each other.
# usage: cmake -DROOT=<source dir> -P check_includes.cmake
cmake_minimum_required(VERSION 3.16)
if(NOT ROOT)
  message(FATAL_ERROR "pass -DROOT=<source dir>")
endif()

set(violations "")
macro(violation file text)
  string(APPEND violations "  ${file}: ${text}\n")
endmacro()

# The includes of a file, one "<x>" or "\"x\"" per element.
function(includes_of file out)
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
  set(found "")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*([<\"][^>\"]*[>\"]).*" "\\1" target "${line}")
    list(APPEND found "${target}")
  endforeach()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE sources RELATIVE "${ROOT}"
     "${ROOT}/src/*.hpp" "${ROOT}/src/*.cpp" "${ROOT}/include/*.hpp")
if(NOT sources)
  message(FATAL_ERROR "no sources found under ${ROOT}")
endif()

set(checked 0)
foreach(file IN LISTS sources)
  includes_of("${ROOT}/${file}" targets)
  math(EXPR checked "${checked} + 1")
  foreach(target IN LISTS targets)
    if(file MATCHES "^src/(call|drive)/")
      if(target MATCHES "client_impl|client\\.cpp|<budgateway/(client|connection|testing)\\.hpp>")
        violation("${file}" "includes the facade: ${target}")
      endif()
    endif()
    if(file MATCHES "^src/call/" AND target MATCHES "^\"http/")
      violation("${file}" "call/ includes http/: ${target}")
    endif()
    if(file MATCHES "^src/http/" AND target MATCHES "json/|sse/|simdjson")
      violation("${file}" "http/ knows JSON or SSE: ${target}")
    endif()
    if(file MATCHES "^src/(json|sse)/" AND target MATCHES "\"http/|<curl/")
      violation("${file}" "json/ and sse/ know nothing of HTTP: ${target}")
    endif()
    if(file MATCHES "^src/json/" AND target MATCHES "error_mapping")
      violation("${file}" "json/ maps errors: ${target}")
    endif()
    if(target MATCHES "^<curl/" AND NOT file STREQUAL "src/http/curl.cpp")
      violation("${file}" "only src/http/curl.cpp includes libcurl: ${target}")
    endif()
    if(file MATCHES "^include/")
      if(target MATCHES "^\"" OR target MATCHES "^<(curl|simdjson|fmt)[/.]")
        violation("${file}" "a public header includes ${target}")
      elseif(target MATCHES "/" AND NOT target MATCHES "^<budgateway/")
        violation("${file}" "a public header includes ${target}")
      endif()
    endif()
  endforeach()
  if(file MATCHES "^src/(http|sse)/")
    file(STRINGS "${ROOT}/${file}" padding REGEX "SIMDJSON_PADDING|kParserPadding|kJsonPadding")
    if(padding)
      violation("${file}" "hard-codes the JSON parser's padding")
    endif()
  endif()
endforeach()

if(violations)
  message(FATAL_ERROR "layering rules broken:\n${violations}")
endif()
message(STATUS "layering: ${checked} files, every #include allowed")
