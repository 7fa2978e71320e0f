import BalancerConfig
import NIOCore
import NIOHTTP1
import NIOPosix

/// One active health check: `GET path` on a fresh connection; 2xx or 3xx within the timeout is a success.
enum HealthProbe {
    /// How a probe went; a failure says why, for the log line that takes the backend out of service.
    enum Outcome: Equatable, Sendable {
        case passed
        case failed(String)
    }

    static func check(host: String, port: Int, path: String, timeout: Duration, group: any EventLoopGroup) async -> Outcome {
        do {
            return try await withThrowingTaskGroup(of: Outcome.self) { tasks in
                tasks.addTask { try await request(host: host, port: port, path: path, timeout: timeout, group: group) }
                tasks.addTask {
                    try await Task.sleep(for: timeout)
                    return .failed("no answer to GET \(path) within \(DurationText.format(timeout))")
                }
                let first = try await tasks.next() ?? .failed("the check was cancelled")
                tasks.cancelAll()
                return first
            }
        } catch let error as NIOConnectionError {
            return .failed("could not connect: \(ConnectFailureReason.of(error, timeout: timeout))")
        } catch {
            return .failed("GET \(path) failed: \(error)")
        }
    }

    private static func request(host: String, port: Int, path: String, timeout: Duration, group: any EventLoopGroup) async throws -> Outcome {
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
                if case .head(let head) = part {
                    let status = Int(head.status.code)
                    return (200..<400).contains(status) ? .passed : .failed("GET \(path) answered \(status)")
                }
            }
            return .failed("GET \(path): the connection closed without a response")
        }
    }
}
