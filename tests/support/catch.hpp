// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// One include for Catch2 v2 (Debian 12) and v3.
#ifndef BUDGATEWAY_TESTS_CATCH_HPP_
#define BUDGATEWAY_TESTS_CATCH_HPP_
#if defined(BUDGATEWAY_CATCH2_V3)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
#endif  // BUDGATEWAY_TESTS_CATCH_HPP_
