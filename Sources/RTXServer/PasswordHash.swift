import HummingbirdBcrypt

/// bcrypt hashes of passwords (rtx.yaml's `password_hash`).
///
/// Thread: any (pure; costs 2^cost rounds of CPU).
public enum PasswordHash {
    public static func make(_ password: String, cost: UInt8 = 12) -> String { Bcrypt.hash(password, cost: cost) }
    public static func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }
}
