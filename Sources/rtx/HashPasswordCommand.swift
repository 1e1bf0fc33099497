import ArgumentParser
import Foundation
import RTXServer

/// `rtx hash-password`: reads a password from standard input (one line) and prints its bcrypt
/// hash for an account's `password_hash:` in rtx.yaml. The password is never echoed or stored.
struct HashPasswordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-password",
        abstract: "Print the bcrypt hash of a password read from standard input (for rtx.yaml's password_hash).")

    @Option(help: "bcrypt cost (log2 of the rounds), 4...31.") var cost = 12

    func run() throws {
        guard (4 ... 31).contains(cost) else { throw ValidationError("--cost must be 4...31") }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            printError("error: no password on standard input (fix: `printf '%s\\n' 'the password' | rtx hash-password`)")
            throw ExitCode(2)
        }
        guard line.utf8.count <= 72 else {
            printError("error: the password is longer than 72 bytes, bcrypt's limit (fix: use a shorter one)")
            throw ExitCode(2)
        }
        print(PasswordHash.make(line, cost: UInt8(cost)))
    }
}
