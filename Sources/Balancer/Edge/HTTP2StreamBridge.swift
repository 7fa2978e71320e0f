import HTTPWire
import NIOCore
import NIOHTTP1

/// Turns one HTTP/2 stream into the HTTP/1.1 exchange the proxy handles, so a request that arrives over HTTP/2 is
/// balanced, limited, counted and logged by exactly the code an HTTP/1.1 request goes through.
///
/// Inbound, the request parts NIOHTTP2's codec gives are written out as an HTTP/1.1 request (its head is held until
/// the next part shows whether a body follows: one without a length gets chunked framing). Outbound, the HTTP/1.1
/// response the proxy writes is read back with the wire's own reader into a head, body and end for the codec.
final class HTTP2StreamBridge: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = HTTPServerResponsePart

    /// The head waiting for the next part, which decides its framing.
    private var heldHead: HTTPRequestHead?
    private var requestChunked = false
    /// The methods of requests sent on whose responses have not ended, oldest first (a HEAD response has no body).
    private var methods: [HTTPMethod] = []
    private var response: MessageReader
    private var responseStarted = false

    init(maxHeadBytes: Int) {
        // The proxy wrote this head itself from one it accepted, plus a few fields of its own.
        response = MessageReader(maxHeadBytes: maxHeadBytes * 2 + 4096)
        response.dechunk = true
    }

    // MARK: Request: HTTP/2 parts to HTTP/1.1 bytes

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            heldHead = head
        case .body(var body):
            if let head = heldHead.take() {
                requestChunked = head.headers["content-length"].isEmpty
                send(head, framing: requestChunked ? "transfer-encoding: chunked" : nil, context: context)
            }
            guard body.readableBytes > 0 else { return }
            if requestChunked {
                var chunk = context.channel.allocator.buffer(capacity: body.readableBytes + 12)
                chunk.writeString(String(body.readableBytes, radix: 16) + "\r\n")
                chunk.writeBuffer(&body)
                chunk.writeString("\r\n")
                context.fireChannelRead(wrapInboundOut(chunk))
            } else {
                context.fireChannelRead(wrapInboundOut(body))
            }
        case .end:
            if let head = heldHead.take() {
                // No body. A method that usually carries one says so, since some backends refuse it without a length.
                let needsLength = [.POST, .PUT, .PATCH].contains(head.method) && head.headers["content-length"].isEmpty
                send(head, framing: needsLength ? "content-length: 0" : nil, context: context)
            } else if requestChunked {
                context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(string: "0\r\n\r\n")))
            }
            requestChunked = false
        }
    }

    private func send(_ head: HTTPRequestHead, framing: String?, context: ChannelHandlerContext) {
        methods.append(head.method)
        var text = "\(head.method.rawValue) \(head.uri) HTTP/1.1\r\n"
        var cookies: [String] = []
        for (name, value) in head.headers {
            switch name.lowercased() {
            // HTTP/2 may split cookies into several fields; HTTP/1.1 wants one (RFC 9113 §8.2.3).
            case "cookie":
                cookies.append(value)
                continue
            // The framing is this bridge's to write (NIOHTTP2's codec marks a body without a length chunked).
            case "transfer-encoding":
                continue
            default:
                break
            }
            text += "\(name): \(value)\r\n"
        }
        if !cookies.isEmpty { text += "cookie: \(cookies.joined(separator: "; "))\r\n" }
        if let framing { text += framing + "\r\n" }
        text += "\r\n"
        context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(string: text)))
    }

    // MARK: Response: HTTP/1.1 bytes to HTTP/2 parts

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        response.feed(unwrapOutboundIn(data))
        var lastWrite: EventLoopFuture<Void>?
        do {
            while let event = try response.next() {
                switch event {
                case .head(let bytes):
                    let head = try ResponseHead(bytes)
                    let wasHEAD = methods.first == .HEAD
                    response.startBody(head.bodyFraming(requestWasHEAD: wasHEAD))
                    // An interim answer (100 Continue) is the HTTP/1.1 client's business; HTTP/2 clients do not wait for one.
                    if head.isInterim { continue }
                    responseStarted = true
                    lastWrite = context.write(wrapOutboundOut(.head(Self.responseHead(head))))
                case .body(let bytes):
                    guard responseStarted else { continue }
                    lastWrite = context.write(wrapOutboundOut(.body(.byteBuffer(bytes))))
                case .end:
                    guard responseStarted else { continue }
                    responseStarted = false
                    if !methods.isEmpty { methods.removeFirst() }
                    lastWrite = context.write(wrapOutboundOut(.end(nil)))
                }
            }
        } catch {
            // The proxy wrote something that is not HTTP/1.1: a fault here, not the client's. The stream is reset.
            promise?.fail(error)
            context.close(promise: nil)
            return
        }
        if let lastWrite {
            lastWrite.cascade(to: promise)
        } else {
            promise?.succeed()
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // A body that runs until the connection closes ends here.
        if responseStarted, response.endOfStream() {
            responseStarted = false
            context.write(wrapOutboundOut(.end(nil)), promise: nil)
            context.flush()
        }
        context.close(mode: mode, promise: promise)
    }

    private static func responseHead(_ head: ResponseHead) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        head.bytes.withUnsafeReadableBytes { raw in
            for field in head.headers.fields where !field.dropped {
                headers.add(name: String(decoding: raw[field.name], as: UTF8.self), value: String(decoding: raw[field.value], as: UTF8.self))
            }
        }
        return HTTPResponseHead(version: .http2, status: HTTPResponseStatus(statusCode: head.status), headers: headers)
    }
}
