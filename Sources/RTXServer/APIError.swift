import Foundation
import Hummingbird
import RTXEngine

/// The one error shape of the HTTP API: `{"error": {"code", "message", "field"}}` with an HTTP
/// status (`field` is null when no single field is at fault). Thrown by handlers; the
/// `ErrorShapeMiddleware` renders it (and every other error) as a response.
///
/// Thread: any (a value).
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var field: String?
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`).
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    static func unauthorized(_ message: String) -> APIError {
        var e = APIError(.unauthorized, "unauthorized", message)
        e.headers[.wwwAuthenticate] = "Bearer"
        return e
    }

    /// A field of the request that is missing or malformed: 422 naming it.
    static func invalid(_ e: RequestFieldError) -> APIError { APIError(.unprocessableContent, "invalid_field", e.message, field: e.field) }

    /// The engine refused an input before the core saw it.
    static func refused(_ r: EngineRefusal) -> APIError {
        switch r {
        case .queueFull:
            var e = APIError(.tooManyRequests, r.code, r.description)
            e.headers[.retryAfter] = "1"
            return e
        case .journalUnavailable, .notRunning, .timedOut: return APIError(.serviceUnavailable, r.code, r.description)
        case .invalidRequest: return APIError(.unprocessableContent, r.code, r.description)
        case .routingRefused: return APIError(.conflict, r.code, r.description)
        }
    }

    var response: Response {
        var json = JSONText(capacity: 256)
        json.beginObject()
        json.beginObject("error")
        json.field("code", code)
        json.field("message", message)
        if let field { json.field("field", field) } else { json.null("field") }
        json.endObject()
        json.endObject()
        return JSONResponse.make(status, json.bytes, headers: headers)
    }
}

/// JSON responses.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ bytes: [UInt8], headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Renders every error as the API's one shape: `APIError` as it is, Hummingbird's own errors
/// (no route: 404, body over the limit: 413, wrong method ...) with their status, anything
/// else as 500 `internal` (its text is logged, not sent).
///
/// Thread: any (stateless).
struct ErrorShapeMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let startNs = DispatchTime.now().uptimeNanoseconds
        let response = await shaped(request, context: context, next: next)
        APIMetrics.count(status: response.status.code)
        APIMetrics.duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - startNs))
        return response
    }

    private func shaped(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async -> Response {
        do {
            return try await next(request, context)
        } catch let e as APIError {
            return e.response
        } catch let e as HTTPResponseError {
            let status = e.status
            let code = switch status.code {
            case 404: "not_found"
            case 405: "method_not_allowed"
            case 413: "body_too_large"
            default: "http_\(status.code)"
            }
            let message = switch status.code {
            case 404: "no route \(request.method) \(request.uri.path)"
            case 413: "the request body is larger than the server's limit (server.max_body_bytes)"
            default: status.reasonPhrase
            }
            return APIError(status, code, message).response
        } catch {
            context.logger.error("internal error on \(request.method) \(request.uri.path): \(error)")
            return APIError(.internalServerError, "internal", "internal error; the server log has the details").response
        }
    }
}
