# Conan 2 recipe. From the repository root:
#   conan create packaging/conan
# builds the library from this checkout, packages it, and builds and runs
# test_package (the same consumer project as tests/package).
import os

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, rmdir

required_conan_version = ">=2.0"


class BudgatewayConan(ConanFile):
    name = "budgateway"
    # project(VERSION) in CMakeLists.txt; a test checks that they agree.
    version = "0.1.0"
    license = "Apache-2.0"
    url = "https://gateway.bud.studio"
    homepage = "https://gateway.bud.studio"
    description = ("C++ client SDK for the Bud gateway's OpenAI-compatible "
                   "/v1/completions")
    topics = ("llm", "openai", "http", "sse")
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"shared": [True, False], "fPIC": [True, False]}
    default_options = {"shared": False, "fPIC": True}

    def export_sources(self):
        root = os.path.join(self.recipe_folder, "..", "..")
        for pattern in ("CMakeLists.txt", "LICENSE", "README.md",
                        "CHANGELOG.md", "cmake/*", "docs/*", "include/*",
                        "src/*", "tools/*"):
            copy(self, pattern, root, self.export_sources_folder)

    def config_options(self):
        if self.settings.os == "Windows":
            del self.options.fPIC

    def configure(self):
        if self.options.shared:
            self.options.rm_safe("fPIC")

    def requirements(self):
        # The floors of BUDGATEWAY_*_MIN_VERSION in CMakeLists.txt (tested).
        # Linked privately: the public headers include none of them.
        self.requires("libcurl/[>=7.68]")
        self.requires("simdjson/[>=3.0]")
        self.requires("fmt/[>=9.0]")

    def validate(self):
        check_min_cppstd(self, 17)

    def layout(self):
        cmake_layout(self)

    def generate(self):
        CMakeDeps(self).generate()
        toolchain = CMakeToolchain(self)
        toolchain.variables["BUDGATEWAY_BUILD_TESTS"] = False
        toolchain.variables["BUDGATEWAY_BUILD_EXAMPLES"] = False
        toolchain.variables["BUDGATEWAY_INSTALL"] = True
        toolchain.variables["BUDGATEWAY_BUILD_DOCS"] = False
        # The library only: not the budgateway command or the fake gateway.
        toolchain.variables["BUDGATEWAY_BUILD_TOOLS"] = False
        toolchain.variables["BUDGATEWAY_FAKE_GATEWAY"] = "OFF"
        toolchain.generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        copy(self, "LICENSE", self.source_folder,
             os.path.join(self.package_folder, "licenses"))
        CMake(self).install()
        # Conan's generators write their own CMake and pkg-config files.
        rmdir(self, os.path.join(self.package_folder, "lib", "cmake"))
        rmdir(self, os.path.join(self.package_folder, "lib", "pkgconfig"))
        rmdir(self, os.path.join(self.package_folder, "share"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "budgateway")
        self.cpp_info.set_property("cmake_target_name",
                                   "budgateway::budgateway")
        self.cpp_info.set_property("pkg_config_name", "budgateway")
        self.cpp_info.libs = ["budgateway"]
        if not self.options.shared:
            self.cpp_info.defines = ["BUDGATEWAY_STATIC_DEFINE"]
        if self.settings.os in ("Linux", "FreeBSD"):
            self.cpp_info.system_libs = ["pthread"]
