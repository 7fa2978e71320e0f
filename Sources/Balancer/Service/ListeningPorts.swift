/// The ports a running balancer actually bound (useful when the configuration asks for port 0).
public struct ListeningPorts: Sendable, Equatable {
    /// The proxy listener's port.
    public var proxy: Int
    /// The admin listener's port.
    public var admin: Int

    /// Creates the pair.
    public init(proxy: Int, admin: Int) {
        self.proxy = proxy
        self.admin = admin
    }
}
