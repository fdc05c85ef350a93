// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// budgateway complete: one completion, printed as text, as it streams, or as
// the raw JSON.
#include <iostream>
#include <iterator>
#include <string>

#include "commands.hpp"

namespace budgateway_cli {
namespace {

constexpr const char* kHelp =
    "usage: budgateway complete -m MODEL -p PROMPT [--max-tokens N]\n"
    "                           [--temperature T] [--stream] [--json]\n"
    "                           [--FIELD VALUE ...] [--extra-body JSON]\n"
    "\n"
    "Sends one POST /v1/completions and prints the text of its choices (with\n"
    "--stream, each piece as it arrives), or with --json the response as\n"
    "received (with --stream, each chunk's JSON on its own line).\n"
    "\n"
    "  -m, --model MODEL   the model (required)\n"
    "  -p, --prompt TEXT   the prompt (required); '-' reads it from stdin\n"
    "  --max-tokens N, --temperature T\n"
    "  --stream            stream the answer\n"
    "  --json              print JSON instead of text\n"
    "  --FIELD VALUE       any other request field (--top-p 0.9, --n 2,\n"
    "                      --stop '[\"\\n\"]', --seed 7): a VALUE that parses "
    "as\n"
    "                      JSON is sent as that JSON, else as a string; "
    "dashes\n"
    "                      in FIELD become underscores\n"
    "  --extra-body JSON   members merged into the request body\n"
    "\n";

struct CompleteFlags {
  std::string model;
  std::string prompt;
  bool prompt_given = false;
  bool stream = false;
  bool json = false;
  ConnectionFlags connection;
  RequestFields fields;
};

CompleteFlags parse_flags(Args& args) {
  CompleteFlags flags;
  while (!args.done()) {
    const std::string flag = args.next();
    if (flag == "-m" || flag == "--model") {
      flags.model = args.value();
    } else if (flag == "-p" || flag == "--prompt") {
      flags.prompt = args.value();
      flags.prompt_given = true;
    } else if (flag == "--stream") {
      flags.stream = true;
    } else if (flag == "--json") {
      flags.json = true;
    } else if (!parse_connection_flag(flag, args, flags.connection) &&
               !parse_field_flag(flag, args, flags.fields)) {
      throw UsageError("unknown argument '" + flag + "'");
    }
  }
  if (flags.model.empty()) throw UsageError("-m MODEL is required");
  if (!flags.prompt_given) throw UsageError("-p PROMPT is required");
  if (flags.prompt == "-") {
    flags.prompt.assign(std::istreambuf_iterator<char>(std::cin),
                        std::istreambuf_iterator<char>());
  }
  return flags;
}

void print_text(const bg::CompletionResponse& response) {
  for (std::size_t i = 0; i < response.choices.size(); ++i) {
    if (i > 0) std::cout << '\n';
    std::cout << response.choices[i].text;
  }
  std::cout << '\n';
}

int run_unary(const bg::Client& client, const bg::CompletionRequest& request,
              const CompleteFlags& flags) {
  const bg::Result<bg::CompletionResponse> result = client.complete(request);
  if (!result) {
    report_error("complete", result.error());
    return exit_code_for(result.error());
  }
  if (flags.json) {
    std::cout << result->raw_json() << '\n';
  } else {
    print_text(*result);
  }
  return kExitOk;
}

int run_stream(const bg::Client& client, const bg::CompletionRequest& request,
               const CompleteFlags& flags) {
  bool printed_text = false;
  for (auto& chunk : client.stream(request)) {
    if (!chunk) {
      if (printed_text) std::cout << std::endl;
      report_error("complete", chunk.error());
      return exit_code_for(chunk.error());
    }
    if (flags.json) {
      std::cout << chunk->raw_json() << '\n' << std::flush;
      continue;
    }
    for (const bg::Choice& choice : chunk->choices) {
      std::cout << choice.text;
      printed_text = printed_text || !choice.text.empty();
    }
    std::cout << std::flush;
  }
  if (!flags.json) std::cout << '\n';
  return kExitOk;
}

}  // namespace

int complete_command(Args& args) {
  if (args.asks_for_help()) {
    std::cout << kHelp << kConnectionHelp << '\n' << kExitCodeHelp;
    return kExitOk;
  }
  const CompleteFlags flags = parse_flags(args);
  const bg::Client client(client_options(flags.connection, flags.model));
  bg::CompletionRequest request;
  request.model = flags.model;
  request.prompt = flags.prompt;
  request.extra_body = flags.fields.object_text();
  return flags.stream ? run_stream(client, request, flags)
                      : run_unary(client, request, flags);
}

}  // namespace budgateway_cli
