import ArgumentParser
import Foundation
import RTXEngine

/// Where the running engine's control socket is.
struct SocketOption: ParsableArguments {
    @Option(name: .customLong("socket"), help: "The engine's control socket (default: .rtx/rtx.sock, as rtx.yaml's engine.data says).")
    var path: String = ".rtx/rtx.sock"

    @Flag(name: .customLong("json"), help: "Print the engine's JSON answer as it is.")
    var json = false
}

/// Sends one request and prints the answer; exits 1 when the engine refused it.
func sendControl(_ request: [String: Any], _ socket: SocketOption, render: ([String: Any]) -> String) throws {
    let client: ControlClient
    do { client = try ControlClient(path: socket.path) } catch {
        printError("\(error)")
        throw ExitCode(2)
    }
    let answer = try client.request(request)
    if socket.json {
        let data = try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    } else if answer["ok"] as? Bool == true {
        print(render(answer))
    } else {
        let error = answer["error"] as? [String: Any] ?? [:]
        let field = (error["field"] as? String).map { " (\($0))" } ?? ""
        printError("refused: \(error["message"] as? String ?? "unknown error") [\(error["code"] as? String ?? "?")]\(field)")
        throw ExitCode(1)
    }
}

/// Renders a command's events as lines a person reads.
func renderEvents(_ answer: [String: Any]) -> String {
    var lines = ["journaled at \(answer["sequence"] ?? "?")"]
    for case let e as [String: Any] in answer["events"] as? [Any] ?? [] {
        switch e["type"] as? String {
        case "order":
            var line = "order \(e["order"] ?? "") \(e["state"] ?? "")  \(e["side"] ?? "") \(e["volume"] ?? "") lots  book \(e["book"] ?? "")"
            if let p = e["fill_price"] { line += "  at \(p)" }
            if let p = e["position"] { line += "  position \(p)" }
            if let m = e["message"] { line += "  (\(m))" }
            lines.append(line)
        case "position":
            lines.append("position \(e["position"] ?? "") \(e["change"] ?? "") (\(e["cause"] ?? ""))  \(e["side"] ?? "") \(e["volume"] ?? "") lots at \(e["price"] ?? "")  realized \(e["realized_pnl"] ?? "0")")
        case "ledger":
            lines.append("ledger \(e["kind"] ?? "")  \(e["amount"] ?? "") \(e["currency"] ?? "")  \(e["from"] ?? "") → \(e["to"] ?? "")")
        case "route_to_lp":
            lines.append("sent to the LP: engine order \(e["engine_order"] ?? "") (\(e["purpose"] ?? ""))")
        case "rejected":
            lines.append("refused: \(e["message"] ?? "")")
        case "account", "other", nil:
            continue
        default:
            lines.append("\(e["type"] ?? ""): \(e)")
        }
    }
    return lines.joined(separator: "\n")
}

/// `rtx order ...`: place and manage orders on a running engine.
struct OrderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order",
        abstract: "Place and manage orders on the running engine.",
        subcommands: [OrderMarketCommand.self, OrderPendingCommand.self, OrderCloseCommand.self, OrderModifyCommand.self, OrderCancelCommand.self])
}

struct ProtectionOptions: ParsableArguments {
    @Option(help: "Stop loss price.") var sl: String?
    @Option(help: "Take profit price.") var tp: String?
    @Option(help: "Trailing stop distance (price units, e.g. 0.00200).") var trailing: String?

    func add(to request: inout [String: Any]) {
        if let sl { request["sl"] = sl }
        if let tp { request["tp"] = tp }
        if let trailing { request["trailing"] = trailing }
    }
}

struct OrderMarketCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "market", abstract: "A market order: rtx order market buy EURUSD 0.10 --account 1001")
    @Argument(help: "buy or sell") var side: String
    @Argument var symbol: String
    @Argument(help: "Volume in lots, e.g. 0.10") var volume: String
    @Option(help: "Account id.") var account: UInt64
    @Option(name: .customLong("client-id"), help: "Your id for the order (a repeat returns the first result).") var clientID: String?
    @Flag(help: "Immediate or cancel (default: fill or kill).") var ioc = false
    @OptionGroup var protection: ProtectionOptions
    @OptionGroup var socket: SocketOption

    func run() throws {
        var request: [String: Any] = ["op": "order", "account": account, "symbol": symbol, "side": side, "volume": volume, "fill": ioc ? "ioc" : "fok"]
        if let clientID { request["client_id"] = clientID }
        protection.add(to: &request)
        try sendControl(request, socket, render: renderEvents)
    }
}

struct OrderPendingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pending", abstract: "A resting order: rtx order pending buy limit EURUSD 0.10 1.08000 --account 1001")
    @Argument(help: "buy or sell") var side: String
    @Argument(help: "limit, stop or stop_limit") var type: String
    @Argument var symbol: String
    @Argument(help: "Volume in lots") var volume: String
    @Argument(help: "Trigger price") var price: String
    @Option(help: "Account id.") var account: UInt64
    @Option(name: .customLong("limit-price"), help: "The limit of a stop_limit order.") var limitPrice: String?
    @Option(name: .customLong("expires-in-ms"), help: "Good till this many ms from now (default: good till cancelled).") var expiresInMs: Int64?
    @Option(name: .customLong("client-id")) var clientID: String?
    @OptionGroup var protection: ProtectionOptions
    @OptionGroup var socket: SocketOption

    func run() throws {
        var request: [String: Any] = ["op": "pending", "account": account, "symbol": symbol, "side": side, "type": type.replacingOccurrences(of: "-", with: "_"),
                                      "volume": volume, "price": price]
        if let limitPrice { request["limit_price"] = limitPrice }
        if let expiresInMs { request["expires_in_ms"] = expiresInMs }
        if let clientID { request["client_id"] = clientID }
        protection.add(to: &request)
        try sendControl(request, socket, render: renderEvents)
    }
}

struct OrderCloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close (part of) a position: rtx order close 17 --account 1001 [--volume 0.05]")
    @Argument var position: UInt64
    @Option var account: UInt64
    @Option(help: "Lots to close (default: all).") var volume: String?
    @OptionGroup var socket: SocketOption

    func run() throws {
        var request: [String: Any] = ["op": "close", "account": account, "position": position]
        if let volume { request["volume"] = volume }
        try sendControl(request, socket, render: renderEvents)
    }
}

struct OrderModifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "modify", abstract: "Set a position's stop loss, take profit, trailing stop (omitted: removed).")
    @Argument var position: UInt64
    @Option var account: UInt64
    @OptionGroup var protection: ProtectionOptions
    @OptionGroup var socket: SocketOption

    func run() throws {
        var request: [String: Any] = ["op": "modify", "account": account, "position": position]
        protection.add(to: &request)
        try sendControl(request, socket, render: renderEvents)
    }
}

struct OrderCancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a resting order.")
    @Argument var order: UInt64
    @Option var account: UInt64
    @OptionGroup var socket: SocketOption

    func run() throws {
        try sendControl(["op": "cancel", "account": account, "order": order], socket, render: renderEvents)
    }
}

/// `rtx account ID`: balance, equity, margin, positions and resting orders.
struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Show an account (balance, equity, margin, positions, orders), or move money: rtx account 1001 | rtx account 1001 --deposit 500")
    @Argument var account: UInt64
    @Option(help: "Deposit this amount (account currency) first.") var deposit: String?
    @Option(help: "Withdraw this amount first.") var withdraw: String?
    @Option(help: "Correct the balance by this signed amount first (an admin adjustment; needs --reason).") var adjust: String?
    @Option(help: "Why (for --adjust).") var reason: String?
    @OptionGroup var socket: SocketOption

    func run() throws {
        if let deposit { try sendControl(["op": "deposit", "account": account, "amount": deposit], socket, render: renderEvents) }
        if let withdraw { try sendControl(["op": "withdraw", "account": account, "amount": withdraw], socket, render: renderEvents) }
        if let adjust { try sendControl(["op": "adjust", "account": account, "amount": adjust, "reason": reason ?? ""], socket, render: renderEvents) }
        try sendControl(["op": "account", "account": account], socket) { answer in
            let a = answer["account"] as? [String: Any] ?? [:]
            var lines = ["account \(a["id"] ?? "")  \(a["currency"] ?? "")",
                         "  balance \(a["balance"] ?? "")  credit \(a["credit"] ?? "")  equity \(a["equity"] ?? "")",
                         "  margin \(a["margin"] ?? "")  free \(a["free_margin"] ?? "")  level \((a["margin_level_percent"] as? String).flatMap { $0.isEmpty ? nil : $0 + " %" } ?? "-")"]
            for case let p as [String: Any] in answer["positions"] as? [Any] ?? [] {
                lines.append("  position \(p["id"] ?? "") \(p["symbol"] ?? "") \(p["side"] ?? "") \(p["volume"] ?? "") at \(p["price"] ?? "") book \(p["book"] ?? "")  P&L \(p["floating_pnl"] ?? "")"
                             + (p["sl"].map { "  sl \($0)" } ?? "") + (p["tp"].map { "  tp \($0)" } ?? ""))
            }
            for case let o as [String: Any] in answer["orders"] as? [Any] ?? [] {
                lines.append("  order \(o["id"] ?? "") \(o["symbol"] ?? "") \(o["side"] ?? "") \(o["type"] ?? "") \(o["volume"] ?? "") at \(o["price"] ?? "")")
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// `rtx status`: sequence, state hash, journal and queue figures, LP states, the Redis quote cache.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "The running engine's sequence, state hash, journal, queues, LPs and Redis quote cache.")
    @OptionGroup var socket: SocketOption

    func run() throws {
        try sendControl(["op": "status"], socket) { a in
            """
            sequence \(a["sequence"] ?? "")  state hash \(a["state_hash"] ?? "")
            journal: \(a["journaled"] ?? 0) inputs in \(a["journal_batches"] ?? 0) batches\((a["paused"] as? Bool == true) ? "  PAUSED: \(a["pause_reason"] ?? "")" : "")
            queues: client \(a["client_queue"] ?? 0), system \(a["system_queue"] ?? 0); snapshots saved \(a["snapshots_saved"] ?? 0) (last at \(a["last_snapshot"] ?? 0))
            LPs: \((a["lps"] as? [String] ?? []).joined(separator: ", "))
            \(MarketStatusText.render(a["market"]))
            read models: journal up to \(a["read_models_checkpoint"] ?? 0), \(a["read_models_lag"] ?? 0) inputs behind\((a["read_models_problem"] as? String).map { $0.isEmpty ? "" : "  PROBLEM: \($0)" } ?? "")
            redis: \((a["redis"] as? [String: Any])?["summary"] as? String ?? "not used")
            """
        }
    }
}

/// `rtx quotes` and `rtx watch`: live streams from the running engine.
struct QuotesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "quotes", abstract: "Stream client quotes from the running engine (Ctrl-C stops).")
    @Argument(help: "Symbols (default: all).") var symbols: [String] = []
    @Option(help: "Only this account group's prices.") var group: String?
    @Option(help: "Stop after this many seconds.") var seconds: Int?
    @OptionGroup var socket: SocketOption

    func run() throws {
        var request: [String: Any] = ["op": "quotes", "symbols": symbols]
        if let group { request["group"] = group }
        try stream(request, socket: socket, seconds: seconds) { q in
            guard let symbol = q["symbol"] else { return nil }
            return "\(symbol)  \(q["group"] ?? "")  \(q["bid"] ?? "") / \(q["ask"] ?? "")"
        }
    }
}

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Stream the engine's events (orders, positions, ledger, margin calls) as JSON lines.")
    @Option(help: "Only this account's events.") var account: UInt64?
    @Option(help: "Stop after this many seconds.") var seconds: Int?
    @OptionGroup var socket: SocketOption

    func run() throws {
        var request: [String: Any] = ["op": "watch"]
        if let account { request["account"] = account }
        try stream(request, socket: socket, seconds: seconds) { line in
            guard line["event"] != nil, let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }
}

func stream(_ request: [String: Any], socket: SocketOption, seconds: Int?, render: ([String: Any]) -> String?) throws {
    let client: ControlClient
    do { client = try ControlClient(path: socket.path) } catch {
        printError("\(error)")
        throw ExitCode(2)
    }
    try client.send(request)
    let deadline = seconds.map { Date().addingTimeInterval(TimeInterval($0)) }
    while deadline.map({ Date() < $0 }) ?? true {
        guard let line = try client.readObject(timeoutMs: 1_000) else { continue }
        if let error = line["error"] as? [String: Any] {
            printError("\(error["message"] ?? "stream ended")")
            throw ExitCode(1)
        }
        if let text = render(line) { print(text) }
    }
}

/// `rtx rollover`: journal the daily rollover now (swaps charged or paid on open positions).
struct RolloverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rollover", abstract: "Journal the daily rollover now (swaps on every open position).")
    @OptionGroup var socket: SocketOption

    func run() throws { try sendControl(["op": "rollover"], socket, render: renderEvents) }
}
