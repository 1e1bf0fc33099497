import RTXPluginHost
#if canImport(Glibc)
import Glibc
#endif

/// Where a benchmark finds its plugins, and a private folder for its manifest and state.
struct BenchSetup {
    let pluginDirectory: String

    /// Writes `manifest` into a fresh folder under /tmp and decodes it; plugin paths in it
    /// are absolute.
    func manifest(_ text: String, name: String) throws -> (Manifest, state: String) {
        let folder = "/tmp/rtx-bench-\(geteuid())-\(name)"
        mkdir(folder, 0o700)
        let path = folder + "/plugins.yaml"
        try AtomicFile.write(text, to: path)
        return (try ManifestDecoder.load(path: path), folder + "/state")
    }

    func plugin(_ file: String) throws -> String {
        guard let real = realpath(pluginDirectory + "/" + file, nil) else {
            throw BenchError("\(pluginDirectory)/\(file) not found: run `make plugins` (or pass --plugins DIR)")
        }
        defer { free(real) }
        return String(cString: real)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Runs `body` `repetitions` times and returns the fastest run's nanoseconds per iteration.
func bestNanosecondsPerIteration(iterations: Int, repetitions: Int = 5, _ body: (Int) -> Void) -> Double {
    var best = Double.greatestFiniteMagnitude
    for _ in 0 ..< repetitions {
        let start = HostClock.monotonicNanoseconds()
        body(iterations)
        let elapsed = HostClock.monotonicNanoseconds() - start
        best = min(best, Double(elapsed) / Double(iterations))
    }
    return best
}

func format(_ value: Double, decimals: Int = 1) -> String {
    var scale = 1.0
    for _ in 0 ..< decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
}

/// A one-line description of the machine, for BENCHMARKS.md.
func machineDescription() -> String {
    var model = "unknown CPU"
    if let f = fopen("/proc/cpuinfo", "r") {
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, 512, f) != nil {
            let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            if text.hasPrefix("model name") {
                model = String(text.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters()
                break
            }
        }
    }
    return "\(model), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores"
}

extension String {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\n" || $0 == "\t" }.reversed())
    }
}
