import RTXCore
import RTXPluginHost

/// Turns the fee models' schedules (names, "*" for any) into the one schedule the core
/// applies (indexes, nil for any). A schedule serves the groups its fee model is bound to,
/// so its "*" group entries are written once per served group — a fee model never prices
/// another model's groups. Entries naming a group or symbol the core does not know are
/// reported, not guessed.
enum FeeScheduleMapping {
    struct Part {
        var schedule: FeeSchedule
        var groups: [String]
    }

    static func merge(_ parts: [Part], groupIndex: (String) -> GroupIndex?, symbolIndex: (String) -> SymbolIndex?) -> Result<FeeScheduleSpec, FeeMappingError> {
        var out = FeeScheduleSpec()
        for part in parts {
            func groups(_ name: String) throws(FeeMappingError) -> [GroupIndex] {
                let names = name == "*" || name.isEmpty ? part.groups : [name]
                return try names.map { n throws(FeeMappingError) in
                    guard let g = groupIndex(n) else { throw FeeMappingError(what: "group '\(n)' is not an engine group") }
                    return g
                }
            }
            func symbol(_ name: String) throws(FeeMappingError) -> SymbolIndex? {
                if name == "*" || name.isEmpty { return nil }
                guard let s = symbolIndex(name) else { throw FeeMappingError(what: "symbol '\(name)' is not an engine symbol") }
                return s
            }
            do throws(FeeMappingError) {
                for t in part.schedule.commissionTiers {
                    guard let currency = Currency(t.currency) else { throw FeeMappingError(what: "currency '\(t.currency)'") }
                    let charge: FeeScheduleSpec.Charge = switch t.charge {
                    case .onEntry: .onEntry
                    case .onExit: .onExit
                    case .onEntryAndExit: .onEntryAndExit
                    }
                    for g in try groups(t.group) {
                        out.commissionTiers.append(.init(group: g, symbol: try symbol(t.symbol), currency: currency, charge: charge,
                                                         fromVolume: t.fromVolume, perLotMoney: t.perLotMoney, minimumMoney: t.minimumMoney))
                    }
                }
                for m in part.schedule.markups {
                    let mode: FeeScheduleSpec.MarkupMode = m.mode == .points ? .points : .ppm
                    for g in try groups(m.group) {
                        out.markups.append(.init(group: g, symbol: try symbol(m.symbol), mode: mode, bid: m.bidMarkup, ask: m.askMarkup))
                    }
                }
                for r in part.schedule.swapRates {
                    let mode: FeeScheduleSpec.SwapMode = switch r.mode {
                    case .points: .points
                    case .moneyPerLot: .moneyPerLot
                    case .annualPPM: .annualPPM
                    }
                    for g in try groups(r.group) {
                        out.swaps.append(.init(group: g, symbol: try symbol(r.symbol), mode: mode, long: r.longRate, short: r.shortRate,
                                               tripleWeekday: Int(r.tripleWeekday)))
                    }
                }
            } catch {
                return .failure(error)
            }
        }
        return .success(out)
    }
}

struct FeeMappingError: Error, CustomStringConvertible {
    var what: String
    var description: String { "the fee schedule cannot be applied: \(what)" }
}
