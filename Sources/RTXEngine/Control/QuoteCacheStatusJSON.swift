/// The `redis` object of the control protocol's `status` answer:
/// `{"state":"ok|connecting|degraded","summary":…,"reason":…,"since":"2026-11-27T07:14:58.123Z",
/// "since_ns":…,"address":"127.0.0.1:6379","writes":…,"errors":…,"reconnects":…,"keys":…,"dropped_keys":…}`.
enum QuoteCacheStatusJSON {
    static func write(_ s: QuoteCacheStatus, into json: inout JSONText) {
        json.beginObject("redis")
        json.field("state", s.state.rawValue)
        json.field("summary", s.summary)
        json.field("reason", s.reason)
        json.field("since", UTCText.format(wallNs: s.sinceWallNs))
        json.field("since_ns", s.sinceWallNs)
        json.field("address", s.address)
        json.field("writes", s.writes)
        json.field("errors", s.errors)
        json.field("reconnects", s.reconnects)
        json.field("keys", s.keys)
        json.field("dropped_keys", s.droppedKeys)
        json.endObject()
    }
}
