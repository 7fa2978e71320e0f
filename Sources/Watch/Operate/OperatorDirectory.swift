/// The operators Watch knows, found by token: a token is hashed and compared with every stored hash in full, so
/// neither a timing difference nor the configuration file gives a token away.
public struct OperatorDirectory: Sendable {
    public let operators: [Operator]

    public init(_ operators: [Operator]) { self.operators = operators }

    /// Whether anyone may act at all.
    public var isEmpty: Bool { operators.isEmpty }

    /// The operator whose token is `token`, nil when none is.
    public func find(token: String) -> Operator? {
        guard !token.isEmpty else { return nil }
        let hash = Array(Operator.hash(token: token).utf8)
        var found: Operator?
        for candidate in operators {
            let stored = Array(candidate.tokenSHA256.utf8)
            guard stored.count == hash.count else { continue }
            var difference: UInt8 = 0
            for i in 0..<hash.count { difference |= stored[i] ^ hash[i] }
            if difference == 0 { found = candidate }
        }
        return found
    }
}
