import NIOCore
import NIOPosix

/// Sends requests from chosen loopback addresses (127.0.0.2, 127.0.0.3, …), one connection each, so the balancer
/// sees many clients or a few: what tells a crowd from a flood.
enum SourceAddressDriver {
    /// Sends GET `path` to 127.0.0.1:`port` at `rate` a second until cancelled, the n-th request from
    /// `addresses[n % addresses.count]`.
    static func drive(port: Int, path: String = "/", rate: Double, addresses: [String]) async {
        await withTaskGroup(of: Void.self) { group in
            let clock = ContinuousClock()
            var next = clock.now
            var n = 0
            while !Task.isCancelled {
                let address = addresses[n % addresses.count]
                n += 1
                group.addTask { try? await request(port: port, path: path, from: address) }
                next = next.advanced(by: .seconds(1 / rate))
                try? await Task.sleep(until: next, clock: clock)
            }
            group.cancelAll()
        }
    }

    static func request(port: Int, path: String, from address: String) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(2))
            .bind(to: try SocketAddress(ipAddress: address, port: 0))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"))
            for try await _ in inbound {}
        }
    }

    /// `count` loopback addresses from 127.0.0.2 on.
    static func addresses(_ count: Int) -> [String] { (0..<count).map { "127.0.\(($0 + 2) / 250).\(($0 + 2) % 250)" } }
}
