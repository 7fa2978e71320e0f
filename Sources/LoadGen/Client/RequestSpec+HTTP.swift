import NIOCore

extension RequestSpec {
    /// This request as HTTP/1.1 bytes, ready to write as they are: the load generator encodes each request once
    /// (or once for the whole test when the mix is fixed) rather than through a general-purpose encoder.
    func encoded(host: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 96 + path.utf8.count + (body?.utf8.count ?? 0))
        buffer.writeString(method)
        buffer.writeStaticString(" ")
        buffer.writeString(path)
        buffer.writeStaticString(" HTTP/1.1\r\nHost: ")
        buffer.writeString(host)
        buffer.writeStaticString("\r\n")
        for (name, value) in headers {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        if let body {
            buffer.writeStaticString("Content-Length: ")
            buffer.writeString(String(body.utf8.count))
            buffer.writeStaticString("\r\n\r\n")
            buffer.writeString(body)
        } else {
            buffer.writeStaticString("\r\n")
        }
        return buffer
    }
}
