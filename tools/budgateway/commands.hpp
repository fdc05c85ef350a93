// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The subcommands of the budgateway command. Each takes the arguments after
// its name and returns the exit code (cli.hpp); each throws UsageError for a
// mistake in them.
#ifndef BUDGATEWAY_TOOLS_COMMANDS_HPP_
#define BUDGATEWAY_TOOLS_COMMANDS_HPP_

#include "cli.hpp"

namespace budgateway_cli {

int complete_command(Args& args);
int batch_command(Args& args);
int bench_command(Args& args);

}  // namespace budgateway_cli

#endif  // BUDGATEWAY_TOOLS_COMMANDS_HPP_
