import BalancerConfig
import NIOCore
import NIOPosix
import Synchronization

/// The proxy listener: accepts client connections (bounded by `max_client_connections`), builds each
/// connection's pipeline, and on shutdown stops accepting and lets open connections finish their exchange.
final class ProxyServer: Sendable {
    let runtime: BalancerRuntime
    private let group: any EventLoopGroup
    let shutdown = ShutdownSignal()
    private let pools = Mutex<[ObjectIdentifier: NIOLoopBound<UpstreamConnectionPool>]>([:])
    private let clients = Mutex<[ObjectIdentifier: any Channel]>([:])
    private let serverChannel = Mutex<(any Channel)?>(nil)
    /// The certificates new connections get; nil serves plain HTTP/1.1. Replaced on reload.
    private let certificates = Mutex<ServedCertificates?>(nil)
    /// TLS and HTTP/2 events, for `/metrics`.
    let edge = EdgeCounters()

    init(runtime: BalancerRuntime, group: any EventLoopGroup) {
        self.runtime = runtime
        self.group = group
    }

    /// Serves `served` to connections accepted from now on (open ones keep theirs); nil for plain HTTP.
    func serve(_ served: ServedCertificates?) {
        certificates.withLock { $0 = served }
    }

    /// Whether the listener speaks TLS.
    var servesTLS: Bool { certificates.withLock { $0 != nil } }

    /// Binds the listener and returns the bound port.
    func start(host: String, port: Int) async throws -> Int {
        let limits = runtime.generation.config.limits
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.initialize(channel, maxClients: limits.maxClientConnections)
                }
            }
            .bind(host: host, port: port).get()
        serverChannel.withLock { $0 = channel }
        return channel.localAddress?.port ?? port
    }

    private func initialize(_ channel: any Channel, maxClients: Int) throws {
        let id = ObjectIdentifier(channel)
        let admitted = clients.withLock { clients -> Bool in
            guard clients.count < maxClients else { return false }
            clients[id] = channel
            return true
        }
        guard admitted else {
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { _ in _ = self.clients.withLock { $0.removeValue(forKey: id) } }
        if let served = certificates.withLock({ $0 }) {
            try initializeTLS(channel, served: served)
        } else {
            try addHTTP1Handlers(to: channel, secure: false)
        }
    }

    /// The handlers of a connection that speaks HTTP/1.1 (over TLS or not) once its bytes are plain.
    func addHTTP1Handlers(to channel: any Channel, secure: Bool) throws {
        let config = runtime.generation.config
        let timeouts = ClientTimeoutHandler(idle: config.timeouts.idle, headerRead: config.timeouts.headerRead)
        let sync = channel.pipeline.syncOperations
        // No HTTP codec handlers: ProxyClientHandler reads HTTP/1.1 off the bytes itself (see MessageReader), and
        // handles pipelining itself too.
        try sync.addHandler(timeouts)
        try sync.addHandler(
            ProxyClientHandler(
                runtime: runtime, connections: connectionPool(for: channel.eventLoop), timeouts: timeouts, shutdown: shutdown,
                maxHeadBytes: config.limits.maxHeaderBytes, secure: secure))
    }

    /// The upstream connection pool of `loop`, created on first use (on that loop).
    func connectionPool(for loop: any EventLoop) -> UpstreamConnectionPool {
        let id = ObjectIdentifier(loop)
        if let bound = pools.withLock({ $0[id] }) { return bound.value }
        let pool = UpstreamConnectionPool(eventLoop: loop)
        pools.withLock { $0[id] = NIOLoopBound(pool, eventLoop: loop) }
        return pool
    }

    /// Graceful stop: no new connections; open ones finish the exchange in progress and close. Waits up to
    /// `deadline` for them, then closes whatever remains.
    func stop(deadline: Duration) async {
        shutdown.begin()
        let server = serverChannel.withLock { $0 }
        try? await server?.close()
        let open = clients.withLock { Array($0.values) }
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let start = ContinuousClock.now
        while clients.withLock({ !$0.isEmpty }), ContinuousClock.now - start < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for channel in clients.withLock({ Array($0.values) }) { try? await channel.close() }
        let loopPools = pools.withLock { Array($0.values) }
        for bound in loopPools {
            try? await bound.eventLoop.submit { bound.value.closeAll() }.get()
        }
    }
}
