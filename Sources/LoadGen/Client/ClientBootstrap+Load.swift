import NIOCore
import NIOPosix

extension ClientBootstrap {
    /// How every load-generator connection is opened: from `source` when the test spreads its clients over several
    /// loopback addresses, within `timeout`, with Nagle off (requests are small and must leave at once).
    static func loadClient(group: any EventLoopGroup, from source: String?, timeout: TimeAmount) throws -> ClientBootstrap {
        var bootstrap = ClientBootstrap(group: group)
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        return bootstrap.connectTimeout(timeout).channelOption(.socketOption(.tcp_nodelay), value: 1)
    }
}
