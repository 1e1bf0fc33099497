import Metrics

/// The client API's and the WebSocket stream's metrics, in the engine's Prometheus registry
/// (`GET /metrics`, `rtx metrics`). Created on first use, which is after the engine
/// bootstrapped the metrics system (`EngineMetrics.bootstrap()` runs when the engine starts,
/// before the server does). Thread: any.
enum APIMetrics {
    /// Requests answered, by status class (`2xx`, `3xx`, `4xx`, `5xx`).
    static let answered = ["2xx", "3xx", "4xx", "5xx"].map { Counter(label: "rtx_api_requests_total", dimensions: [("status", $0)]) }
    /// Request duration, from the first middleware to the answer (seconds histogram).
    static let duration = Metrics.Timer(label: "rtx_api_request_duration_seconds")
    /// Requests and stream connections refused by a rate limit, by which bucket was empty.
    static let limitedByAddress = Counter(label: "rtx_api_rate_limited_total", dimensions: [("limit", "address")])
    static let limitedByAccount = Counter(label: "rtx_api_rate_limited_total", dimensions: [("limit", "account")])
    /// Open WebSocket stream connections (authenticated).
    static let streamConnections = Gauge(label: "rtx_stream_connections")
    /// Messages written to stream connections, by kind (`quote`, `private`: orders, positions, account, margin calls).
    static let streamQuotesSent = Counter(label: "rtx_stream_messages_sent_total", dimensions: [("kind", "quote")])
    static let streamPrivateSent = Counter(label: "rtx_stream_messages_sent_total", dimensions: [("kind", "private")])
    /// Quotes replaced by a newer quote of the same symbol before they were written (conflation).
    static let streamQuotesConflated = Counter(label: "rtx_stream_quotes_conflated_total")
    /// Connections cut off as too slow (lag or private-queue overflow).
    static let streamSlowClosed = Counter(label: "rtx_stream_slow_closed_total")

    /// Counts one answer of `status` (100...599).
    static func count(status: Int) {
        let index = min(max(status / 100 - 2, 0), 3)
        answered[index].increment()
    }
}
