import RTXDigest
#if canImport(Glibc)
import Glibc
#endif

/// A library file that passed the loading checks, and its private content-addressed copy.
public struct VerifiedLibrary: Sendable, Equatable {
    /// The file as the manifest named it, with symbolic links in its folders resolved.
    public var realPath: String
    /// Lowercase hex SHA-256 of the bytes that were read (and copied).
    public var sha256: String
    /// The private copy the host opens: `<cache>/<sha256>.so`.
    public var cachePath: String
    public var sizeBytes: Int
}

/// Guards plugin loading (DESIGN §3): refuses a library whose file or any parent folder is
/// writable by group or others, or owned by anyone but root or the engine's user; checks
/// the sha256 pin on the bytes read from the opened file; writes those bytes to a private
/// content-addressed copy that the host then opens. Opening the copy closes the window
/// between checking a file and loading it, and gives every build of a library a fresh path
/// (glibc would hand back an already-loaded library for a path it has seen).
///
/// Root-owned sticky folders (like /tmp) are accepted as parents: the sticky bit stops
/// others from renaming or replacing entries they do not own.
///
/// Thread: the control thread; calls block on file I/O.
public struct LibraryGuard: Sendable {
    /// Largest library accepted, bytes.
    public static let maxLibraryBytes = 256 << 20

    /// Folder of the private copies; created 0700 if missing.
    public var cacheDirectory: String
    /// Owners accepted for libraries and their folders (root and the engine's effective user).
    public var allowedOwners: Set<UInt32>

    public init(cacheDirectory: String, allowedOwners: Set<UInt32> = [0, geteuid()]) {
        self.cacheDirectory = cacheDirectory
        self.allowedOwners = allowedOwners
    }

    /// Checks `path` (pinned to `expectedSHA256` when given) and returns its private copy.
    public func verify(path: String, expectedSHA256: String?, pluginID: String?) throws(PluginLoadError) -> VerifiedLibrary {
        func refuse(_ field: String, _ message: String, _ fix: String, at file: String = path) -> PluginLoadError {
            PluginLoadError(pluginID: pluginID, path: file, field: field, message: message, fix: fix)
        }
        let folder = FileBytes.directory(of: path)
        let name = FileBytes.lastComponent(of: path)
        guard let realFolder = Self.realPath(folder) else {
            throw refuse("path", "its folder \(folder) cannot be resolved: \(String(cString: strerror(errno)))", "create the folder or correct path")
        }
        let realFile = (realFolder == "/" ? "" : realFolder) + "/" + name
        try checkFolders(of: realFolder, refuse: { field, message, fix, file in refuse(field, message, fix, at: file) })

        let fd = open(realFile, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ELOOP {
                throw refuse("path", "the file is a symbolic link", "point path at the real library file, not a link to it", at: realFile)
            }
            throw refuse("path", "cannot open: \(String(cString: strerror(errno)))", "check that the file exists and is readable", at: realFile)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw refuse("path", "cannot stat: \(String(cString: strerror(errno)))", "check the file", at: realFile)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw refuse("path", "not a regular file", "point path at the .so file", at: realFile)
        }
        if let problem = ownershipProblem(info, isFolder: false) {
            throw refuse("path", "the file \(problem.message)", problem.fix(realFile), at: realFile)
        }
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.readAll(fd: fd, path: realFile, limitBytes: Self.maxLibraryBytes)
        } catch {
            throw refuse("path", "\(error)", "check the file", at: realFile)
        }
        let digest = SHA256.hexDigest(of: bytes)
        if let expectedSHA256, expectedSHA256 != digest {
            throw refuse("sha256", "the file's SHA-256 is \(digest) but the manifest pins \(expectedSHA256)",
                         "deploy the library the pin names, or after checking this build write `sha256: \(digest)`", at: realFile)
        }
        let copy = try privateCopy(bytes: bytes, sha256: digest, refuse: { field, message, fix, file in refuse(field, message, fix, at: file) })
        return VerifiedLibrary(realPath: realFile, sha256: digest, cachePath: copy, sizeBytes: bytes.count)
    }

    private struct OwnershipProblem {
        var message: String
        var fix: (String) -> String
    }

    private func ownershipProblem(_ info: stat, isFolder: Bool) -> OwnershipProblem? {
        let mode = info.st_mode & 0o7777
        if !allowedOwners.contains(info.st_uid) {
            let owners = allowedOwners.sorted().map(String.init).joined(separator: " or uid ")
            return OwnershipProblem(message: "is owned by uid \(info.st_uid), not by uid \(owners) (root or the engine's user)",
                                    fix: { "chown \(geteuid()) \($0)" })
        }
        let writableByOthers = mode & S_IWOTH != 0
        let writableByGroup = mode & S_IWGRP != 0
        if writableByGroup || writableByOthers {
            if isFolder, info.st_uid == 0, mode & S_ISVTX != 0 { return nil }
            let who = writableByGroup && writableByOthers ? "group and others" : (writableByGroup ? "group" : "others")
            return OwnershipProblem(message: "is writable by \(who) (mode \(String(mode, radix: 8)))", fix: { "chmod go-w \($0)" })
        }
        return nil
    }

    /// Checks `realFolder` and every folder above it.
    private func checkFolders(of realFolder: String,
                              refuse: (String, String, String, String) -> PluginLoadError) throws(PluginLoadError) {
        var folder = realFolder
        while true {
            var info = stat()
            guard stat(folder, &info) == 0 else {
                throw refuse("path", "cannot stat folder \(folder): \(String(cString: strerror(errno)))", "check the folder", folder)
            }
            if let problem = ownershipProblem(info, isFolder: true) {
                throw refuse("path", "its folder \(folder) \(problem.message)", problem.fix(folder), folder)
            }
            if folder == "/" { return }
            folder = FileBytes.directory(of: folder)
        }
    }

    /// Writes (or re-verifies) `<cache>/<sha256>.so` and returns its path.
    private func privateCopy(bytes: [UInt8], sha256: String,
                             refuse: (String, String, String, String) -> PluginLoadError) throws(PluginLoadError) -> String {
        if !Self.makeDirectories(cacheDirectory) {
            throw refuse("cache", "cannot create the plugin cache \(cacheDirectory): \(String(cString: strerror(errno)))",
                         "make its parent writable by the engine's user or pass --state-dir", cacheDirectory)
        }
        guard let realCache = Self.realPath(cacheDirectory) else {
            throw refuse("cache", "cannot resolve the plugin cache \(cacheDirectory)", "pass another --state-dir", cacheDirectory)
        }
        try checkFolders(of: realCache, refuse: refuse)
        let target = realCache + "/" + sha256 + ".so"
        // An existing copy is used only if it still holds exactly these bytes.
        let existing = open(target, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if existing >= 0 {
            defer { close(existing) }
            var info = stat()
            if fstat(existing, &info) == 0, ownershipProblem(info, isFolder: false) == nil,
               let current = try? FileBytes.readAll(fd: existing, path: target, limitBytes: Self.maxLibraryBytes),
               SHA256.hexDigest(of: current) == sha256 {
                return target
            }
        }
        var template = Array((realCache + "/.incoming-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw refuse("cache", "cannot create a file in \(realCache): \(String(cString: strerror(errno)))", "check the cache folder", realCache)
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(temporary) }
        }
        do {
            try FileBytes.writeAll(fd: fd, bytes: bytes, path: temporary)
        } catch {
            throw refuse("cache", "\(error)", "free disk space or pass another --state-dir", temporary)
        }
        guard fchmod(fd, 0o500) == 0, fsync(fd) == 0, rename(temporary, target) == 0 else {
            throw refuse("cache", "cannot finish the copy \(target): \(String(cString: strerror(errno)))", "check the cache folder", target)
        }
        ok = true
        return target
    }

    /// Creates `path` and any missing parents with mode 0700; true when it exists afterwards.
    static func makeDirectories(_ path: String) -> Bool {
        if mkdir(path, 0o700) == 0 || errno == EEXIST { return true }
        guard errno == ENOENT else { return false }
        let parent = FileBytes.directory(of: path)
        guard parent != path, makeDirectories(parent) else { return false }
        return mkdir(path, 0o700) == 0 || errno == EEXIST
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
