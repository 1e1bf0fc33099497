#if canImport(Glibc)
import Glibc
#endif

/// Small POSIX file helpers for the configuration (no Foundation on the engine's start path).
enum ConfigFile {
    enum ReadFailure: Error {
        /// open or read failed with this errno.
        case system(Int32)
        case tooLarge(limit: Int)
        case notUTF8
        case isFolder
    }

    /// Reads a whole UTF-8 text file of at most `limitBytes`.
    static func readText(path: String, limitBytes: Int) -> Result<String, ReadFailure> {
        switch readBytes(path: path, limitBytes: limitBytes) {
        case .failure(let f): return .failure(f)
        case .success(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(.notUTF8) }
            return .success(text)
        }
    }

    /// Reads a whole file of at most `limitBytes`.
    static func readBytes(path: String, limitBytes: Int) -> Result<[UInt8], ReadFailure> {
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { return .failure(.isFolder) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.system(errno)) }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.system(errno))
            }
            if n == 0 { return .success(out) }
            out.append(contentsOf: chunk[0 ..< n])
            if out.count > limitBytes { return .failure(.tooLarge(limit: limitBytes)) }
        }
    }

    static func describe(_ failure: ReadFailure) -> String {
        switch failure {
        case .system(let code): String(cString: strerror(code))
        case .tooLarge(let limit): "larger than the limit of \(limit) bytes"
        case .notUTF8: "not valid UTF-8 text"
        case .isFolder: "it is a folder, not a file"
        }
    }

    /// The folder part of a path ("." for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// `path` resolved against `base` (absolute paths and a base of "." are kept as written).
    static func resolve(_ path: String, against base: String) -> String {
        path.hasPrefix("/") || base == "." ? path : base + "/" + path
    }
}
