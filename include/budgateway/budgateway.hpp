// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_BUDGATEWAY_HPP_
#define BUDGATEWAY_BUDGATEWAY_HPP_

/// @file
/// The umbrella header: everything a user of budgateway needs.

#include <budgateway/batch.hpp>
#include <budgateway/cancellation.hpp>
#include <budgateway/client.hpp>
#include <budgateway/completion.hpp>
#include <budgateway/connection.hpp>
#include <budgateway/error.hpp>
#include <budgateway/headers.hpp>
#include <budgateway/options.hpp>
#include <budgateway/providers.hpp>
#include <budgateway/result.hpp>
#include <budgateway/stream.hpp>
#include <budgateway/version.hpp>

#endif  // BUDGATEWAY_BUDGATEWAY_HPP_
