import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Set by the SIGHUP handler; taken by the watcher.
private let hangupReceived = Atomic<Bool>(false)

/// Reloads a `PluginHost`'s manifest when the file changes (polled: inode, size and
/// modification time, so an atomic rename-over is seen like an edit in place) or when the
/// process receives SIGHUP, and reclaims replaced instances in between.
///
/// Thread: owns one control thread, from `start` until `stop` returns.
public final class ManifestWatcher: @unchecked Sendable {
    public let host: PluginHost
    public let pollIntervalMs: Int
    private let running = Atomic<Bool>(false)
    private var thread: pthread_t?
    private let reports = PThreadMutex<[ReloadReport]>([])
    /// Reports kept for inspection; older ones are dropped beyond this.
    public static let reportLimit = 64

    /// Does the reload (default: `host.reload`); the engine passes its own, which also
    /// refreshes what depends on the plugins (fee schedule, LP routes). Called on the
    /// watcher's thread.
    private let reload: @Sendable (String) -> ReloadReport

    public init(host: PluginHost, pollIntervalMs: Int = 200, reload: (@Sendable (String) -> ReloadReport)? = nil) {
        self.host = host
        self.pollIntervalMs = pollIntervalMs
        self.reload = reload ?? { trigger in host.reload(trigger: trigger) }
    }

    /// Installs the SIGHUP handler (process-wide) and starts the control thread.
    public func start() {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        signal(SIGHUP) { _ in hangupReceived.store(true, ordering: .releasing) }
        let box = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { argument in
            let watcher = Unmanaged<ManifestWatcher>.fromOpaque(argument!).takeRetainedValue()
            watcher.loop()
            return nil
        }, box)
        precondition(status == 0, "cannot start the manifest watcher thread: \(status)")
        thread = handle
    }

    /// Stops the control thread and waits for it.
    public func stop() {
        guard running.exchange(false, ordering: .acquiringAndReleasing), let thread else { return }
        pthread_join(thread, nil)
        self.thread = nil
    }

    /// Every reload done so far (at most `reportLimit`, oldest first).
    public var reloadReports: [ReloadReport] { reports.withLock { $0 } }

    private func fingerprint() -> (UInt64, Int64, Int, Int)? {
        var info = stat()
        guard stat(host.manifestPath, &info) == 0 else { return nil }
        return (UInt64(info.st_ino), Int64(info.st_size), info.st_mtim.tv_sec, info.st_mtim.tv_nsec)
    }

    private func loop() {
        var last = fingerprint()
        while running.load(ordering: .acquiring) {
            usleep(useconds_t(pollIntervalMs * 1000))
            var trigger: String?
            if hangupReceived.exchange(false, ordering: .acquiringAndReleasing) { trigger = "SIGHUP" }
            let now = fingerprint()
            if let now, let previous = last, now != previous { trigger = trigger ?? "file change" }
            if now != nil { last = now }
            if let trigger {
                let report = reload(trigger)
                last = fingerprint()
                reports.withLock {
                    $0.append(report)
                    if $0.count > Self.reportLimit { $0.removeFirst() }
                }
            }
            host.reclaim()
        }
    }
}

/// Writes a file atomically: a temporary file in the same folder, fsync, rename over the
/// target. Readers (the manifest watcher included) see the old or the new file, never a
/// half-written one. Tools that rewrite plugins.yaml use this.
public enum AtomicFile {
    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws(FileSystemError) {
        var template = Array((path + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FileSystemError("create a temporary file next to", path: path) }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var done = false
        defer {
            close(fd)
            if !done { unlink(temporary) }
        }
        try FileBytes.writeAll(fd: fd, bytes: Array(text.utf8), path: temporary)
        guard fchmod(fd, mode) == 0 else { throw FileSystemError("chmod", path: temporary) }
        guard fsync(fd) == 0 else { throw FileSystemError("fsync", path: temporary) }
        guard rename(temporary, path) == 0 else { throw FileSystemError("rename over", path: path) }
        done = true
    }
}
