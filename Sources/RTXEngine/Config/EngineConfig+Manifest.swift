import RTXPluginHost

extension EngineConfig {
    /// Where this configuration and the plugin manifest disagree: an LP binding that names no
    /// lp-adapter plugin, a manifest binding for a symbol or group this configuration does not
    /// define, or an LP given one name for a symbol here and another (`lp_symbol`) there. Each
    /// problem points into the file that has to change. Empty when they agree.
    public func problems(with manifest: Manifest) -> [EngineConfigError] {
        var problems: [EngineConfigError] = []
        let adapters = manifest.plugins.filter { $0.kind == .lpAdapter }.map(\.id)
        for (i, binding) in lpBindings.enumerated() {
            let setting = "lp_bindings[\(i)].lp"
            guard let plugin = manifest.plugin(id: binding.lp) else {
                problems.append(EngineConfigError(
                    file: path, mark: binding.mark, setting: setting,
                    message: "'\(binding.lp)' names no plugin in \(manifest.path)\(Suggest.phrase(binding.lp, in: adapters))",
                    fix: adapters.isEmpty ? "add the LP adapter to \(manifest.path)" : "lp-adapter plugins there: \(adapters.joined(separator: ", "))"))
                continue
            }
            if plugin.kind != .lpAdapter {
                problems.append(EngineConfigError(
                    file: path, mark: binding.mark, setting: setting,
                    message: "'\(binding.lp)' is a \(plugin.kind.rawValue) plugin; an LP binding needs an lp-adapter",
                    fix: adapters.isEmpty ? "add the LP adapter to \(manifest.path)" : "lp-adapter plugins there: \(adapters.joined(separator: ", "))"))
            }
        }
        let symbolNames = symbols.map(\.name)
        for (k, binding) in manifest.symbols.enumerated() {
            guard symbolNames.contains(binding.symbol) else {
                problems.append(EngineConfigError(
                    file: manifest.path, mark: binding.mark, setting: "bindings.symbols[\(k)].symbol",
                    message: "binds symbol '\(binding.symbol)', which \(path) does not define\(Suggest.phrase(binding.symbol, in: symbolNames))",
                    fix: "define \(binding.symbol) under `symbols:` in \(path), or remove this binding"))
                continue
            }
            for route in binding.routes {
                guard let lp = lpBinding(for: route.lp), let name = lp.lpSymbol(forEngineSymbol: binding.symbol), name != route.lpSymbol,
                      let index = lpBindings.firstIndex(where: { $0.lp == route.lp }) else { continue }
                let mark = lp.symbols.first { $0.symbol == binding.symbol }?.mark ?? lp.mark
                problems.append(EngineConfigError(
                    file: path, mark: mark, setting: "lp_bindings[\(index)].symbols",
                    message: "LP '\(route.lp)' calls \(binding.symbol) '\(name)' here but '\(route.lpSymbol)' in \(manifest.path) (lp_symbol at \(route.mark))",
                    fix: "use the name the LP really sends in both files"))
            }
        }
        let groupNames = groups.map(\.name)
        for (k, binding) in manifest.groups.enumerated() where !groupNames.contains(binding.group) {
            problems.append(EngineConfigError(
                file: manifest.path, mark: binding.mark, setting: "bindings.groups[\(k)].group",
                message: "binds group '\(binding.group)', which \(path) does not define\(Suggest.phrase(binding.group, in: groupNames))",
                fix: "define \(binding.group) under `groups:` in \(path), or remove this binding"))
        }
        return problems
    }
}
