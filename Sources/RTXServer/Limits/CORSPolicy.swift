import Hummingbird

/// CORS for the trader page (`server.cors_origins`): a request whose `Origin` is listed (or any,
/// with `*`) gets `Access-Control-Allow-Origin` with that origin (and `Vary: Origin`); a
/// preflight (`OPTIONS` with `Access-Control-Request-Method`) from such an origin is answered
/// 204 with the allowed methods and headers (`Authorization`, `Content-Type`) and a 10-minute
/// max age. Other origins get no CORS headers (the browser refuses), and a preflight from
/// them 403 in the one error shape. Errors thrown further in are rendered here so that they
/// carry the headers too.
///
/// Thread: any (a value).
struct CORSPolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: [String]
    static var allowMethods: String { "GET, POST, PUT, PATCH, DELETE, OPTIONS" }
    static var allowHeaders: String { "Authorization, Content-Type" }

    func allowed(_ origin: String) -> Bool { origins.contains("*") || origins.contains(origin) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let ok = allowed(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard ok else {
                return APIError(.forbidden, "origin_not_allowed", "origin \(origin) may not call this API (server.cors_origins)", field: "Origin").response
            }
            var headers: HTTPFields = [:]
            headers[.accessControlAllowOrigin] = origin
            headers[.accessControlAllowMethods] = Self.allowMethods
            headers[.accessControlAllowHeaders] = Self.allowHeaders
            headers[.accessControlMaxAge] = "600"
            headers[.vary] = "Origin"
            return Response(status: .noContent, headers: headers)
        }
        var response: Response
        do { response = try await next(request, context) } catch let e as APIError { response = e.response }
        if ok {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
            response.headers[.accessControlExposeHeaders] = "Retry-After"
        }
        return response
    }
}
