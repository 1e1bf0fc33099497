import Foundation
import Hummingbird
import RTXCore
import RTXEngine
import Synchronization

/// Route registration through the route table (`APIRoute.all`), `/openapi.json`, and the
/// helpers every account-scoped route shares: path ids, the `account` check, the engine's
/// outcome as a response.
extension APIServer {
    /// Registers one route of `APIRoute.all` (a route missing there is a programming error).
    func add(_ router: Router<APIRequestContext>, _ method: APIRoute.Method, _ path: String,
             _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Response) {
        precondition(APIRoute.byKey["\(method.rawValue) \(path)"] != nil, "\(method.rawValue) \(path) is not in APIRoute.all")
        let m: HTTPRequest.Method = switch method {
        case .get: .get
        case .post: .post
        case .patch: .patch
        case .delete: .delete
        }
        router.on(RouterPath(path), method: m, use: handler)
    }

    /// `GET /openapi.json`: the document of `APIRoute.all`, with the router's own table
    /// (read from Hummingbird once every route is registered).
    func addOpenAPIRoute(to router: Router<APIRequestContext>, table: RouterTable) {
        add(router, .get, "/openapi.json") { _, _ -> Response in
            JSONResponse.make(.ok, table.document())
        }
    }

    /// The `{id}` of the path as a whole number; 422 naming `id` otherwise.
    static func pathID(_ context: APIRequestContext) throws -> UInt64 {
        guard let text = context.parameters.get("id"), let id = UInt64(text), id > 0 else {
            throw APIError(.unprocessableContent, "invalid_field", "the id in the path must be a positive whole number", field: "id")
        }
        return id
    }

    /// The `account` of a JSON body (a string when present).
    static func bodyAccount(_ body: [String: Any]) throws -> String? {
        switch body["account"] {
        case nil: return nil
        case let s as String: return s
        default: throw APIError(.unprocessableContent, "invalid_field", "\"account\" must be a string", field: "account")
        }
    }

    static func queryAccount(_ request: Request) -> String? { request.uri.queryParameters["account"].map(String.init) }

    /// 422 naming the first key of `body` not in `known`.
    static func checkKeys(_ body: [String: Any], _ known: Set<String>) throws {
        if let unknown = body.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError(.unprocessableContent, "invalid_field", "unknown field \"\(unknown)\"; known: \(known.sorted().joined(separator: ", "))", field: unknown)
        }
    }

    /// A body that may be empty (treated as `{}`) or one JSON object.
    func optionalBody(_ request: Request) async throws -> [String: Any] {
        var request = request
        let buffer = try await request.collectBody(upTo: settings.maxBodyBytes)
        if buffer.readableBytesView.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) { return [:] }
        guard let value = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)), let object = value as? [String: Any] else {
            throw APIError(.badRequest, "bad_json", "the body must be one JSON object (Content-Type: application/json)")
        }
        return object
    }

    /// The engine's answer to a command: 200 with the sequence and the core's events, 409
    /// with the core's reason when it rejected the command, the refusal's status otherwise.
    static func outcomeResponse(_ outcome: Reply.Outcome, engine: Engine) throws -> Response {
        switch outcome {
        case .refused(let refusal): throw APIError.refused(refusal)
        case .applied(let sequence, let events):
            if let rejection = OutcomeJSON.rejection(in: events) {
                throw APIError(.conflict, RejectReasonText.code(rejection), RejectReasonText.message(rejection))
            }
            var json = JSONText(capacity: 1_024)
            json.beginObject()
            OutcomeJSON.write(sequence: sequence, events: events, rejection: nil, into: &json, digits: { engine.view.symbol($0)?.digits ?? 5 },
                              name: { engine.view.symbol($0)?.name ?? "#\($0)" })
            json.endObject()
            return JSONResponse.make(.ok, json.bytes)
        }
    }
}

/// The router's routes as Hummingbird registered them (the API's, and the trader page's
/// `PageRoute.all` apart), set once the router is built, and the OpenAPI document rendered
/// from them (once).
final class RouterTable: Sendable {
    private let state = Mutex<(routes: [String], page: [String], document: [UInt8]?)>(([], [], nil))
    func set(api routes: [String], page: [String]) { state.withLock { $0 = (routes, page, nil) } }
    func document() -> [UInt8] {
        state.withLock { s in
            if let d = s.document { return d }
            let d = OpenAPIDocument.json(routerRoutes: s.routes, pageRoutes: s.page)
            s.document = d
            return d
        }
    }
}
