// Async calls run on the Client's own event-loop thread: a future per call,
// and a handler that receives a stream's chunks, then its end.
#include <budgateway/budgateway.hpp>

#include <future>
#include <iostream>

namespace bg = budgateway;

int main() {
  bg::Client client;
  auto answer = client.complete_async({.model = "gpt-3.5-turbo-instruct",
                                       .prompt = "One line about the sea",
                                       .max_tokens = 20});

  std::promise<bool> streamed;
  client.stream_async({.model = "gpt-3.5-turbo-instruct",
                       .prompt = "Count to five",
                       .max_tokens = 10},
                      {.on_chunk =
                           [](const bg::CompletionChunk& chunk) {
                             if (!chunk.choices.empty())
                               std::cout << chunk.choices[0].text << std::flush;
                           },
                       .on_end =
                           [&](bg::Result<bg::CompletionResponse> end) {
                             if (!end)
                               std::cerr << "\nstream failed: " << end.error()
                                         << '\n';
                             streamed.set_value(end.has_value());
                           }});
  const bool stream_ok = streamed.get_future().get();

  auto result = answer.get();  // the future waits; the loop did the work
  if (!result) {
    std::cerr << result.error() << '\n';
    return 1;
  }
  std::cout << '\n' << result->choices[0].text << '\n';
  return stream_ok ? 0 : 1;
}
