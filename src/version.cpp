// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/version.hpp>

#include <string_view>

namespace budgateway {

// Compiled into the library, so it reports the version that was built, not
// the version of whatever headers the caller compiled against.
std::string_view version() noexcept { return BUDGATEWAY_VERSION_STRING; }

}  // namespace budgateway
