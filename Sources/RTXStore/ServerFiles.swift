#if canImport(Glibc)
import Glibc
#endif

/// File and process helpers for the private servers (POSIX only, no Foundation).
enum ServerFiles {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Creates `path` and its missing parents with `mode` (existing folders are left as they are).
    static func makeFolders(_ path: String, mode: mode_t, what: String) throws(PrivateServerError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, mode) != 0 && errno != EEXIST {
                throw PrivateServerError(what, "cannot create folder \(prefix): \(String(cString: strerror(errno)))",
                                         fix: "create it by hand or choose a writable folder")
            }
        }
    }

    static func readText(_ path: String, limitBytes: Int = 1 << 20) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 8_192)
        while out.count < limitBytes {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: chunk[0 ..< n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The last `lines` lines of a log file (reading at most its last 64 KiB), one line.
    static func logTail(_ path: String, lines: Int = 12) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "(no log at \(path))" }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        _ = lseek(fd, max(0, size - 65_536), SEEK_SET)
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 8_192)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out.append(contentsOf: chunk[0 ..< n])
        }
        return ChildProcess.tail(out, lines: lines)
    }

    /// Writes a small file (replacing it) with `mode`, fsynced.
    static func writeText(_ text: String, to path: String, mode: mode_t, what: String) throws(PrivateServerError) {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw PrivateServerError(what, "cannot write \(path): \(String(cString: strerror(errno)))", fix: "check the folder's owner and permissions")
        }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw PrivateServerError(what, "cannot write \(path): \(String(cString: strerror(errno)))", fix: "check free disk space")
            }
            written += n
        }
        _ = fchmod(fd, mode)
        _ = fsync(fd)
    }

    static func chown(_ path: String, to user: ServerUser?, what: String) throws(PrivateServerError) {
        guard let user else { return }
        guard Glibc.chown(path, user.uid, user.gid) == 0 else {
            throw PrivateServerError(what, "cannot give \(path) to user \(user.name): \(String(cString: strerror(errno)))",
                                     fix: "run rtx as root, or as the user that owns \(path)")
        }
    }

    /// True when `pid` names a live process (a zombie, dead but not yet reaped, counts as dead).
    static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = readText("/proc/\(pid)/stat", limitBytes: 4_096),
              let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].drop(while: { $0 == " " }).first
        return state != "Z" && state != "X"
    }

    /// Waits until `pid` is gone, at most `timeoutMs`; true when it is.
    static func waitGone(_ pid: Int32, timeoutMs: Int) -> Bool {
        let deadline = MonotonicClock.nowMs() + Int64(timeoutMs)
        while isAlive(pid) {
            if MonotonicClock.nowMs() > deadline { return false }
            MonotonicClock.sleep(ms: 20)
        }
        return true
    }

    /// The first executable named `name` in PATH (then /usr/sbin, /usr/bin, /sbin, /bin).
    static func findExecutable(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        for folder in folders where !folder.isEmpty {
            let candidate = folder + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// A short stable name for a path: FNV-1a 64 in hex (for folders derived from another folder).
    static func stableHash(_ text: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// An absolute, slash-normalized form of `path` (relative paths resolve against the
    /// working folder; "." and ".." are resolved lexically).
    static func absolute(_ path: String) -> String {
        var base = ""
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
            if getcwd(&buffer, buffer.count) != nil { base = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } }
        }
        var parts: [Substring] = []
        for part in (base + "/" + path).split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
