// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Catch2 v2 needs one translation unit to define main; v3 links its own.
#if !defined(BUDGATEWAY_CATCH2_V3)
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
