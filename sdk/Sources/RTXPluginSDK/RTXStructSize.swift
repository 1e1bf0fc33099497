/// The `struct_size` a struct from the host declares, read on its own (its first 4 bytes)
/// before anything else of the struct is touched, so a table smaller than this SDK's headers
/// expect is never read past its end. Internal to the SDK.
enum RTXStructSize {
    static func of<T>(_ pointer: UnsafePointer<T>) -> Int {
        Int(UnsafeRawPointer(pointer).load(as: UInt32.self))
    }

    static func of<T>(_ pointer: UnsafeMutablePointer<T>) -> Int {
        Int(UnsafeRawPointer(pointer).load(as: UInt32.self))
    }
}
