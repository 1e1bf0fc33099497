import Foundation
import JWTKit
import RTXCore

/// The claims of an RTX token: the account (`sub`), when it expires (`exp`, seconds since
/// 1970) and its kind (`typ`: access or refresh).
struct TokenClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var typ: String

    func verify(using algorithm: some JWTAlgorithm) async throws { try exp.verifyNotExpired() }
}

/// Signs and checks JWTs (HS256) with a 256-bit key made at start from the system's random
/// source: a restart invalidates every token (clients log in again). Access tokens live
/// `server.access_token_seconds`, refresh tokens `server.refresh_token_seconds`; a refresh
/// token only buys a new pair, an access token only calls the API.
///
/// Thread: any (JWTKeyCollection is an actor).
struct TokenIssuer: Sendable {
    enum Kind: String, Sendable { case access, refresh }

    private let keys = JWTKeyCollection()
    /// Tokens verified before (their signature is checked once; their expiry on every use).
    private let verified = VerifiedTokens()
    let accessSeconds: Int
    let refreshSeconds: Int

    init(accessSeconds: Int, refreshSeconds: Int) async {
        self.accessSeconds = accessSeconds
        self.refreshSeconds = refreshSeconds
        var key = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in key.indices { key[i] = generator.next() }
        await keys.add(hmac: HMACKey(from: key), digestAlgorithm: .sha256)
    }

    func issue(_ kind: Kind, account: AccountID) async throws -> String {
        let now = Date()
        let seconds = kind == .access ? accessSeconds : refreshSeconds
        return try await keys.sign(TokenClaims(sub: .init(value: String(account)), exp: .init(value: now.addingTimeInterval(TimeInterval(seconds))),
                                               iat: .init(value: now), typ: kind.rawValue))
    }

    /// The account of a valid, unexpired token of this kind; 401 otherwise.
    func account(of token: String, kind: Kind) async throws -> AccountID {
        if let known = verified.lookup(token) {
            guard known.kind == kind else { throw APIError.unauthorized("this is not an \(kind.rawValue) token") }
            return known.account
        }
        let claims: TokenClaims
        do { claims = try await keys.verify(token, as: TokenClaims.self) } catch {
            throw APIError.unauthorized("the \(kind.rawValue) token is invalid or expired; log in again (POST /api/v1/auth/login)")
        }
        guard claims.typ == kind.rawValue, let account = AccountID(claims.sub.value) else {
            throw APIError.unauthorized("this is not an \(kind.rawValue) token")
        }
        verified.remember(token, .init(account: account, kind: kind, expiresAt: claims.exp.value))
        return account
    }
}
