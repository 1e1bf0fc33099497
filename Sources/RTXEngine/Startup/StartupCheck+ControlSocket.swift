#if canImport(Glibc)
import Glibc
#endif

extension StartupCheck {
    /// `engine.control_socket`: refused when an engine listens there (it would lose its socket,
    /// and its private servers would be stopped under it), when the path is something other
    /// than a socket (binding would delete it), or when its folder is missing (other than the
    /// data folder, which `rtx run` creates). A socket file left by a crashed engine (nobody
    /// accepts on it) is fine: it is replaced without a word.
    static func controlSocketProblems(_ config: EngineConfig) -> [EngineConfigError] {
        let path = config.engine.controlSocketPath
        let setting = "engine.control_socket"
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let folder = ConfigFile.directory(of: path)
            var folderInfo = stat()
            if folder != config.engine.dataDirectory, stat(folder, &folderInfo) != 0 || (folderInfo.st_mode & S_IFMT) != S_IFDIR {
                return [config.problem(setting, "the folder \(folder) of the control socket \(path) does not exist",
                                       fix: "create it (mkdir -p \(folder)), or set engine.control_socket in an existing folder (\"\" puts it in the data folder)")]
            }
            return []
        }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            return [config.problem(setting, "\(path) exists and is \(kindName(info.st_mode)), not a socket; rtx would have to delete it to listen there",
                                   fix: "set engine.control_socket to a new path, or move \(path) away yourself")]
        }
        guard let listener = ControlSocketPeer.listening(at: path) else { return [] }
        let pid = listener.pid.map { " (pid \($0))" } ?? ""
        let stop = listener.pid.map { "Ctrl-C in its terminal, or kill -TERM \($0)" } ?? "Ctrl-C in its terminal, or SIGTERM"
        return [config.problem(setting, "another engine is listening at \(path)\(pid)",
                               fix: "stop it (\(stop); it stops cleanly), or set a different engine.control_socket (and engine.data) for a second engine")]
    }

    private static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a folder"
        case S_IFLNK: "a symbolic link"
        case S_IFIFO: "a named pipe"
        default: "a special file"
        }
    }
}

/// Who listens on a Unix-domain socket path.
struct ControlSocketPeer {
    /// The listener's process id, when the kernel tells it (SO_PEERCRED).
    var pid: Int32?

    /// The listener on `path`; nil when nobody accepts connections there (no file, or a stale one).
    static func listening(at path: String) -> ControlSocketPeer? {
        guard var address = try? ControlClient.address(path) else { return nil }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { return nil }
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        var credentials: (pid: Int32, uid: UInt32, gid: UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        let known = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 && credentials.pid > 0
        return ControlSocketPeer(pid: known ? credentials.pid : nil)
    }
}
