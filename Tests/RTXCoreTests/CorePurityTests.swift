import Foundation
import Testing

/// The core's sources use no floating point, no clock and no I/O (DESIGN §2): checked on the
/// source text, so a new file cannot slip one in.
@Suite struct CorePurityTests {
    /// Identifiers the core must not use.
    static let forbidden: Set<Substring> = ["Double", "Float", "Float32", "Float64", "CGFloat", "Date", "Foundation", "Glibc", "Darwin",
                                            "fopen", "print", "FileHandle", "ProcessInfo", "clock_gettime", "DispatchQueue", "Thread",
                                            "random", "SystemRandomNumberGenerator"]

    @Test func coreSourcesHaveNoFloatingPointClockOrIO() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/RTXCore").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 20, "found \(files.count) core sources in \(folder.path)")
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                let identifiers = code.split { !($0.isLetter || $0.isNumber || $0 == "_") }
                for word in identifiers where Self.forbidden.contains(word) {
                    Issue.record("\(file):\(number + 1) uses \(word): \(line)")
                }
            }
        }
    }
}
