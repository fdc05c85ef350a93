// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The libcurl transport compiled as for the oldest curl the package declares
// (BUDGATEWAY_CURL_MIN_VERSION): the version macro is lowered, so each
// `#if LIBCURL_VERSION_NUM` takes the branch that old curl takes (e.g.
// CURLOPT_PROTOCOLS instead of 7.85's CURLOPT_PROTOCOLS_STR).
#include <curl/curl.h>

#undef LIBCURL_VERSION_NUM
#define LIBCURL_VERSION_NUM BUDGATEWAY_CURL_FLOOR_NUM

#include "http/curl.cpp"  // NOLINT(bugprone-suspicious-include)
