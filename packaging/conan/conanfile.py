# Conan 2 recipe: `conan create packaging/conan --version 0.1.0` from the
# repository root builds the library from this checkout and packages it
# with the CMake config files its own install step writes.
import os

from conan import ConanFile
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy


class BudgatewayConan(ConanFile):
    name = "budgateway"
    license = "Apache-2.0"
    description = ("C++ client SDK for the Bud gateway's OpenAI-compatible "
                   "/v1/completions")
    topics = ("llm", "openai", "http", "sse")
    settings = "os", "arch", "compiler", "build_type"
    options = {"shared": [True, False], "fPIC": [True, False]}
    default_options = {"shared": False, "fPIC": True}
    requires = ("libcurl/[>=7.68]", "simdjson/[>=3.0]", "fmt/[>=9]")

    def export_sources(self):
        root = os.path.join(self.recipe_folder, "..", "..")
        for pattern in ("CMakeLists.txt", "LICENSE", "README.md",
                        "cmake/*", "include/*", "src/*"):
            copy(self, pattern, root, self.export_sources_folder)

    def layout(self):
        cmake_layout(self)

    def generate(self):
        CMakeDeps(self).generate()
        toolchain = CMakeToolchain(self)
        toolchain.variables["BUDGATEWAY_BUILD_TESTS"] = False
        toolchain.variables["BUDGATEWAY_BUILD_EXAMPLES"] = False
        toolchain.variables["BUDGATEWAY_INSTALL"] = True
        toolchain.generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        CMake(self).install()

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "budgateway")
        self.cpp_info.set_property("cmake_target_name", "budgateway::budgateway")
        self.cpp_info.libs = ["budgateway"]
        if not self.options.shared:
            self.cpp_info.defines = ["BUDGATEWAY_STATIC_DEFINE"]
