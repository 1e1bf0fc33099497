#if canImport(Glibc)
import Glibc
#endif

/// An error from a file-system call, with the call, the path and errno's text.
public struct FileSystemError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var errnoCode: Int32
    public var detail: String?
    public init(_ operation: String, path: String, errno code: Int32 = errno, detail: String? = nil) {
        self.operation = operation
        self.path = path
        self.errnoCode = code
        self.detail = detail
    }
    public var description: String {
        if let detail { return "\(operation) \(path): \(detail)" }
        return "\(operation) \(path): \(String(cString: strerror(errnoCode)))"
    }
}

/// Small file helpers over POSIX calls (no Foundation in the host's loading path).
enum FileBytes {
    enum Kind { case regular, missing, other }

    static func kind(of path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return (info.st_mode & S_IFMT) == S_IFREG ? .regular : .other
    }

    /// The folder part of a path ("." for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The file-name part of a path ("lib.so" for "lib.so" and for "a/b/lib.so").
    static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Reads a whole file from an open descriptor, refusing more than `limitBytes`.
    static func readAll(fd: Int32, path: String, limitBytes: Int) throws(FileSystemError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("read", path: path)
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0 ..< n])
            if out.count > limitBytes {
                throw FileSystemError("read", path: path, errno: EFBIG, detail: "larger than the limit of \(limitBytes) bytes")
            }
        }
    }

    /// Reads a whole UTF-8 text file, refusing more than `limitBytes`.
    static func readText(path: String, limitBytes: Int) throws(FileSystemError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError("open", path: path) }
        defer { close(fd) }
        let bytes = try readAll(fd: fd, path: path, limitBytes: limitBytes)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FileSystemError("read", path: path, errno: EILSEQ, detail: "not valid UTF-8 text")
        }
        return text
    }

    /// Writes all bytes to an open descriptor.
    static func writeAll(fd: Int32, bytes: [UInt8], path: String) throws(FileSystemError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("write", path: path)
            }
            written += n
        }
    }
}
