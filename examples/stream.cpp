// Prints a completion's tokens as they arrive.
// usage: example_stream [prompt]
#include <budgateway/budgateway.hpp>

#include <iostream>

namespace bg = budgateway;

int main(int argc, char** argv) {
  bg::Client client;
  auto stream = client.stream({
      .model = "gpt-3.5-turbo-instruct",
      .prompt = argc > 1 ? argv[1] : "Tell me a short story.",
      .max_tokens = 64,
      .stream_options = bg::StreamOptions{.include_usage = true},
  });
  for (auto& chunk : stream) {
    if (!chunk) {
      // An error is always the last element: a cut connection, an error
      // the server sent inside the stream, or a stream that ended early.
      std::cerr << "\nstream failed: " << chunk.error() << '\n';
      return 1;
    }
    if (!chunk->choices.empty())
      std::cout << chunk->choices[0].text << std::flush;
    if (chunk->usage)
      std::cerr << "\n[" << chunk->usage->total_tokens << " tokens]";
  }
  std::cout << '\n';
}
