// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The library linked at run time is the one these headers describe.
#include <budgateway/version.hpp>

#include <iostream>

int main() {
  std::cout << "budgateway headers " << budgateway::kVersion << ", library "
            << budgateway::version() << '\n';
  return budgateway::version() == budgateway::kVersion ? 0 : 1;
}
