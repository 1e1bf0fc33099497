import RTXPluginHost
import RTXCore

/// The text form of weekly trading windows and times of day in `rtx.yaml` (all UTC).
///
/// A window is `"<weekday> HH:MM - <weekday> HH:MM"`, e.g. `"sun 22:00 - fri 22:00"`.
/// Weekdays are `sun mon tue wed thu fri sat` (or the full English names, any case); the end
/// is exclusive and may be `24:00`. A window whose end comes before its start in the week
/// (`"sat 22:00 - sun 02:00"`) runs over the week's turn and becomes two core windows.
public enum SessionText {
    /// Weekday abbreviations in the core's order: minute 0 of the week is Sunday 00:00 UTC.
    public static let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    static let fullWeekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    /// What is wrong with a text and what to write instead.
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
        public var fix: String
    }

    /// Minutes after 00:00 of `"HH:MM"` (two-digit hours 00...23, minutes 00...59; `24:00`
    /// is 1,440 when `allowEndOfDay`).
    public static func minuteOfDay(_ text: String, allowEndOfDay: Bool = false) -> Int? {
        let b = Array(text.utf8)
        guard b.count == 5, b[2] == UInt8(ascii: ":"),
              let h = twoDigits(b[0], b[1]), let m = twoDigits(b[3], b[4]), m < 60 else { return nil }
        if h == 24, m == 0, allowEndOfDay { return 1_440 }
        guard h < 24 else { return nil }
        return h * 60 + m
    }

    /// The core windows of one window text (one, or two when it runs over the week's turn).
    public static func parseWindow(_ text: String) -> Result<[TradingSessions.Window], Problem> {
        let shape = "write \"<weekday> HH:MM - <weekday> HH:MM\" in UTC, e.g. \"sun 22:00 - fri 22:00\""
        let halves = text.split(separator: "-", omittingEmptySubsequences: false)
        guard halves.count == 2 else {
            return .failure(Problem(message: "window '\(text)' is not two times joined by ' - '", fix: shape))
        }
        var minutes: [Int] = []
        for (i, half) in halves.enumerated() {
            let parts = half.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 2 else {
                return .failure(Problem(message: "the \(i == 0 ? "start" : "end") '\(half.trimmed)' of window '\(text)' is not a weekday and a time",
                                        fix: shape))
            }
            let word = parts[0].lowercased()
            guard let day = weekdays.firstIndex(of: word) ?? fullWeekdays.firstIndex(of: word) else {
                let hint = Suggest.closest(to: word, in: weekdays + fullWeekdays).map { "did you mean '\($0)'? " } ?? ""
                return .failure(Problem(message: "'\(parts[0])' in window '\(text)' is not a weekday",
                                        fix: "\(hint)weekdays are \(weekdays.joined(separator: " "))"))
            }
            guard let minute = minuteOfDay(String(parts[1]), allowEndOfDay: i == 1) else {
                return .failure(Problem(message: "'\(parts[1])' in window '\(text)' is not a time HH:MM",
                                        fix: "write two-digit hours 00-23 and minutes 00-59 (an end may be 24:00)"))
            }
            minutes.append(day * 1_440 + minute)
        }
        let week = Int(TradingSessions.minutesPerWeek)
        let start = minutes[0], end = minutes[1]
        if start == end {
            return .failure(Problem(message: "window '\(text)' starts where it ends",
                                    fix: "for a market that never closes write `sessions: always`"))
        }
        if start < end {
            return .success([TradingSessions.Window(startMinute: Int32(start), endMinute: Int32(end))])
        }
        // Runs over Saturday 24:00 into the next week.
        var windows = [TradingSessions.Window(startMinute: Int32(start), endMinute: Int32(week))]
        if end > 0 { windows.insert(TradingSessions.Window(startMinute: 0, endMinute: Int32(end)), at: 0) }
        return .success(windows)
    }

    /// `"sun 22:00 - fri 22:00"` for a core window.
    public static func format(_ window: TradingSessions.Window) -> String {
        "\(point(Int(window.startMinute))) - \(point(Int(window.endMinute), isEnd: true))"
    }

    /// `"21:00"` for 1,260.
    public static func formatMinuteOfDay(_ minute: Int) -> String {
        "\(pad(minute / 60)):\(pad(minute % 60))"
    }

    private static func point(_ minute: Int, isEnd: Bool = false) -> String {
        var day = minute / 1_440, inDay = minute % 1_440
        if isEnd, inDay == 0, day > 0 { day -= 1; inDay = 1_440 }
        return "\(weekdays[day % 7]) \(formatMinuteOfDay(inDay))"
    }

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    private static func twoDigits(_ a: UInt8, _ b: UInt8) -> Int? {
        guard (48 ... 57).contains(a), (48 ... 57).contains(b) else { return nil }
        return Int(a - 48) * 10 + Int(b - 48)
    }
}

extension Substring {
    var trimmed: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
