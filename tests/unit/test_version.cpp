// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/version.hpp>

#include <string>
#include <string_view>

#include "catch.hpp"

namespace budgateway {
namespace {

TEST_CASE("version() at run time is the headers' version", "[version]") {
  CHECK(version() == std::string_view(BUDGATEWAY_VERSION_STRING));
  CHECK(version() == std::string_view(kVersion));
}

TEST_CASE("version() is MAJOR.MINOR.PATCH of the version macros", "[version]") {
  const std::string expected = std::to_string(BUDGATEWAY_VERSION_MAJOR) + "." +
                               std::to_string(BUDGATEWAY_VERSION_MINOR) + "." +
                               std::to_string(BUDGATEWAY_VERSION_PATCH);
  CHECK(version() == expected);
}

}  // namespace
}  // namespace budgateway
