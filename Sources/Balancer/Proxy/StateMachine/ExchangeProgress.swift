import BalancerConfig

/// What the connection's state machine reads of an exchange in progress, and the one fact it sets
/// (`requestComplete`). ``ProxyExchange`` is the real one; tests use plain objects.
protocol ExchangeProgress: AnyObject {
    /// The whole request has been read from the client.
    var requestComplete: Bool { get set }
    /// The backend's response head has been taken (and so the response belongs to this attempt).
    var responseStarted: Bool { get }
    /// Whether the client connection stays open after the exchange, as the request and the response say so far.
    var keepAlive: Bool { get }
    /// The exchange has an upstream connection leased to it.
    var hasUpstream: Bool { get }
    /// Its upstream connection would take more bytes now (false without one).
    var upstreamIsWritable: Bool { get }
    /// The largest request body the exchange's configuration allows.
    var maxBodyBytes: Int { get }
}

extension ProxyExchange: ExchangeProgress {
    var hasUpstream: Bool { upstream != nil }
    var upstreamIsWritable: Bool { upstream?.isWritable ?? false }
    var maxBodyBytes: Int { generation.config.limits.maxBodyBytes }
}
