/// An instance's flat configuration: its `config:` block of plugins.yaml, read the way
/// `rtx/config.h` reads it. A flat block is lines of `key: value` at column 1; `#` starts a
/// comment (at the start of a line, or after a space or tab, outside double quotes); values
/// may be wrapped in double quotes. Line k (0-based) of `text` is line `firstLine + k` of
/// `sourcePath`, and every error names that line:
/// `"<sourcePath>:<firstLine + k>: <key>: '<value>' <what is wrong>"`.
///
/// Thread: any; an immutable value (`Sendable`). Lifetime: a copy, valid as long as you keep it.
/// Numbers are fixed point (Int64), never floating point.
public struct RTXConfig: Sendable {
    /// One `key: value` line at column 1.
    public struct Entry: Sendable, Equatable {
        /// The text before the first colon.
        public let key: String
        /// Trimmed, without comment and without surrounding double quotes.
        public let value: String
        /// 0-based line in `text`.
        public let line: Int
    }

    /// The block's YAML text, common indentation removed; empty when the manifest has none.
    public let text: String
    /// 1-based manifest line of the text's first line; 0 when there is no block.
    public let firstLine: UInt32
    /// The manifest's path.
    public let sourcePath: String
    /// The manifest's `id` of this instance.
    public let instanceID: String
    /// The `key: value` lines, in order (a key given twice appears twice; lookups take the first).
    public let entries: [Entry]
    /// Non-blank, non-comment lines that are not `key: value` at column 1: (line, trimmed text, indented).
    private let otherLines: [(line: Int, text: String, indented: Bool)]

    /// Parses text. `firstLine`, `sourcePath` and `instanceID` only label error messages.
    public init(text: String, firstLine: UInt32 = 1, sourcePath: String = "config", instanceID: String = "") {
        self.text = text
        self.firstLine = firstLine
        self.sourcePath = sourcePath
        self.instanceID = instanceID
        var entries: [Entry] = []
        var otherLines: [(line: Int, text: String, indented: Bool)] = []
        let bytes = Array(text.utf8)
        var start = 0
        var lineNumber = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A {
                end += 1
            }
            let raw = bytes[start ..< end]
            let trimmed = RTXDecimal.trimmed(raw)
            if let first = trimmed.first, first != 0x23 { // not blank, not a '#' comment
                let indented = raw.first == 0x20 || raw.first == 0x09
                if !indented, let colon = raw.firstIndex(of: 0x3A) {
                    entries.append(Entry(key: String(decoding: raw[start ..< colon], as: UTF8.self),
                                         value: RTXConfig.value(raw[(colon + 1) ..< end]), line: lineNumber))
                } else {
                    otherLines.append((lineNumber, String(decoding: trimmed, as: UTF8.self), indented))
                }
            }
            start = end + 1
            lineNumber += 1
        }
        self.entries = entries
        self.otherLines = otherLines
    }

    /// The value after a colon: comment removed (a `#` at its start or after a space or tab,
    /// outside double quotes), trimmed, surrounding double quotes removed.
    private static func value(_ bytes: ArraySlice<UInt8>) -> String {
        var end = bytes.endIndex
        var inQuotes = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x22 {
                inQuotes.toggle()
            } else if !inQuotes && byte == 0x23 &&
                (index == bytes.startIndex || bytes[index - 1] == 0x20 || bytes[index - 1] == 0x09) {
                end = index
                break
            }
            index += 1
        }
        var value = RTXDecimal.trimmed(bytes[bytes.startIndex ..< end])
        if value.count >= 2 && value.first == 0x22 && value.last == 0x22 {
            value = value.dropFirst().dropLast()
        }
        return String(decoding: value, as: UTF8.self)
    }

    // MARK: - Lookup and errors

    /// The first `key:` line, or nil when the key is absent.
    public func entry(_ key: String) -> Entry? {
        entries.first { $0.key == key }
    }

    /// The manifest line of line k (0-based) of `text`.
    public func manifestLine(_ k: Int) -> UInt32 {
        firstLine &+ UInt32(truncatingIfNeeded: k)
    }

    /// `RTX_E_CONFIG`: `"<sourcePath>:<firstLine + line>: <key>: '<value>' <problem>"`.
    public func error(line: Int, key: String, value: String, _ problem: String) -> RTXPluginError {
        .config(source: sourcePath, line: manifestLine(line), key: key, value: value, problem)
    }

    /// `RTX_E_CONFIG` for a required key that is absent:
    /// `"<sourcePath>: plugin '<instanceID>': <key> is required (<hint>)"`.
    public func missing(_ key: String, _ hint: String) -> RTXPluginError {
        .config("\(sourcePath): plugin '\(instanceID)': \(key) is required (\(hint))")
    }

    /// Refuses what a typo would otherwise hide: unknown keys, keys given twice, indented
    /// (nested) lines and lines that are not `key: value`. Blank and `#` lines are fine.
    public func checkKeys(allowed: [String]) throws(RTXPluginError) {
        if let other = otherLines.first {
            let clipped = RTXCStrings.clipped(other.text, maxBytes: 80)
            throw .config("\(sourcePath):\(manifestLine(other.line)): '\(clipped)': " +
                (other.indented ? "indented lines are not supported (flat `key: value` lines only)"
                                : "is not a `key: value` line"))
        }
        var seen: [String: Int] = [:]
        for entry in entries {
            guard allowed.contains(entry.key) else {
                throw .config("\(sourcePath):\(manifestLine(entry.line)): unknown key " +
                    "'\(RTXCStrings.clipped(entry.key, maxBytes: 64))' (known keys: \(allowed.joined(separator: ", ")))")
            }
            if let first = seen[entry.key] {
                throw .config("\(sourcePath):\(manifestLine(entry.line)): \(entry.key): given twice (first at line \(manifestLine(first)))")
            }
            seen[entry.key] = entry.line
        }
    }

    // MARK: - Typed values

    /// A string value. Absent: `defaultValue`, or a "required" error when that is nil.
    /// Refuses an empty value unless `allowEmpty`, and one longer than `maxBytes` UTF-8 bytes.
    public func string(_ key: String, default defaultValue: String? = nil, maxBytes: Int = 4096,
                       allowEmpty: Bool = false) throws(RTXPluginError) -> String {
        guard let entry = entry(key) else {
            guard let defaultValue else {
                throw missing(key, "a text value")
            }
            return defaultValue
        }
        if entry.value.isEmpty && !allowEmpty {
            throw error(line: entry.line, key: key, value: entry.value, "must not be empty")
        }
        if entry.value.utf8.count > maxBytes {
            throw error(line: entry.line, key: key, value: entry.value,
                        "is \(entry.value.utf8.count) bytes, longer than the \(maxBytes) allowed")
        }
        return entry.value
    }

    /// A whole number in `range`. Absent: `defaultValue`, or a "required" error when that is nil.
    public func int(_ key: String, in range: ClosedRange<Int64>, default defaultValue: Int64? = nil) throws(RTXPluginError) -> Int64 {
        guard let entry = entry(key) else {
            guard let defaultValue else {
                throw missing(key, "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return defaultValue
        }
        guard let number = RTXDecimal.parseInt(entry.value), range.contains(number) else {
            throw error(line: entry.line, key: key, value: entry.value,
                        "is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A decimal number as fixed point with `digits` fractional digits (8 for money and lots:
    /// `3.50` is 350000000), in `range` (fixed-point bounds) when given. At most `digits`
    /// fractional digits are accepted: nothing is rounded. Absent: `defaultValue`, or a
    /// "required" error when that is nil.
    public func fixed(_ key: String, digits: Int32, in range: ClosedRange<Int64>? = nil,
                      default defaultValue: Int64? = nil) throws(RTXPluginError) -> Int64 {
        guard let entry = entry(key) else {
            guard let defaultValue else {
                throw missing(key, "a decimal number with at most \(digits) fractional digits")
            }
            return defaultValue
        }
        guard let number = RTXDecimal.parseFixed(entry.value, digits: digits) else {
            throw error(line: entry.line, key: key, value: entry.value,
                        "is not a decimal number with at most \(digits) fractional digits")
        }
        if let range, !range.contains(number) {
            let low = RTXDecimal.format(range.lowerBound, digits: digits)
            let high = RTXDecimal.format(range.upperBound, digits: digits)
            let bounds = range.upperBound == Int64.max ? "at least \(low)"
                : range.lowerBound == Int64.min ? "at most \(high)" : "from \(low) to \(high)"
            throw error(line: entry.line, key: key, value: entry.value, "is out of range: it must be \(bounds)")
        }
        return number
    }

    /// One of `choices`. Absent: `defaultValue`, or a "required" error when that is nil.
    public func choice(_ key: String, from choices: [String], default defaultValue: String? = nil) throws(RTXPluginError) -> String {
        guard let entry = entry(key) else {
            guard let defaultValue else {
                throw missing(key, "one of \(choices.joined(separator: ", "))")
            }
            return defaultValue
        }
        guard choices.contains(entry.value) else {
            throw error(line: entry.line, key: key, value: entry.value, "is not one of \(choices.joined(separator: ", "))")
        }
        return entry.value
    }

    /// Splits a separated list like `rtx_str_next_item`: items are trimmed; an empty item
    /// between two separators is kept as ""; a trailing separator adds no item.
    public static func items(of list: String, separator: Unicode.Scalar = ",") -> [String] {
        let bytes = Array(list.utf8)
        guard separator.isASCII else {
            return [list]
        }
        let sep = UInt8(separator.value)
        var items: [String] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != sep {
                end += 1
            }
            items.append(String(decoding: RTXDecimal.trimmed(bytes[start ..< end]), as: UTF8.self))
            start = end + 1
        }
        return items
    }
}
