/// Writes `sha256:` pins into a manifest's text, keeping everything else (comments, order,
/// spacing) as it was. Used by `rtx plugins pin`, which then writes the file atomically.
public enum ManifestPinner {
    public struct Result: Sendable {
        public var text: String
        /// One line per plugin: pinned, updated, unchanged or skipped (and why).
        public var notes: [String]
    }

    /// Pins each plugin of `manifest` (decoded from `text`) to `digests[id]`.
    public static func pin(text: String, manifest: Manifest, digests: [String: String]) -> Result {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var notes: [String] = []
        // Work bottom-up so inserted lines do not shift the entries still to do.
        let entries = manifest.plugins.sorted { $0.mark.line > $1.mark.line }
        let starts = manifest.plugins.map(\.mark.line).sorted()
        for entry in entries {
            guard let digest = digests[entry.id] else { continue }
            let first = entry.mark.line - 1
            let line = lines[first]
            let column = entry.mark.column - 1
            if line.contains("{") {
                notes.append("\(entry.id): skipped (a flow-style entry `{...}`: write it in block style to pin it)")
                continue
            }
            let end = (starts.first { $0 > entry.mark.line } ?? (lines.count + 1)) - 1
            let indent = String(repeating: " ", count: column)
            func isKey(_ l: String, _ key: String) -> Bool {
                let body = l.count > column ? String(l.dropFirst(column)) : ""
                let lead = l.prefix(column)
                return (lead.allSatisfy { $0 == " " || $0 == "-" }) && body.hasPrefix(key + ":")
            }
            if let shaLine = (first ..< min(end, lines.count)).first(where: { isKey(lines[$0], "sha256") }) {
                let old = lines[shaLine].split(separator: ":", maxSplits: 1).last.map { $0.trimmingSpaces } ?? ""
                if old.lowercased() == digest {
                    notes.append("\(entry.id): unchanged \(digest)")
                } else {
                    lines[shaLine] = String(lines[shaLine].prefix(column)) + "sha256: " + digest
                    notes.append("\(entry.id): updated \(old.isEmpty ? "(empty)" : old) -> \(digest)")
                }
            } else if let pathLine = (first ..< min(end, lines.count)).first(where: { isKey(lines[$0], "path") }) {
                lines.insert(indent + "sha256: " + digest, at: pathLine + 1)
                notes.append("\(entry.id): pinned \(digest)")
            } else {
                notes.append("\(entry.id): skipped (its `path:` line was not found in block style)")
            }
        }
        return Result(text: lines.joined(separator: "\n"), notes: notes.reversed())
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
