// One client for the gateway, its providers and local servers: only the
// options differ. Each preset reads its own key variable (docs/providers.md).
// usage: example_providers bud|openai|azure|together|fireworks|local MODEL
#include <budgateway/budgateway.hpp>

#include <iostream>
#include <optional>
#include <string_view>

namespace bg = budgateway;
namespace providers = budgateway::providers;

std::optional<bg::ClientOptions> preset(std::string_view name,
                                        const char* model) {
  if (name == "bud") return providers::bud();
  if (name == "openai") return providers::openai();
  // Endpoint from $AZURE_OPENAI_ENDPOINT; the deployment is the model.
  if (name == "azure") return providers::azure({.deployment = model});
  if (name == "together") return providers::together();
  if (name == "fireworks") return providers::fireworks();
  if (name == "local") return providers::local();  // llama-server's port
  return std::nullopt;
}

int main(int argc, char** argv) {
  auto options = argc > 2 ? preset(argv[1], argv[2]) : std::nullopt;
  if (!options) {
    std::cerr << "usage: example_providers PROVIDER MODEL [prompt]\n";
    return 2;
  }
  bg::Client client(*options);
  auto result = client.complete(
      {.model = argv[2], .prompt = argc > 3 ? argv[3] : "Say hello."});
  if (!result) {
    std::cerr << result.error() << '\n';
    return 1;
  }
  std::cout << result->choices[0].text << '\n';
}
