// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// budgateway: completions, JSONL batches and load tests against the Bud
// gateway or any OpenAI-compatible /v1/completions server, from a terminal.
// Uses only the public API of the library.
#include <budgateway/budgateway.hpp>

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"

namespace {

constexpr const char* kHelp =
    "usage: budgateway <command> [options]   (budgateway <command> --help)\n"
    "\n"
    "  complete   one completion: its text, streamed text, or JSON\n"
    "  batch      a JSONL file of prompts through the server, resumable\n"
    "  bench      a load test: requests/s, tokens/s, TTFT, TPOT, ITL\n"
    "  version    the budgateway version\n"
    "\n"
    "The server is the Bud gateway at $BUD_BASE_URL (default\n"
    "https://gateway.bud.studio/v1) with the key in $BUD_API_KEY, or another\n"
    "provider with --provider openai|azure|together|fireworks|local.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace budgateway_cli;
  const std::vector<std::string> all(argv + 1, argv + argc);
  if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
    (all.empty() ? std::cerr : std::cout) << kHelp;
    return all.empty() ? kExitUsage : kExitOk;
  }
  const std::string command = all[0];
  if (command == "version" || command == "--version") {
    std::cout << "budgateway " << budgateway::kVersion << '\n';
    return kExitOk;
  }
  Args args(std::vector<std::string>(all.begin() + 1, all.end()));
  try {
    if (command == "complete") return complete_command(args);
    if (command == "batch") return batch_command(args);
    if (command == "bench") return bench_command(args);
    std::cerr << "budgateway: unknown command '" << command << "'\n" << kHelp;
    return kExitUsage;
  } catch (const UsageError& error) {
    std::cerr << "budgateway " << command << ": " << error.what()
              << "\n(budgateway " << command << " --help shows the options)\n";
    return kExitUsage;
  }
}
