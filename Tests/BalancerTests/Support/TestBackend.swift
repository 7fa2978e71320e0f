import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny real HTTP backend on an ephemeral 127.0.0.1 port, for integration tests.
///
/// Paths: `/healthz` (200, or 503 when unhealthy), `/status/N` (status N), `/slow?ms=N` (answers after N
/// ms), `/echo` (returns the request body), `/big?bytes=N` (N bytes), `/drop` (closes without answering). Every response carries `x-backend`
/// and the request headers it saw as `x-req-NAME`.
final class TestBackend: Sendable {
    let name: String
    let port: Int
    private let channel: any Channel
    private let children = Mutex<[ObjectIdentifier: any Channel]>([:])
    let requests = Atomic<Int>(0)
    /// Connections accepted so far.
    let accepted = Atomic<Int>(0)
    let healthy = Atomic<Bool>(true)

    static func start(_ name: String) async throws -> TestBackend {
        let box = HandlerBox(name: name)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    try child.pipeline.syncOperations.addHandler(BackendHandler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let backend = TestBackend(name: name, port: channel.localAddress!.port!, channel: channel)
        box.backend.withLock { $0 = backend }
        return backend
    }

    private init(name: String, port: Int, channel: any Channel) {
        self.name = name
        self.port = port
        self.channel = channel
    }

    func track(_ child: any Channel) {
        accepted.add(1, ordering: .relaxed)
        let id = ObjectIdentifier(child)
        children.withLock { $0[id] = child }
        child.closeFuture.whenComplete { _ in _ = self.children.withLock { $0.removeValue(forKey: id) } }
    }

    /// Stops listening and drops every open connection, like a crashed process.
    func kill() async {
        try? await channel.close()
        for child in children.withLock({ Array($0.values) }) { try? await child.close() }
        // A killed backend stays dead: a backend of a test running in parallel must not reuse its port while
        // this test's balancer still sends there.
        holdPort(port)
    }
}

final class HandlerBox: Sendable {
    let name: String
    let backend = Mutex<TestBackend?>(nil)
    init(name: String) { self.name = name }
}

final class BackendHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let box: HandlerBox
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?

    init(box: HandlerBox) { self.box = box }

    func handlerAdded(context: ChannelHandlerContext) {
        box.backend.withLock { $0 }?.track(context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = context.channel.allocator.buffer(capacity: 0)
        case .body(var b):
            body?.writeBuffer(&b)
        case .end:
            guard let head else { return }
            respond(context: context, head: head, body: body ?? ByteBuffer())
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, body requestBody: ByteBuffer) {
        let backend = box.backend.withLock { $0 }
        backend?.requests.add(1, ordering: .relaxed)
        let parts = head.uri.split(separator: "?", maxSplits: 1)
        let path = String(parts.first ?? "")
        var query: [String: String] = [:]
        if parts.count > 1 {
            for kv in parts[1].split(separator: "&") {
                let p = kv.split(separator: "=", maxSplits: 1)
                if p.count == 2 { query[String(p[0])] = String(p[1]) }
            }
        }
        var status = HTTPResponseStatus.ok
        var body = context.channel.allocator.buffer(string: box.name)
        var delayMs = 0
        if path == "/healthz" {
            status = (backend?.healthy.load(ordering: .relaxed) ?? true) ? .ok : .serviceUnavailable
        } else if path.hasPrefix("/status/"), let code = Int(path.dropFirst(8)) {
            status = HTTPResponseStatus(statusCode: code)
        } else if path == "/slow" {
            delayMs = Int(query["ms"] ?? "0") ?? 0
        } else if path == "/echo" {
            body = requestBody
        } else if path == "/drop" {
            // Reads the request, then hangs up without answering: a crashed or broken backend.
            context.close(promise: nil)
            return
        } else if path == "/big" {
            let n = Int(query["bytes"] ?? "0") ?? 0
            body = context.channel.allocator.buffer(repeating: UInt8(ascii: "x"), count: n)
        }
        var headers = HTTPHeaders([("content-length", "\(body.readableBytes)"), ("x-backend", box.name), ("x-uri", head.uri)])
        for h in head.headers { headers.add(name: "x-req-\(h.name.lowercased())", value: h.value) }
        let response = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        let send = {
            context.write(self.wrapOutboundOut(.head(response)), promise: nil)
            context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        }
        if delayMs > 0 {
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(delayMs))) { send() }
        } else {
            send()
        }
    }
}
