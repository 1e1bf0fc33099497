import Foundation
import Hummingbird

/// Reads a request body (at most the server's `max_body_bytes`; more is 413) as one JSON
/// object. Anything else is 400 `bad_json`.
///
/// Thread: the request's task.
enum JSONRequest {
    static func object(_ request: Request, maxBytes: Int) async throws -> [String: Any] {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBytes)
        let bytes = Data(buffer.readableBytesView)
        guard let value = try? JSONSerialization.jsonObject(with: bytes), let object = value as? [String: Any] else {
            throw APIError(.badRequest, "bad_json", "the body must be one JSON object (Content-Type: application/json)")
        }
        return object
    }
}
