/// The daily partitions of `rtx_ticks` (UTC days): naming, bounds and the statement that
/// creates one. The projector creates a day's partition in the transaction that writes the
/// day's first ticks (`CREATE TABLE IF NOT EXISTS`, so a restart or a rolled-back batch is
/// harmless) and remembers, after the commit, which days exist. Retention (dropping old
/// partitions) is not done yet.
enum TickPartitions {
    static let dayNs: Int64 = 86_400_000_000_000

    /// Days since 1970-01-01 (UTC) of a time in ns (floor).
    static func day(ofNs timeNs: Int64) -> Int64 {
        let q = timeNs / dayNs
        return timeNs % dayNs < 0 ? q - 1 : q
    }

    /// The civil date of a day number (proleptic Gregorian; H. Hinnant's days-to-civil).
    static func civil(day: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// "2026-11-27" (or "20261127" without a separator).
    static func dateText(day: Int64, separator: String = "-") -> String {
        let c = civil(day: day)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year)\(separator)\(two(c.month))\(separator)\(two(c.day))"
    }

    /// "rtx_ticks_20261127".
    static func tableName(day: Int64) -> String { "rtx_ticks_" + dateText(day: day, separator: "") }

    /// Creates the day's partition unless it exists.
    static func createStatement(day: Int64) -> String {
        "CREATE TABLE IF NOT EXISTS \(tableName(day: day)) PARTITION OF rtx_ticks FOR VALUES FROM ('\(dateText(day: day)) 00:00:00+00') TO ('\(dateText(day: day + 1)) 00:00:00+00')"
    }
}
