import NIOCore
import NIOSSL
import NIOPosix

/// What the load generator keeps of a response.
public struct ResponseSummary: Sendable {
    public var status: Int
    /// The backend that served it, from the backend header (or the replica header).
    public var backend: String?
    /// The body, kept only on connections opened to keep bodies (setup requests); empty on the load path.
    public var body: [UInt8] = []

    public init(status: Int, backend: String?, body: [UInt8] = []) {
        self.status = status
        self.backend = backend
        self.body = body
    }
}

/// Why a request failed without a response.
public enum RequestFailure: String, Error, Codable, Sendable, CaseIterable {
    case connect
    case timeout
    case reset
    /// The answer was not an HTTP/1.1 response the balancer would accept from a backend (the connection is closed).
    case malformed
}

/// A connection of the open model: it carries one request at a time.
protocol RequestConnection: Sendable {
    /// Sends one request and waits for its whole response, at most `timeout`.
    func send(_ request: RequestSpec, host: String, timeout: TimeAmount) async throws -> ResponseSummary
    var isActive: Bool { get }
    func close() async
}

/// One keep-alive HTTP/1.1 connection that carries one request at a time.
final class HTTPConnection: RequestConnection {
    let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Connects to `host:port`, giving up after `timeout`; responses keep up to `bodyLimit` bytes of body.
    static func connect(
        host: String, port: Int, backendHeaders: [String], timeout: TimeAmount, group: any EventLoopGroup, bodyLimit: Int = 0,
        from source: String? = nil, tls: NIOSSLContext? = nil
    ) async throws -> HTTPConnection {
        do {
            let channel = try await ClientBootstrap.loadClient(group: group, from: source, timeout: timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls { try ClientTLS.addHandler(tls, host: host, to: channel) }
                        try channel.pipeline.syncOperations.addHandler(ResponseCollector(backendHeaders: backendHeaders, bodyLimit: bodyLimit))
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
            collector.start(promise, timeout: timeout, head: request.method == "HEAD", on: channel.eventLoop)
            context.writeAndFlush(NIOAny(request.encoded(host: host, allocator: channel.allocator)), promise: nil)
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
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case idle
        case waiting(EventLoopPromise<ResponseSummary>, Scheduled<Void>?)
    }

    private var state = State.idle
    private var scanner: HTTPResponseScanner

    init(backendHeaders: [String], bodyLimit: Int = 0) {
        scanner = HTTPResponseScanner(backendHeaders: backendHeaders)
        scanner.bodyLimit = bodyLimit
    }

    func start(_ promise: EventLoopPromise<ResponseSummary>, timeout: TimeAmount, head: Bool, on loop: any EventLoop) {
        let timer = loop.assumeIsolated().scheduleTask(in: timeout) { [weak self] () -> Void in self?.fail(RequestFailure.timeout) }
        scanner.awaitingHead = head
        state = .waiting(promise, timer)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            try scanner.feed(unwrapInboundIn(data)) { response in complete(response) }
        } catch {
            fail(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let response = scanner.endOfStream() { complete(response) }
        fail(RequestFailure.reset)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Passed on as it is: the recorder tells a failed TLS handshake from a reset.
        fail(error)
        context.close(promise: nil)
    }

    private func complete(_ response: ResponseSummary) {
        guard case .waiting(let promise, let timer) = state else { return }
        state = .idle
        timer?.cancel()
        promise.succeed(response)
    }

    /// Fails the request in flight with `error`: a ``RequestFailure``, or the scanner's `Malformed`, which names
    /// the fault (the caller counts it as `malformed`).
    private func fail(_ error: any Error) {
        guard case .waiting(let promise, let timer) = state else { return }
        state = .idle
        timer?.cancel()
        promise.fail(error)
    }
}
