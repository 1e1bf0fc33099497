import Foundation
import RTXCore
import Synchronization

/// Tokens whose signature was already checked: token text → (account, kind, expiry). A hit
/// still checks the expiry against the clock; only the HS256 check and the JSON decoding of
/// the claims are skipped (about half the CPU of a small REST request, seen in the api-orders
/// profile, where every request checked its token twice: rate limit and route).
///
/// Bounded: at most `capacity` entries; at the bound the expired ones are dropped, and if it
/// is still full, all of them (the next requests verify again). Thread: any (one lock).
final class VerifiedTokens: Sendable {
    struct Entry: Sendable { var account: AccountID; var kind: TokenIssuer.Kind; var expiresAt: Date }

    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = 16_384) { self.capacity = capacity }

    /// The entry of `token` if it is known and not expired at `now`.
    func lookup(_ token: String, now: Date = Date()) -> Entry? {
        entries.withLock { all in
            guard let e = all[token] else { return nil }
            if e.expiresAt <= now {
                all[token] = nil
                return nil
            }
            return e
        }
    }

    func remember(_ token: String, _ entry: Entry, now: Date = Date()) {
        entries.withLock { all in
            if all.count >= capacity, all[token] == nil {
                all = all.filter { $0.value.expiresAt > now }
                if all.count >= capacity { all.removeAll(keepingCapacity: true) }
            }
            all[token] = entry
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
