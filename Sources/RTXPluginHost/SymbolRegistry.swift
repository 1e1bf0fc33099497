/// Host-assigned symbol ids: dense, 1-based, in the order symbols are first registered
/// (manifest order), stable for the life of the process. Thread: control thread.
public struct SymbolRegistry: Sendable {
    public private(set) var names: [String] = []
    private var ids: [String: UInt32] = [:]
    public init() {}

    /// The id of `name`, assigning the next one if new.
    public mutating func register(_ name: String) -> UInt32 {
        if let id = ids[name] { return id }
        names.append(name)
        let id = UInt32(names.count)
        ids[name] = id
        return id
    }

    public func id(of name: String) -> UInt32? { ids[name] }

    public func name(of id: UInt32) -> String? {
        guard id >= 1, Int(id) <= names.count else { return nil }
        return names[Int(id) - 1]
    }
}
