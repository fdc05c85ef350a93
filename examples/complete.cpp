// One completion. Reads BUD_API_KEY and BUD_BASE_URL from the environment.
// usage: example_complete [prompt]
#include <budgateway/budgateway.hpp>

#include <iostream>

namespace bg = budgateway;

int main(int argc, char** argv) {
  bg::Client client;
  auto result = client.complete({
      .model = "gpt-3.5-turbo-instruct",
      .prompt = argc > 1 ? argv[1] : "Write a tagline for an ice cream shop.",
      .max_tokens = 50,
      .temperature = 0.7,
  });
  if (!result) {
    // The whole story: code, status, server message, request id, attempts.
    std::cerr << result.error() << '\n';
    return 1;
  }
  std::cout << result->choices[0].text << '\n';
  if (result->usage) {
    std::cerr << "[" << result->usage->total_tokens << " tokens]\n";
  }
}
