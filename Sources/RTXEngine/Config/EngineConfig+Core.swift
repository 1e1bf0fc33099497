import RTXCore

/// The configuration as the core's definitions. Every spec made here passes the core's own
/// validation for a decoded configuration (the decoder checks the same limits, and more).
extension SymbolConfig {
    /// The `defineSymbol` spec.
    public func symbolSpec() -> SymbolSpec {
        SymbolSpec(name: name, digits: digits, contractSizeE8: contractSizeE8, volumeMin: volumeMin, volumeMax: volumeMax,
                   volumeStep: volumeStep, marginCurrency: marginCurrency, profitCurrency: profitCurrency,
                   minStopDistanceTicks: minStopDistanceTicks, tradingState: tradingState, sessions: sessions,
                   maxQuoteAgeMs: maxQuoteAgeMs)
    }
}

extension GroupConfig {
    /// The `defineGroup` spec.
    public func groupSpec() -> GroupSpec {
        GroupSpec(name: name, marginCallLevelPercent: marginCallLevelPercent, stopOutLevelPercent: stopOutLevelPercent,
                  maxOrderVolume: maxOrderVolume, maxOpenPositions: maxOpenPositions, aBookTimeoutMs: aBookTimeoutMs,
                  negativeBalanceProtection: negativeBalanceProtection, marginCallRearmPercent: marginCallRearmPercent)
    }
}

extension AccountConfig {
    /// The `openAccount` spec, with the core's index of the account's group.
    public func accountSpec(group index: RTXCore.GroupIndex) -> AccountSpec {
        AccountSpec(id: id, group: index, currency: currency, leverage: leverage, mode: mode)
    }
}

/// An account to open at first start and the money it starts with.
public struct AccountOpening: Sendable, Equatable {
    public var spec: AccountSpec
    /// 1e-8 units of the account currency; 0 means no deposit.
    public var deposit: Int64
}

extension EngineConfig {
    /// Every account's spec (group names resolved to the core's indices, which follow the order
    /// of `groups`) and first deposit. Precondition: every account's group is in `groups`,
    /// which holds for every decoded configuration.
    public func accountOpenings() -> [AccountOpening] {
        accounts.map { account in
            guard let index = groupIndex(named: account.group) else {
                preconditionFailure("account \(account.id) names group \(account.group), which the configuration does not define")
            }
            return AccountOpening(spec: account.accountSpec(group: index), deposit: account.deposit)
        }
    }

    /// The commands that set up a fresh engine, to be journaled in this order: every symbol,
    /// every group, then each account followed by its deposit (when above zero).
    public func firstStartCommands() -> [Command] {
        var commands: [Command] = symbols.map { .defineSymbol($0.symbolSpec()) }
        commands += groups.map { .defineGroup($0.groupSpec()) }
        for opening in accountOpenings() {
            commands.append(.openAccount(opening.spec))
            if opening.deposit > 0 {
                commands.append(.deposit(account: opening.spec.id, amount: opening.deposit, method: .other))
            }
        }
        return commands
    }
}

/// A symbol an account cannot trade: the core converts money through one symbol quoting the
/// two currencies (X/A or A/X), and none quotes `currency` against the account's.
public struct ConversionGap: Sendable, Equatable, CustomStringConvertible {
    public var account: AccountID
    public var symbol: String
    /// The symbol's margin or profit currency that cannot reach the account's currency.
    public var currency: Currency
    public var description: String { "account \(account) cannot trade \(symbol): no symbol converts \(currency) to its currency" }
}

extension EngineConfig {
    /// For each account, the symbols whose orders the core would refuse for want of a currency
    /// conversion (the core's rule: a direct conversion symbol must exist). In account, then
    /// symbol order. Not an error: an EUR account may simply not trade XAUUSD; `rtx run` can
    /// print these at start.
    public func conversionGaps() -> [ConversionGap] {
        var pairs = Set<UInt64>()
        for s in symbols where s.marginCurrency != s.profitCurrency {
            pairs.insert(UInt64(s.marginCurrency.code) << 32 | UInt64(s.profitCurrency.code))
            pairs.insert(UInt64(s.profitCurrency.code) << 32 | UInt64(s.marginCurrency.code))
        }
        var gaps: [ConversionGap] = []
        for account in accounts {
            for symbol in symbols {
                let missing = [symbol.marginCurrency, symbol.profitCurrency].first {
                    $0 != account.currency && !pairs.contains(UInt64($0.code) << 32 | UInt64(account.currency.code))
                }
                if let missing { gaps.append(ConversionGap(account: account.id, symbol: symbol.name, currency: missing)) }
            }
        }
        return gaps
    }
}
