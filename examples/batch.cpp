// Many completions at once over one connection pool, results in input order.
// usage: example_batch [count]
#include <budgateway/budgateway.hpp>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace bg = budgateway;

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 100;
  std::vector<bg::CompletionRequest> requests;
  for (int i = 0; i < count; ++i) {
    requests.push_back({.model = "gpt-3.5-turbo-instruct",
                        .prompt = "Name a colour, number " + std::to_string(i),
                        .max_tokens = 8});
  }
  int done = 0;
  auto results = bg::Client().complete_many(
      requests,
      {.max_concurrency = 16, .on_result = [&](std::size_t, const auto&) {
         if (++done % 25 == 0) std::cerr << done << '/' << count << '\n';
       }});
  int failed = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i]) continue;
    ++failed;
    std::cerr << "request " << i << ": " << results[i].error() << '\n';
  }
  std::cout << count - failed << " of " << count << " succeeded\n";
  return failed == 0 ? 0 : 1;
}
