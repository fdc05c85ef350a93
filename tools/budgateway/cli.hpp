// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// What every subcommand of the budgateway command shares: its arguments, the
// flags that say which server to talk to, request fields given as flags, and
// how a failure becomes a line on stderr and an exit code.
#ifndef BUDGATEWAY_TOOLS_CLI_HPP_
#define BUDGATEWAY_TOOLS_CLI_HPP_

#include <budgateway/budgateway.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace budgateway_cli {

namespace bg = budgateway;

/// Exit codes; the README and every --help list them.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,          // anything not below; batch: some lines failed
  kExitUsage = 2,           // bad arguments, or a request the SDK rejected
  kExitAuthentication = 3,  // 401, 403
  kExitRateLimited = 4,     // 429, 402 (rate limit or quota)
  kExitServer = 5,          // 5xx, an error inside a stream, a malformed answer
  kExitNetwork = 6,         // no connection, broken connection, timeout
  kExitRefused = 7,        // 400, 404, 409, 422: the server refused the request
  kExitInterrupted = 130,  // SIGINT (128 + the signal number)
};

/// The exit-code table, as printed at the end of each --help.
extern const char* const kExitCodeHelp;

/// The exit code that tells this failure's kind.
int exit_code_for(const bg::Error& error);

/// Prints the error on one line of stderr: kind, HTTP status, message,
/// server type and code, request id.
void report_error(std::string_view command, const bg::Error& error);

/// A mistake in the arguments; main prints it with a pointer to --help.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The arguments after the subcommand, read one flag at a time. Accepts
/// `--flag value` and `--flag=value`.
class Args {
 public:
  explicit Args(std::vector<std::string> args) : args_(std::move(args)) {}

  bool done() const noexcept { return next_ >= args_.size(); }
  /// Whether any argument is --help or -h.
  bool asks_for_help() const;
  /// The next argument (a flag, normally); its `=value`, if any, is kept
  /// for value().
  std::string next();
  /// The value of the flag just read by next().
  std::string value();

 private:
  std::vector<std::string> args_;
  std::size_t next_ = 0;
  std::string flag_;
  std::optional<std::string> inline_value_;
};

double parse_double(std::string_view flag, const std::string& text);
std::int64_t parse_int(std::string_view flag, const std::string& text,
                       std::int64_t min);

/// Which server, and how to talk to it.
struct ConnectionFlags {
  std::string provider = "bud";
  std::string base_url;
  std::string deployment;  // azure; default: the model
  bg::HeaderList headers;
  std::optional<double> timeout_seconds;
  std::optional<int> max_retries;
};

/// The connection flags' help text.
extern const char* const kConnectionHelp;

/// Reads `flag` (and its value) into `flags` if it is a connection flag.
bool parse_connection_flag(const std::string& flag, Args& args,
                           ConnectionFlags& flags);

/// The Client options the flags describe; `model` names an Azure deployment
/// when --deployment does not.
bg::ClientOptions client_options(const ConnectionFlags& flags,
                                 const std::string& model);

/// Request members given on the command line, as raw JSON text per member,
/// sent through CompletionRequest::extra_body. A later setting of a member
/// replaces an earlier one.
class RequestFields {
 public:
  void set(std::string name, std::string raw_json);
  /// Every member of a JSON object text (--extra-body); throws UsageError.
  void merge_object(std::string_view flag, std::string_view object_text);
  /// `--name value`: value sent as JSON when it parses as JSON (numbers,
  /// true, false, null, arrays, objects, "quoted"), else as a string.
  void set_from_flag(std::string_view flag, const std::string& value);
  bool has(std::string_view name) const;
  /// The members as one JSON object text; empty when there are none.
  std::string object_text() const;
  const std::vector<std::pair<std::string, std::string>>& members() const {
    return members_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> members_;
};

/// The flags that set request fields, shared by complete, batch and bench:
/// --max-tokens, --temperature, --extra-body and any other `--field value`.
/// Returns false when `flag` is none of them; it does not start with "--".
bool parse_field_flag(const std::string& flag, Args& args,
                      RequestFields& fields);

}  // namespace budgateway_cli

#endif  // BUDGATEWAY_TOOLS_CLI_HPP_
