import ArgumentParser
import RTXEngine
import RTXPluginHost
#if canImport(Glibc)
import Glibc
#endif

/// The engine's private state folder (plugin cache and, later, local server data).
enum StateDirectory {
    /// Creates the folder (0700) if missing.
    static func ensure(_ path: String) throws {
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            printError("cannot create the state folder \(path): \(String(cString: strerror(errno))) (fix: pass --state-dir with a writable folder)")
            throw ExitCode(2)
        }
    }
}

/// What the commands share.
enum CommandSupport {
    /// Decodes a manifest, or prints every problem in it and exits with status 2.
    static func loadManifest(_ path: String) throws -> Manifest {
        do {
            return try ManifestDecoder.load(path: path)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}
