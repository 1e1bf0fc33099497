#if canImport(Glibc)
import Glibc
#endif

/// The user a private server runs as when we are root (PostgreSQL refuses root), and how
/// we run a program as that user (`runuser -u NAME --`, else `setpriv`).
struct ServerUser: Sendable {
    var name: String
    var uid: uid_t
    var gid: gid_t
    /// The program and arguments to put before a command to run it as this user.
    var prefix: [String]

    static var weAreRoot: Bool { geteuid() == 0 }

    /// The user named `name`, or an error naming the fix.
    static func named(_ name: String, for what: String) throws(PrivateServerError) -> ServerUser {
        guard let entry = getpwnam(name) else {
            throw PrivateServerError(what, "we run as root, which PostgreSQL refuses, and there is no '\(name)' user to run it as",
                                     fix: "apt-get install postgresql (it creates the '\(name)' user), or run rtx as a non-root user")
        }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        if let runuser = ServerFiles.findExecutable("runuser") {
            return ServerUser(name: name, uid: uid, gid: gid, prefix: [runuser, "-u", name, "--"])
        }
        if let setpriv = ServerFiles.findExecutable("setpriv") {
            return ServerUser(name: name, uid: uid, gid: gid,
                              prefix: [setpriv, "--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--"])
        }
        throw PrivateServerError(what, "neither runuser nor setpriv is installed, so PostgreSQL cannot be run as '\(name)'",
                                 fix: "apt-get install util-linux")
    }

    /// Runs `executable arguments` as this user (or as ourselves when `user` is nil).
    static func run(_ user: ServerUser?, _ executable: String, _ arguments: [String], timeoutMs: Int,
                    what: String) throws(PrivateServerError) -> ChildProcess.Outcome {
        guard let user else { return try ChildProcess.run(executable, arguments, timeoutMs: timeoutMs, what: what) }
        return try ChildProcess.run(user.prefix[0], Array(user.prefix.dropFirst()) + [executable] + arguments,
                                    timeoutMs: timeoutMs, what: what)
    }

    /// True when this user can reach (search) the folder at `path`, every parent included.
    func canReach(_ path: String) -> Bool {
        guard let test = ServerFiles.findExecutable("test") else { return false }
        let outcome = try? ServerUser.run(self, test, ["-d", path, "-a", "-x", path], timeoutMs: 10_000, what: "check folder access")
        return outcome?.succeeded ?? false
    }
}
