import Foundation
import Hummingbird
import NIOCore
import RTXEngine
import Synchronization

/// Token buckets keyed by account or remote address: each holds up to `burst` tokens and
/// refills `perSecond` tokens a second; a request takes one. Memory is bounded: at most
/// `maxKeys` buckets are kept; buckets idle long enough to be full again are evicted first
/// (they carry no state a fresh bucket would not), and at the bound the least recently used
/// half is dropped.
///
/// Thread: any (one lock, held for O(1) per request, O(n) at eviction).
final class TokenBuckets: Sendable {
    /// A bucket's fill in nano-tokens (1 token = 1e9), integers so that refills neither drift nor round.
    struct Bucket { var nanoTokens: Int64; var lastNs: Int64 }
    struct Decision { var allowed: Bool; var retryAfterSeconds: Int }

    static let nanoPerToken: Int64 = 1_000_000_000
    let perSecond: Int64
    /// Capacity in nano-tokens (`burst` tokens).
    let capacityNano: Int64
    /// An empty bucket is full again after this long, ns.
    let fullAfterNs: Int64
    let maxKeys: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    /// `perSecond` and `burst` are 1...100,000 (the settings' ranges), so no product below overflows.
    init(perSecond: Int, burst: Int, maxKeys: Int = 100_000) {
        self.perSecond = Int64(max(1, perSecond))
        capacityNano = Int64(max(1, burst)) * Self.nanoPerToken
        fullAfterNs = capacityNano / self.perSecond
        self.maxKeys = maxKeys
    }

    var count: Int { buckets.withLock { $0.count } }

    func take(_ key: String, nowNs: Int64 = Int64(DispatchTime.now().uptimeNanoseconds)) -> Decision {
        buckets.withLock { all in
            if all.count >= maxKeys, all[key] == nil { evict(&all, nowNs: nowNs) }
            var b = all[key] ?? Bucket(nanoTokens: capacityNano, lastNs: nowNs)
            // Elapsed time past "full again" adds nothing; capping it keeps the product small.
            let elapsedNs = min(max(0, nowNs - b.lastNs), fullAfterNs + 1)
            b.nanoTokens = min(capacityNano, b.nanoTokens + elapsedNs * perSecond)
            b.lastNs = nowNs
            if b.nanoTokens >= Self.nanoPerToken {
                b.nanoTokens -= Self.nanoPerToken
                all[key] = b
                return Decision(allowed: true, retryAfterSeconds: 0)
            }
            all[key] = b
            // Time until one whole token, in seconds, rounded up (at least 1).
            let waitNs = (Self.nanoPerToken - b.nanoTokens + perSecond - 1) / perSecond
            return Decision(allowed: false, retryAfterSeconds: Int(max(1, (waitNs + Self.nanoPerToken - 1) / Self.nanoPerToken)))
        }
    }

    private func evict(_ all: inout [String: Bucket], nowNs: Int64) {
        all = all.filter { nowNs - $0.value.lastNs < fullAfterNs }
        if all.count >= maxKeys {
            let keep = all.sorted { $0.value.lastNs > $1.value.lastNs }.prefix(maxKeys / 2)
            all = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}

/// The server's rate limits (`server.rate_*`): one bucket set per remote address (every REST
/// request but the probes and preflights, and every WebSocket upgrade of `/api/v1/stream`:
/// one bucket serves both) and one per account (REST requests with a valid bearer token).
final class RateLimits: Sendable {
    let byAddress: TokenBuckets
    let byAccount: TokenBuckets

    init(settings: ServerSettings) {
        byAddress = TokenBuckets(perSecond: settings.rateAddressPerSecond, burst: settings.rateAddressBurst)
        byAccount = TokenBuckets(perSecond: settings.rateAccountPerSecond, burst: settings.rateAccountBurst)
    }

    func allowAddress(_ address: String) -> TokenBuckets.Decision { byAddress.take(address) }

    static func tooMany(_ what: String, setting: String, _ d: TokenBuckets.Decision) -> APIError {
        var e = APIError(.tooManyRequests, "rate_limited", "too many requests for this \(what) (server.\(setting)); retry after \(d.retryAfterSeconds) s")
        e.headers[.retryAfter] = String(d.retryAfterSeconds)
        return e
    }
}

/// Answers 429 `rate_limited` with `Retry-After` (in the one error shape) when the remote
/// address's bucket is empty, or, for a request with a bearer token, the token's account's.
/// The address is checked first: a request refused for its address takes nothing from the
/// account. The probes (`/health`, `/ready`, `/metrics`) and CORS preflights are not limited.
/// The account is read from the token without a signature check only as a bucket key; the
/// routes still verify the token.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let limits: RateLimits
    let tokens: TokenIssuer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/health" || path == "/ready" || path == "/metrics" || request.method == .options { return try await next(request, context) }
        let byAddress = limits.allowAddress(context.addressKey)
        if !byAddress.allowed { APIMetrics.limitedByAddress.increment(); throw RateLimits.tooMany("address", setting: "rate_address_per_second", byAddress) }
        if let header = request.headers[.authorization], header.hasPrefix("Bearer "),
           let account = try? await tokens.account(of: String(header.dropFirst("Bearer ".count)), kind: .access) {
            let d = limits.byAccount.take(String(account))
            if !d.allowed { APIMetrics.limitedByAccount.increment(); throw RateLimits.tooMany("account", setting: "rate_account_per_second", d) }
        }
        return try await next(request, context)
    }
}
