import Hummingbird
import RTXCore
import RTXEngine

/// `POST /api/v1/auth/login` and `POST /api/v1/auth/refresh`, and the bearer-token check
/// every account-scoped route uses.
extension APIServer {
    func addAuthRoutes(to router: Router<APIRequestContext>) {
        // {"login": "demo1" (or the account number), "password": "..."} → a token pair.
        add(router, .post, "/api/v1/auth/login") { [self] request, _ -> Response in
            let body = try await JSONRequest.object(request, maxBytes: settings.maxBodyBytes)
            let login = try Self.text(body, "login")
            let password = try Self.text(body, "password")
            guard login.utf8.count <= 64, password.utf8.count <= 72 else {
                throw APIError.unauthorized("wrong login or password")   // bcrypt reads at most 72 bytes
            }
            let logins = self.logins
            guard let account = try await calls.run({ logins.authenticate(login: login, password: password) }) else {
                throw APIError.unauthorized("wrong login or password")
            }
            return try await tokenPair(account)
        }
        // {"refresh_token": "..."} → a new token pair (the old refresh token stays valid until it expires).
        add(router, .post, "/api/v1/auth/refresh") { [self] request, _ -> Response in
            let body = try await JSONRequest.object(request, maxBytes: settings.maxBodyBytes)
            let account = try await tokens.account(of: try Self.text(body, "refresh_token"), kind: .refresh)
            return try await tokenPair(account)
        }
    }

    private func tokenPair(_ account: AccountID) async throws -> Response {
        var json = JSONText()
        json.beginObject()
        json.field("account", String(account))
        json.field("access_token", try await tokens.issue(.access, account: account))
        json.field("refresh_token", try await tokens.issue(.refresh, account: account))
        json.field("token_type", "Bearer")
        json.field("expires_in_seconds", tokens.accessSeconds)
        json.endObject()
        return JSONResponse.make(.ok, json.bytes)
    }

    /// A string field of a JSON body; 422 naming it otherwise.
    static func text(_ body: [String: Any], _ key: String) throws -> String {
        guard let value = body[key] else { throw APIError(.unprocessableContent, "invalid_field", "missing \"\(key)\"", field: key) }
        guard let text = value as? String else { throw APIError(.unprocessableContent, "invalid_field", "\"\(key)\" must be a string", field: key) }
        return text
    }

    /// The account of the request's `Authorization: Bearer <access token>`; 401 without a valid one.
    func authenticatedAccount(_ request: Request) async throws -> AccountID {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("missing Authorization: Bearer <access token> (POST /api/v1/auth/login gives one)")
        }
        guard header.hasPrefix("Bearer ") else { throw APIError.unauthorized("the Authorization header must be `Bearer <access token>`") }
        return try await tokens.account(of: String(header.dropFirst("Bearer ".count)), kind: .access)
    }

    /// The token's account, after checking that a requested account (query `account` or body
    /// field `account`) is the token's own: 403 otherwise.
    func ownAccount(_ request: Request, requested: String?) async throws -> AccountID {
        let account = try await authenticatedAccount(request)
        if let requested, requested != String(account) {
            throw APIError(.forbidden, "forbidden", "this token serves account \(account) only", field: "account")
        }
        return account
    }
}
