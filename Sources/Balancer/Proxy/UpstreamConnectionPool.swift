import NIOCore
import NIOPosix

/// Idle keep-alive connections to backends, for one event loop. Client connections on that loop lease
/// from it, so proxying never hops threads. Only ever touched on its own event loop.
final class UpstreamConnectionPool {
    let eventLoop: any EventLoop
    /// Idle connections per backend address, indexed by ``UpstreamAddressID``.
    private var idle: [[UpstreamHandler]] = []

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// An idle open connection to the backend address `addressID`, if there is one. Most requests are served this
    /// way, synchronously, with no callback to allocate.
    func takeIdle(addressID: Int) -> UpstreamHandler? {
        guard addressID < idle.count else { return nil }
        // Popped in place: copying the list out first would copy its storage on every request.
        while let handler = idle[addressID].popLast() {
            if handler.isActive { return handler }
        }
        return nil
    }

    /// Opens a new connection to `host:port`, pooled under `addressID` once given back.
    func connect(
        addressID: Int, host: String, port: Int, connectTimeout: Duration,
        _ callback: @escaping (Result<UpstreamHandler, any Error>) -> Void
    ) {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(connectTimeout))
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler(addressID: addressID))
                }
            }
        bootstrap.connect(host: host, port: port).assumeIsolated().whenComplete { [weak self] result in
            switch result {
            case .success(let channel):
                do {
                    let handler = try channel.pipeline.syncOperations.handler(type: UpstreamHandler.self)
                    handler.pool = self
                    callback(.success(handler))
                } catch {
                    channel.close(promise: nil)
                    callback(.failure(error))
                }
            case .failure(let error):
                callback(.failure(error))
            }
        }
    }

    /// Takes back a connection after a complete exchange, or closes it if it cannot be reused or this loop already
    /// keeps `limit` idle connections to its backend. The limit is the backend's `max_connections`: no more can be
    /// busy at once, and a lower one would close and reopen connections whenever the load on one loop went past it.
    /// Returns whether the connection was kept; one closed during its read gets no read-complete event after it.
    @discardableResult
    func giveBack(_ handler: UpstreamHandler, keepingAtMost limit: Int, idleTimeout: Duration, now: NIODeadline? = nil) -> Bool {
        let id = handler.addressID
        if id >= idle.count { idle.append(contentsOf: repeatElement([], count: id + 1 - idle.count)) }
        guard handler.reusable, handler.isActive, idle[id].count < limit else {
            handler.close()
            return false
        }
        handler.makeIdle(idleTimeout: TimeAmount(idleTimeout), now: now ?? eventLoop.now)
        idle[id].append(handler)
        return true
    }

    /// Drops a connection that closed.
    func forget(_ handler: UpstreamHandler) {
        guard handler.addressID < idle.count else { return }
        idle[handler.addressID].removeAll { $0 === handler }
    }

    /// Closes every idle connection (shutdown).
    func closeAll() {
        let all = idle
        idle = []
        for list in all { for h in list { h.close() } }
    }
}
