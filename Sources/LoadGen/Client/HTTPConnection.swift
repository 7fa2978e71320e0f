import NIOCore
import NIOHTTP1
import NIOPosix

/// What the load generator keeps of a response.
public struct ResponseSummary: Sendable {
    public var status: Int
    /// The backend that served it, from the backend header (or the replica header).
    public var backend: String?
}

/// Why a request failed without a response.
public enum RequestFailure: String, Error, Codable, Sendable, CaseIterable {
    case connect
    case timeout
    case reset
}

/// One keep-alive HTTP/1.1 connection that carries one request at a time.
final class HTTPConnection: Sendable {
    let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Connects to `host:port`, giving up after `timeout`.
    static func connect(
        host: String, port: Int, backendHeaders: [String], timeout: TimeAmount, group: any EventLoopGroup
    ) async throws -> HTTPConnection {
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(ResponseCollector(backendHeaders: backendHeaders))
                    }
                }
                .connect(host: host, port: port).get()
            return HTTPConnection(channel: channel)
        } catch {
            throw RequestFailure.connect
        }
    }

    /// Sends one request and waits for its whole response, at most `timeout`.
    func send(_ request: RequestSpec, host: String, timeout: TimeAmount) async throws -> ResponseSummary {
        let channel = self.channel
        let promise = channel.eventLoop.makePromise(of: ResponseSummary.self)
        channel.eventLoop.execute {
            guard let context = try? channel.pipeline.syncOperations.context(handlerType: ResponseCollector.self),
                let collector = context.handler as? ResponseCollector
            else {
                promise.fail(RequestFailure.reset)
                return
            }
            collector.start(promise, timeout: timeout, on: channel.eventLoop)
            request.write(to: context, host: host)
        }
        return try await promise.futureResult.get()
    }

    var isActive: Bool { channel.isActive }

    func close() async {
        try? await channel.close()
    }
}

/// Collects one response at a time and completes its promise; a timeout or a closed connection fails it.
final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private enum State {
        case idle
        case waiting(EventLoopPromise<ResponseSummary>, Scheduled<Void>?, ResponseSummary?)
    }

    private var state = State.idle
    private let backendHeaders: [String]

    init(backendHeaders: [String]) {
        self.backendHeaders = backendHeaders
    }

    func start(_ promise: EventLoopPromise<ResponseSummary>, timeout: TimeAmount, on loop: any EventLoop) {
        let timer = loop.assumeIsolated().scheduleTask(in: timeout) { [weak self] () -> Void in self?.fail(.timeout) }
        state = .waiting(promise, timer, nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .waiting(let promise, let timer, let summary) = state else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            state = .waiting(promise, timer, ResponseSummary(head, backendHeaders: backendHeaders))
        case .body:
            break
        case .end:
            state = .idle
            timer?.cancel()
            if let summary { promise.succeed(summary) } else { promise.fail(RequestFailure.reset) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.reset)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.reset)
        context.close(promise: nil)
    }

    private func fail(_ failure: RequestFailure) {
        guard case .waiting(let promise, let timer, _) = state else { return }
        state = .idle
        timer?.cancel()
        promise.fail(failure)
    }
}
