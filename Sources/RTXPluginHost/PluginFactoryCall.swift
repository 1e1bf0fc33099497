import CRTXABI

/// Creates an instance through a v1 factory. Every kind's factory is laid out as
/// `{ struct_size, reserved0, create }` and every `create` has the shape
/// `(factory, host, out instance, error) -> status`, differing only in the pointee types, so
/// one call serves all kinds. Thread: control thread.
enum PluginFactoryCall {
    private typealias RawCreate = @convention(c) (UnsafeRawPointer?, UnsafePointer<rtx_host_t>?,
                                                  UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                                                  UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t

    /// Calls create and reads the instance's table (zero-extended past the plugin's
    /// struct_size). Throws the plugin's error, or when the table is smaller than ABI 1.0's.
    static func create<Table>(_ factory: UnsafeRawPointer, host: HostContext, zero: Table, minimumSize: Int,
                              instanceID: String, library: LoadedLibrary) throws(PluginCallError)
        -> (raw: UnsafeMutablePointer<Table>, table: Table) {
        func failure(_ status: Int32, _ message: String) -> PluginCallError {
            PluginCallError(instanceID: instanceID, pluginID: library.descriptor.pluginID,
                            pluginVersion: library.descriptor.pluginVersion, function: "create", status: status, message: message)
        }
        // LoadedLibrary.factory(for:) checked that the create pointer is present.
        let create = unsafeBitCast(factory.load(fromByteOffset: 8, as: UnsafeRawPointer.self), to: RawCreate.self)
        var error = newPluginError()
        var out: UnsafeMutableRawPointer?
        let status = create(factory, host.table, &out, &error)
        guard status == RTX_OK else { throw failure(status, PluginErrorText.message(of: &error)) }
        guard let out else { throw failure(RTX_E_INTERNAL, "create returned RTX_OK but no instance") }
        guard let (table, _) = readSizedStruct(UnsafeRawPointer(out), as: Table.self, zero: zero, minimumSize: minimumSize) else {
            throw failure(RTX_E_INTERNAL, "the instance's table is smaller than ABI 1.0's \(minimumSize) bytes (the instance is leaked, not destroyed)")
        }
        return (out.assumingMemoryBound(to: Table.self), table)
    }

    /// The error for a table that lacks a required function.
    static func missing(_ functions: String, instanceID: String, library: LoadedLibrary) -> PluginCallError {
        PluginCallError(instanceID: instanceID, pluginID: library.descriptor.pluginID, pluginVersion: library.descriptor.pluginVersion,
                        function: "create", status: RTX_E_INTERNAL,
                        message: "the instance's table lacks a required function (\(functions)); the instance is leaked, not destroyed")
    }
}
