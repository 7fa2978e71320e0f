import NIOCore
import NIOHTTP1

extension RequestSpec {
    /// Writes this request to `channel` and flushes it; runs on the channel's event loop.
    func write(to context: ChannelHandlerContext, host: String) {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path)
        head.headers.add(name: "Host", value: host)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if let body { head.headers.add(name: "Content-Length", value: String(body.utf8.count)) }
        context.write(NIOAny(HTTPClientRequestPart.head(head)), promise: nil)
        if let body {
            context.write(NIOAny(HTTPClientRequestPart.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        }
        context.writeAndFlush(NIOAny(HTTPClientRequestPart.end(nil)), promise: nil)
    }
}

extension ResponseSummary {
    /// The status and the backend named by the first of `backendHeaders` present.
    init(_ head: HTTPResponseHead, backendHeaders: [String]) {
        status = Int(head.status.code)
        backend = nil
        for name in backendHeaders {
            if let value = head.headers.first(name: name) {
                backend = value
                break
            }
        }
    }
}
