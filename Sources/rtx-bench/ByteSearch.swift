/// Finds a byte pattern in bytes: a plain scan for the first byte, then a compare. (Foundation's
/// `firstRange(of:)` on `[UInt8]` went through generic `DataProtocol` code and cost the
/// api-orders load client a third of its CPU.)
enum ByteSearch {
    /// The index where `pattern` starts in `bytes[0 ..< count]`, or nil.
    static func firstIndex(of pattern: [UInt8], in bytes: [UInt8], count: Int? = nil) -> Int? {
        let n = count ?? bytes.count
        guard !pattern.isEmpty, n >= pattern.count else { return nil }
        return bytes.withUnsafeBufferPointer { b in
            pattern.withUnsafeBufferPointer { p in
                var i = 0
                let last = n - p.count
                while i <= last {
                    if b[i] == p[0] {
                        var k = 1
                        while k < p.count, b[i + k] == p[k] { k += 1 }
                        if k == p.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }
}
