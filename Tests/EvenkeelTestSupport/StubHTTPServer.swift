import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A request as a ``StubHTTPServer`` read it, with its number across all of the server's connections (from 0).
public struct StubRequest: Sendable {
    public let number: Int
    public let method: HTTPMethod
    public let uri: String
    public let headers: HTTPHeaders
    public let body: ByteBuffer

    /// The path without the query.
    public var path: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }

    /// The query's `name=value` pairs.
    public var query: [String: String] {
        let parts = uri.split(separator: "?", maxSplits: 1)
        guard parts.count > 1 else { return [:] }
        var values: [String: String] = [:]
        for pair in parts[1].split(separator: "&") {
            let nameAndValue = pair.split(separator: "=", maxSplits: 1)
            if nameAndValue.count == 2 { values[String(nameAndValue[0])] = String(nameAndValue[1]) }
        }
        return values
    }
}

/// How a ``StubHTTPServer`` answers one request.
public enum StubReply: Sendable {
    /// A response; `chunks`, when given, are sent as the body in chunked encoding after `body`; `after` holds it back.
    case respond(status: HTTPResponseStatus, headers: [(String, String)] = [], body: String = "", chunks: [String]? = nil, after: Duration? = nil)
    /// The body given as bytes (an echo, a large body).
    case respondBytes(status: HTTPResponseStatus, headers: [(String, String)], body: ByteBuffer, after: Duration? = nil)
    /// Reads the request, then hangs up without answering: a crashed or broken backend.
    case hangUp
}

/// The one real HTTP/1.1 server the tests use to play a backend, a balancer or a load-test target: on an ephemeral
/// 127.0.0.1 port, answering each request as `answer` says. What it plays is in the factories of each test target
/// (`TestBackend`, `BackendPatternServer`, `StubServer`), not here.
public final class StubHTTPServer: Sendable {
    public let port: Int
    private let channel: any Channel
    private let shared: StubConnectionShared

    /// Requests answered (or hung up on) so far.
    public var requestCount: Int { shared.requests.load(ordering: .relaxed) }
    /// Connections accepted so far.
    public var acceptedCount: Int { shared.accepted.load(ordering: .relaxed) }

    /// Starts listening. `validateOutboundHeaders: false` lets a head no HTTP/1.1 reader may accept go out.
    public static func start(
        backlog: Int32 = 256, validateOutboundHeaders: Bool = true, answer: @escaping @Sendable (StubRequest) -> StubReply
    ) async throws -> StubHTTPServer {
        let shared = StubConnectionShared(answer: answer)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline(withOutboundHeaderValidation: validateOutboundHeaders)
                    try child.pipeline.syncOperations.addHandler(StubConnectionHandler(shared: shared))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return StubHTTPServer(channel: channel, shared: shared)
    }

    private init(channel: any Channel, shared: StubConnectionShared) {
        self.channel = channel
        self.shared = shared
        self.port = channel.localAddress?.port ?? 0
    }

    /// Stops listening; open connections finish what they are doing.
    public func stop() async {
        try? await channel.close()
    }

    /// Stops listening and drops every open connection, like a crashed process.
    public func kill() async {
        try? await channel.close()
        for child in shared.openConnections() { try? await child.close() }
    }
}

/// What every connection of one server shares: how to answer, the counts, and the open connections.
private final class StubConnectionShared: Sendable {
    let answer: @Sendable (StubRequest) -> StubReply
    let requests = Atomic<Int>(0)
    let accepted = Atomic<Int>(0)
    private let children = Mutex<[ObjectIdentifier: any Channel]>([:])

    init(answer: @escaping @Sendable (StubRequest) -> StubReply) {
        self.answer = answer
    }

    /// The next request's number, from 0 across all connections; counts it.
    func nextNumber() -> Int { requests.wrappingAdd(1, ordering: .relaxed).oldValue }

    func track(_ child: any Channel) {
        accepted.add(1, ordering: .relaxed)
        let id = ObjectIdentifier(child)
        children.withLock { $0[id] = child }
        child.closeFuture.whenComplete { _ in _ = self.children.withLock { $0.removeValue(forKey: id) } }
    }

    func openConnections() -> [any Channel] { children.withLock { Array($0.values) } }
}

private final class StubConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let shared: StubConnectionShared
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(shared: StubConnectionShared) { self.shared = shared }

    func handlerAdded(context: ChannelHandlerContext) {
        shared.track(context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
            body = context.channel.allocator.buffer(capacity: 0)
        case .body(var bytes):
            body.writeBuffer(&bytes)
        case .end:
            guard let head else { return }
            self.head = nil
            let request = StubRequest(number: shared.nextNumber(), method: head.method, uri: head.uri, headers: head.headers, body: body)
            reply(shared.answer(request), context: context)
        }
    }

    private func reply(_ reply: StubReply, context: ChannelHandlerContext) {
        let status: HTTPResponseStatus, headers: [(String, String)], body: ByteBuffer, chunks: [String]?, after: Duration?
        switch reply {
        case .hangUp:
            context.close(promise: nil)
            return
        case .respond(let s, let h, let text, let c, let a):
            (status, headers, body, chunks, after) = (s, h, ByteBuffer(string: text), c, a)
        case .respondBytes(let s, let h, let bytes, let a):
            (status, headers, body, chunks, after) = (s, h, bytes, nil, a)
        }
        // The framing first, then the reply's own headers, in their order.
        var fields = HTTPHeaders()
        if chunks != nil {
            fields.add(name: "transfer-encoding", value: "chunked")
        } else if !headers.contains(where: { $0.0.lowercased() == "content-length" }) {
            fields.add(name: "content-length", value: "\(body.readableBytes)")
        }
        fields.add(contentsOf: headers)
        let response = HTTPResponseHead(version: .http1_1, status: status, headers: fields)
        let send = {
            context.write(self.wrapOutboundOut(.head(response)), promise: nil)
            if body.readableBytes > 0 || chunks == nil { context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
            for chunk in chunks ?? [] { context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: chunk)))), promise: nil) }
            context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        }
        if let after, after > .zero {
            let nanoseconds = after.components.seconds * 1_000_000_000 + after.components.attoseconds / 1_000_000_000
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) { send() }
        } else {
            send()
        }
    }
}
