#if canImport(Glibc)
import Glibc
#endif

/// One engine per data folder: an exclusive `flock` on `<data>/rtx.lock`, held for the
/// process's life (the kernel releases it when the process ends, also on `kill -9`, so a
/// crash never leaves a stale lock). The file holds the owner's pid, for the message.
///
/// Thread: any, once at start. Lifetime: keep the value until the engine stopped.
public final class DataFolderLock: @unchecked Sendable {
    private let fd: Int32
    public let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Takes the lock or throws naming `engine.data`, the other engine's pid and the fix.
    public static func acquire(dataDirectory: String) throws(DataFolderLockError) -> DataFolderLock {
        let path = dataDirectory + "/rtx.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DataFolderLockError(message: "engine.data: cannot open \(path): \(String(cString: strerror(errno)))",
                                      fix: "make \(dataDirectory) writable by this user, or set engine.data to a folder it owns")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var bytes = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &bytes, bytes.count, 0)
            let owner = n > 0 ? String(decoding: bytes[0 ..< n], as: UTF8.self).trimmingSpaces : "?"
            close(fd)
            throw DataFolderLockError(message: "engine.data: another engine (pid \(owner)) uses \(dataDirectory)",
                                      fix: "stop it (Ctrl-C in its terminal, or kill -TERM \(owner)), or give this engine its own engine.data")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        return DataFolderLock(fd: fd, path: path)
    }
}

public struct DataFolderLockError: Error, CustomStringConvertible {
    public var message: String
    public var fix: String
    public var description: String { "error: \(message) (fix: \(fix))" }
}

private extension String {
    var trimmingSpaces: String {
        String(self.drop { $0 == " " || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\n" || $0 == "\0" }.reversed())
    }
}
