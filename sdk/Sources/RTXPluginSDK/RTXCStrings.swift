import CRTXPluginABI
import Glibc

/// Conversions between Swift strings and the ABI's strings: `rtx_str_t` views (pointer and
/// length, borrowed) and fixed-capacity, NUL-terminated `char` arrays. Internal to the SDK.
/// Thread: any. Nothing here keeps a pointer beyond the call that received it.
enum RTXCStrings {
    /// Copies a borrowed `rtx_str_t` into a Swift string (invalid UTF-8 is repaired with U+FFFD).
    static func string(_ view: rtx_str_t) -> String {
        guard let data = view.data, view.length > 0 else {
            return ""
        }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: view.length), as: UTF8.self)
    }

    /// Copies a NUL-terminated C string (NULL gives "").
    static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else {
            return ""
        }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
    }

    /// Calls body with an `rtx_str_t` that views text's UTF-8 bytes; the view is valid only
    /// during the call (the ABI's "borrowed for the call").
    static func withView<R>(_ text: String, _ body: (rtx_str_t) throws -> R) rethrows -> R {
        var text = text
        return try text.withUTF8 { bytes in
            let data = bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            return try body(rtx_str_t(data: data, length: bytes.count))
        }
    }

    /// The number of leading bytes of utf8 that fit in maxBytes without splitting a character.
    static func prefixLength(_ utf8: UnsafeBufferPointer<UInt8>, maxBytes: Int) -> Int {
        if utf8.count <= maxBytes {
            return utf8.count
        }
        var cut = max(0, maxBytes)
        while cut > 0 && (utf8[cut] & 0xC0) == 0x80 {
            cut -= 1 // utf8[cut] continues a character: cut before that character starts
        }
        return cut
    }

    /// Copies text into a fixed-capacity C char array: at most `buffer.count - 1` bytes, cut at
    /// a character boundary, then a NUL; the rest of the buffer is zeroed. An empty buffer is
    /// left alone.
    static func copy(_ text: String, into buffer: UnsafeMutableRawBufferPointer) {
        guard buffer.count > 0 else {
            return
        }
        var text = text
        let copied = text.withUTF8 { utf8 -> Int in
            let n = prefixLength(utf8, maxBytes: buffer.count - 1)
            for i in 0 ..< n {
                buffer[i] = utf8[i]
            }
            return n
        }
        for i in copied ..< buffer.count {
            buffer[i] = 0
        }
    }

    /// text cut to at most maxBytes UTF-8 bytes at a character boundary, with "..." when cut.
    static func clipped(_ text: String, maxBytes: Int) -> String {
        var text = text
        return text.withUTF8 { utf8 in
            let n = prefixLength(utf8, maxBytes: maxBytes)
            if n == utf8.count {
                return String(decoding: utf8, as: UTF8.self)
            }
            return String(decoding: UnsafeBufferPointer(rebasing: utf8[0 ..< n]), as: UTF8.self) + "..."
        }
    }

    /// A NUL-terminated copy on the C heap, never freed: for strings that must stay valid for
    /// the life of the process (the descriptor's). NULL only when out of memory.
    static func immortalCString(_ text: String) -> UnsafePointer<CChar>? {
        UnsafePointer(strdup(text))
    }
}
