import Foundation

/// CPU time used (user + system, ns) by this process and by a PostgreSQL server (its
/// postmaster and the processes whose parent it is: backends, WAL writer, checkpointer),
/// read from getrusage(2) and /proc/PID/stat. Linux only; a process that ended between two
/// readings drops out of the server's total, so compare readings taken while the same
/// sessions live.
enum ProcessCPU {
    static func selfNs() -> Int64 {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func ns(_ t: timeval) -> Int64 { Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_usec) * 1_000 }
        return ns(usage.ru_utime) + ns(usage.ru_stime)
    }

    /// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), ns: a load client's own share of `selfNs`.
    static func threadNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// The server whose postmaster is `postmaster`, ns (0 when /proc cannot be read).
    static func serverNs(postmaster: Int32) -> Int64 {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        let ticksPerSecond = Int64(sysconf(Int32(_SC_CLK_TCK)))
        var ticks: Int64 = 0
        for entry in entries {
            guard let pid = Int32(entry), let stat = stat(pid) else { continue }
            if pid == postmaster || stat.parent == postmaster { ticks += stat.cpuTicks }
        }
        return ticksPerSecond > 0 ? ticks * 1_000_000_000 / ticksPerSecond : 0
    }

    /// Parent pid and utime + stime (clock ticks) of `pid`. The command name (field 2) may hold
    /// spaces and parentheses, so fields are counted after its last ')'.
    private static func stat(_ pid: Int32) -> (parent: Int32, cpuTicks: Int64)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the name: state(0) ppid(1) ... utime(11) stime(12).
        guard fields.count > 12, let parent = Int32(fields[1]), let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        return (parent, user + system)
    }
}
