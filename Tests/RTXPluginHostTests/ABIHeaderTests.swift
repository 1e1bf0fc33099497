import Foundation
import Testing

/// The headers are the product's contract: each must compile on its own, as C11 and as
/// C++17, with every warning an error, under each compiler present.
@Suite struct ABIHeaderTests {
    static let headers: [String] = (try? FileManager.default.contentsOfDirectory(atPath: Repo.sdkInclude + "/rtx"))?
        .filter { $0.hasSuffix(".h") }.sorted() ?? []

    @Test func everyHeaderIsPresent() {
        for header in ["rtx.h", "abi.h", "types.h", "quote.h", "execution.h", "host.h", "entry.h", "lp_adapter.h", "routing.h", "fee_model.h", "config.h"] {
            #expect(Self.headers.contains(header), "sdk/include/rtx/\(header)")
        }
    }

    @Test(arguments: [("cc", "c", "c11"), ("c++", "c++", "c++17"), ("clang", "c", "c11"), ("clang++", "c++", "c++17")])
    func headersCompileStrictly(compiler: String, language: String, standard: String) throws {
        guard (try? run(compiler, ["--version"]))?.status == 0 else {
            // gcc/g++ are always present (the Makefile installs them); clang comes with the Swift toolchain.
            Issue.record("compiler \(compiler) not found")
            return
        }
        let scratch = try Scratch()
        for header in Self.headers {
            let source = try scratch.write("#include <rtx/\(header)>\n#include <rtx/\(header)>\nint rtx_header_check_\(header.replacingOccurrences(of: ".", with: "_"));\n",
                                           to: "check_\(header).\(language == "c" ? "c" : "cpp")")
            let result = try run(compiler, ["-std=\(standard)", "-Wall", "-Wextra", "-Werror", "-pedantic", "-fsyntax-only",
                                            "-x", language, "-I", Repo.sdkInclude, source], allowFailure: true)
            #expect(result.status == 0, "\(compiler) -std=\(standard) rtx/\(header):\n\(result.output)")
        }
    }
}

/// The header-only config reader plugins use, exercised by a C program.
@Suite struct ConfigReaderTests {
    @Test func flatConfigReaderParsesExactly() throws {
        let scratch = try Scratch()
        let binary = scratch.path + "/config_reader_check"
        try run("cc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", Repo.sdkInclude, "-o", binary,
                       Repo.root + "/Tests/Fixtures/config_reader_check.c"])
        let result = try run(binary, [], allowFailure: true)
        #expect(result.status == 0, "\(result.output)")
    }
}
