import HummingbirdBcrypt
import RTXCore
import RTXEngine

/// Who may log in: each configured account's login (compared without case) or its account
/// number, with its password as a bcrypt hash. Hashes come from `password_hash` in rtx.yaml,
/// or are made at start (cost 10) from the password read through `password_env` /
/// `password_file`; the plain password is dropped at once and never logged. An account
/// without a password cannot log in.
///
/// Thread: any (immutable after init).
struct LoginDirectory: Sendable {
    struct Entry: Sendable {
        var account: AccountID
        var login: String
        var bcryptHash: String
    }

    /// bcrypt cost for passwords hashed at start (2^10 rounds, ~60 ms per check here).
    static let startCost: UInt8 = 10
    /// A hash checked for unknown logins, so that "no such login" takes as long as "wrong password".
    private static let decoyHash = Bcrypt.hash("rtx-decoy-password", cost: startCost)

    private var byLogin: [String: Entry] = [:]
    private var byAccount: [AccountID: Entry] = [:]

    /// Reads the passwords of `config.accounts`. Throws naming the setting (file:line:column) and the fix.
    init(config: EngineConfig) throws {
        for (i, a) in config.accounts.enumerated() {
            guard let login = a.login else { continue }
            let hash: String
            if let h = a.passwordHash {
                hash = h
            } else if let source = a.password {
                do {
                    hash = Bcrypt.hash(try source.read().reveal(), cost: Self.startCost)
                } catch {
                    let key = if case .environment = source { "password_env" } else { "password_file" }
                    throw EngineConfigError(file: config.path, mark: a.mark, setting: "accounts[\(i)].\(key)", message: error.message, fix: error.fix)
                }
            } else {
                continue
            }
            let entry = Entry(account: a.id, login: login, bcryptHash: hash)
            byLogin[login.lowercased()] = entry
            byAccount[a.id] = entry
        }
    }

    /// The logins that can log in, in account order.
    var entries: [Entry] { byAccount.values.sorted { $0.account < $1.account } }

    /// The account when `login` (a login or an account number) and `password` match; nil otherwise.
    /// Costs one bcrypt check either way. Blocking: call it off the event loop.
    func authenticate(login: String, password: String) -> AccountID? {
        let entry = byLogin[login.lowercased()] ?? AccountID(login).flatMap { byAccount[$0] }
        guard let entry else {
            _ = Bcrypt.verify(password, hash: Self.decoyHash)
            return nil
        }
        return Bcrypt.verify(password, hash: entry.bcryptHash) ? entry.account : nil
    }

    /// Whether the account's password is `password` (for the banner's note about the demo password).
    func passwordIs(_ password: String, account: AccountID) -> Bool {
        byAccount[account].map { Bcrypt.verify(password, hash: $0.bcryptHash) } ?? false
    }
}
