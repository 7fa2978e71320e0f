import NIOCore
import NIOHTTP1
import NIOPosix

/// One active health check: `GET path` on a fresh connection; 2xx or 3xx within the timeout is a success.
enum HealthProbe {
    static func check(host: String, port: Int, path: String, timeout: Duration, group: any EventLoopGroup) async -> Bool {
        do {
            return try await withThrowingTaskGroup(of: Bool.self) { tasks in
                tasks.addTask { try await request(host: host, port: port, path: path, timeout: timeout, group: group) }
                tasks.addTask {
                    try await Task.sleep(for: timeout)
                    return false
                }
                let first = try await tasks.next() ?? false
                tasks.cancelAll()
                return first
            }
        } catch {
            return false
        }
    }

    private static func request(host: String, port: Int, path: String, timeout: Duration, group: any EventLoopGroup) async throws -> Bool {
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(timeout))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var headers = HTTPHeaders()
            headers.add(name: "host", value: "\(host):\(port)")
            headers.add(name: "user-agent", value: "evenkeel-health")
            headers.add(name: "connection", value: "close")
            try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)))
            try await outbound.write(.end(nil))
            for try await part in inbound {
                if case .head(let head) = part { return (200..<400).contains(Int(head.status.code)) }
            }
            return false
        }
    }
}
