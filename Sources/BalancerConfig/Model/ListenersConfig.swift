/// The two sockets the balancer opens: the proxy that carries traffic and the admin API.
///
/// They are separate so that stats, metrics and reloads are never reachable through the public port.
public struct ListenersConfig: Sendable, Equatable {
    /// Where client traffic is accepted.
    public var proxy: ListenAddress
    /// Where `/admin/*` and `/metrics` are served.
    public var admin: ListenAddress
    /// A file holding the token every state-changing admin call (reload, rollback, drain) must carry as
    /// `Authorization: Bearer TOKEN`; relative to the configuration file's folder. Without one, those calls are
    /// taken only on a loopback admin listener.
    public var adminTokenFile: String?
    /// TLS on the proxy listener; plain HTTP/1.1 when nil.
    public var proxyTLS: TLSConfig?

    /// Creates the listeners; defaults are `0.0.0.0:8080` for the proxy and `127.0.0.1:9090` for admin.
    public init(
        proxy: ListenAddress = ListenAddress(host: "0.0.0.0", port: 8080),
        admin: ListenAddress = ListenAddress(host: "127.0.0.1", port: 9090)
    ) {
        self.proxy = proxy
        self.admin = admin
    }
}

/// A local address to bind; port 0 asks the system for an ephemeral port.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The interface address to bind, e.g. `0.0.0.0` or `127.0.0.1`.
    public var host: String
    /// The TCP port, 0...65535.
    public var port: Int

    /// Creates a listen address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`.
    public var description: String { "\(host):\(port)" }
}
