import Foundation
import RTXCore

/// A field of a request that is missing or malformed: which one (the JSON key) and why. The
/// control socket and the HTTP API both answer it as `{"error": {code, message, field}}`.
public struct RequestFieldError: Error, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { message }
}

/// Turns one decoded JSON request (`[String: Any]` from JSONSerialization) into the engine's
/// commands, shared by the control socket and the HTTP API: accounts and symbols checked against
/// the engine, prices read as decimal strings at the symbol's digits into ticks, volumes as lots
/// and money as units into 1e-8 fixed point (never through floating point). Throws
/// `RequestFieldError` naming the field; nothing reaches the engine from a request that does
/// not parse.
///
/// Thread: any (each call reads the engine's market view or asks its core thread).
public struct RequestParser: @unchecked Sendable {
    public let engine: Engine
    /// true: every value must be a JSON string (the HTTP API: numbers would pass through
    /// floating point); false: JSON numbers are taken as their text too (the control socket).
    public let stringsOnly: Bool
    /// The key of the client order id (`client_id` on the control socket, `client_order_id` in the HTTP API).
    public let clientIDKey: String

    public init(engine: Engine, stringsOnly: Bool, clientIDKey: String = "client_id") {
        self.engine = engine
        self.stringsOnly = stringsOnly
        self.clientIDKey = clientIDKey
    }

    public func string(_ r: [String: Any], _ key: String) throws -> String {
        if let s = r[key] as? String { return s }
        if !stringsOnly, let n = r[key] as? NSNumber { return n.stringValue }
        throw RequestFieldError(field: key, message: r[key] == nil ? "missing \"\(key)\"" : "\"\(key)\" must be a string" + (stringsOnly ? " (numbers travel as decimal strings, e.g. \"0.10\")" : ""))
    }

    public func uint(_ r: [String: Any], _ key: String) throws -> UInt64 {
        guard let v = UInt64(try string(r, key)) else { throw RequestFieldError(field: key, message: "\"\(key)\" must be a whole number") }
        return v
    }

    public func accountID(_ r: [String: Any]) throws -> AccountID {
        let id = try uint(r, "account")
        guard engine.view.account(id) != nil else { throw RequestFieldError(field: "account", message: "unknown account \(id)") }
        return id
    }

    public func symbol(_ r: [String: Any]) throws -> (index: SymbolIndex, digits: Int) {
        let name = try string(r, "symbol")
        // The market view, not the core thread: a symbol's index and digits never change once defined.
        guard let found = engine.view.symbol(named: name) else {
            throw RequestFieldError(field: "symbol", message: "unknown symbol '\(name)'")
        }
        return (found.index, found.facts.digits)
    }

    public func decimal(_ r: [String: Any], _ key: String, digits: Int) throws -> Int64 {
        let text = try string(r, key)
        do { return try DecimalText.parse(text, digits: digits) } catch { throw RequestFieldError(field: key, message: "\"\(key)\": \(error)") }
    }

    public func lots(_ r: [String: Any], _ key: String) throws -> Int64 {
        let v = try decimal(r, key, digits: 8)
        guard v > 0 else { throw RequestFieldError(field: key, message: "\"\(key)\" must be positive") }
        return v
    }

    public func money(_ r: [String: Any], _ key: String) throws -> Int64 {
        let v = try decimal(r, key, digits: 8)
        guard v > 0 else { throw RequestFieldError(field: key, message: "\"\(key)\" must be positive") }
        return v
    }

    public func side(_ r: [String: Any]) throws -> Side {
        switch try string(r, "side") {
        case "buy": return .buy
        case "sell": return .sell
        case let s: throw RequestFieldError(field: "side", message: "side must be buy or sell, not '\(s)'")
        }
    }

    public func protection(_ r: [String: Any], symbol: SymbolIndex) throws -> Protection {
        let digits = engine.view.symbol(symbol)?.digits ?? 5
        func price(_ key: String) throws -> Int64 { r[key] == nil ? 0 : try decimal(r, key, digits: digits) }
        return Protection(stopLossTicks: try price("sl"), takeProfitTicks: try price("tp"), trailingDistanceTicks: try price("trailing"))
    }

    public func clientOrderID(_ r: [String: Any]) throws -> ClientOrderID {
        guard r[clientIDKey] != nil else { return .none }
        let text = try string(r, clientIDKey)
        guard let id = ClientOrderID(text) else { throw RequestFieldError(field: clientIDKey, message: "a client order id is 1 to 32 bytes") }
        return id
    }

    public func marketOrder(_ r: [String: Any]) throws -> Command {
        let account = try accountID(r)
        let (symbol, digits) = try self.symbol(r)
        let fill: FillPolicy
        switch r["fill"] == nil ? "fok" : try string(r, "fill") {
        case "fok": fill = .fillOrKill
        case "ioc": fill = .immediateOrCancel
        case let f: throw RequestFieldError(field: "fill", message: "fill must be fok or ioc, not '\(f)'")
        }
        let requested = r["price"] == nil ? 0 : try decimal(r, "price", digits: digits)
        let deviation = r["deviation"] == nil ? 0 : try decimal(r, "deviation", digits: digits)
        return .placeMarketOrder(MarketOrderRequest(account: account, clientOrderID: try clientOrderID(r), symbol: symbol, side: try side(r),
                                                    volume: try lots(r, "volume"), fillPolicy: fill, requestedPriceTicks: requested,
                                                    maxDeviationTicks: deviation, protection: try protection(r, symbol: symbol)))
    }

    public func pendingOrder(_ r: [String: Any]) throws -> Command {
        let account = try accountID(r)
        let (symbol, digits) = try self.symbol(r)
        let type: PendingType
        switch try string(r, "type") {
        case "limit": type = .limit
        case "stop": type = .stop
        case "stop_limit": type = .stopLimit
        case let t: throw RequestFieldError(field: "type", message: "type must be limit, stop or stop_limit, not '\(t)'")
        }
        let limit = r["limit_price"] == nil ? 0 : try decimal(r, "limit_price", digits: digits)
        var expires: Int64 = 0
        if r["expires_in_ms"] != nil {
            guard let ms = Int64(try string(r, "expires_in_ms")), ms > 0 else { throw RequestFieldError(field: "expires_in_ms", message: "\"expires_in_ms\" must be a positive whole number") }
            expires = EngineClock.wallNs() + ms * 1_000_000
        }
        return .placePendingOrder(PendingOrderRequest(account: account, clientOrderID: try clientOrderID(r), symbol: symbol, side: try side(r),
                                                      type: type, volume: try lots(r, "volume"), priceTicks: try decimal(r, "price", digits: digits),
                                                      limitPriceTicks: limit, expiresAtNs: expires, protection: try protection(r, symbol: symbol)))
    }
}
