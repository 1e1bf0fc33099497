import Foundation

/// `rtx status`'s lines for the LP manager, from the `market` object of the status answer:
/// one line per LP (state, the adapter's own report, quotes, refusals by reason) with its
/// last quote per symbol, then one line per symbol (mode, source, consolidated quote,
/// failovers).
enum MarketStatusText {
    static let reasons = ["crossed", "non_positive", "spike", "stale", "unmapped", "malformed"]

    static func render(_ market: Any?) -> String {
        guard let m = market as? [String: Any] else { return "quotes: no LP manager (no plugins loaded)" }
        var lines: [String] = []
        for case let lp as [String: Any] in m["lps"] as? [Any] ?? [] {
            let refused = lp["refused"] as? [String: Any] ?? [:]
            let counts = reasons.compactMap { k -> String? in
                let n = (refused[k] as? NSNumber)?.int64Value ?? 0
                return n > 0 ? "\(k) \(n)" : nil
            }
            lines.append("LP \(text(lp["id"])): \(text(lp["state"])) (adapter: \(text(lp["link"]))); quotes \(text(lp["quotes"])), accepted \(text(lp["accepted"])), refused: \(counts.isEmpty ? "none" : counts.joined(separator: ", "))")
            for case let f as [String: Any] in lp["symbols"] as? [Any] ?? [] {
                let age = (f["age_ms"] as? NSNumber)?.int64Value ?? -1
                let quote = age < 0 ? "no quote yet" : "\(text(f["bid"])) / \(text(f["ask"])), \(age) ms ago"
                lines.append("  \(text(f["symbol"])) as \(text(f["venue_symbol"])), priority \(text(f["priority"])): \(quote)\(f["eligible"] as? Bool == true ? "" : " (not a source now)")")
            }
        }
        for case let s as [String: Any] in m["symbols"] as? [Any] ?? [] {
            let lps = (s["lps"] as? [String] ?? []).joined(separator: " > ")
            let quote = text(s["bid"]).isEmpty ? "no quote yet" : "\(text(s["bid"])) (\(text(s["bid_lp"]))) / \(text(s["ask"])) (\(text(s["ask_lp"])))"
            if text(s["mode"]) == "failover" {
                let source = text(s["source"]).isEmpty ? "none fresh" : text(s["source"])
                lines.append("\(text(s["symbol"])): failover over \(lps), source \(source): \(quote); failovers \(text(s["failovers"])), failbacks \(text(s["failbacks"])); volatility \(text(s["volatility_ppm"])) ppm")
            } else {
                lines.append("\(text(s["symbol"])): aggregate of \(lps): \(quote); LPs crossed each other \(text(s["crossed_across_lps"])) times; volatility \(text(s["volatility_ppm"])) ppm")
            }
        }
        return lines.isEmpty ? "quotes: no LP bound to any symbol" : lines.joined(separator: "\n")
    }

    private static func text(_ v: Any?) -> String {
        switch v {
        case let s as String: s
        case let n as NSNumber: n.stringValue
        default: ""
        }
    }
}
