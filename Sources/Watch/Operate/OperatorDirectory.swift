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
        let hash = Operator.hash(token: token)
        var found: Operator?
        // Every stored hash is compared in full, whichever matches.
        for candidate in operators where WatchAccess.equal(candidate.tokenSHA256, hash) { found = candidate }
        return found
    }
}
