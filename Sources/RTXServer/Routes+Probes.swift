import Hummingbird
import RTXEngine

/// `GET /health`, `GET /ready`, `GET /metrics`: no token needed.
extension APIServer {
    func addProbeRoutes(to router: Router<APIRequestContext>) {
        // The process answers: nothing else is checked.
        add(router, .get, "/health") { _, _ -> Response in
            JSONResponse.make(.ok, Array(#"{"status":"ok"}"#.utf8))
        }
        // The engine runs and its journal can be written (orders would be taken).
        add(router, .get, "/ready") { [engine] _, _ -> Response in
            guard engine.isRunning else { throw APIError(.serviceUnavailable, "not_running", "the engine is not running (starting or stopping)") }
            let status = engine.status()
            if status.paused {
                throw APIError(.serviceUnavailable, "journal_unavailable", "trading is paused: the journal cannot be written (\(status.pauseReason))")
            }
            var json = JSONText()
            json.beginObject()
            json.field("status", "ready")
            json.field("sequence", status.lastSequence)
            json.endObject()
            return JSONResponse.make(.ok, json.bytes)
        }
        // Prometheus text exposition (the same text as `rtx metrics`).
        add(router, .get, "/metrics") { [engine, calls] _, _ -> Response in
            let text = try await calls.run { engine.metricsText() }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
