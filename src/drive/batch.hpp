// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The batch driver: complete_many as many transfers over one multi handle
// on the calling thread, retried on timers and paced by RateControl.
#ifndef BUDGATEWAY_SRC_DRIVE_BATCH_HPP_
#define BUDGATEWAY_SRC_DRIVE_BATCH_HPP_

#include <budgateway/batch.hpp>
#include <budgateway/completion.hpp>
#include <budgateway/result.hpp>

#include <memory>
#include <vector>

#include "call/context.hpp"
#include "drive/transports.hpp"

namespace budgateway::detail {

/// Every request answered, in input order. A throwing on_result ends the
/// batch: the exception propagates, transfers in flight are stopped and
/// their connection slots released.
std::vector<Result<CompletionResponse>> run_batch(
    const std::shared_ptr<const CallContext>& context, Transports& transports,
    const std::vector<CompletionRequest>& requests,
    const BatchOptions& options);

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_DRIVE_BATCH_HPP_
