import NIOCore

/// Writes the heads the proxy sends: the request head for a backend and the response head for a client. Fields
/// that pass through are copied as byte ranges of the received head (consecutive ones in a single copy); only
/// the proxy's own fields are written fresh. Nothing is parsed twice and no header strings are built.
enum HeadWriter {
    /// The head sent to a backend: the request line as received but HTTP/1.1, fields without hop-by-hop ones,
    /// then `Transfer-Encoding: chunked` for a chunked body, `X-Forwarded-For` (prior values plus the client),
    /// `X-Forwarded-Proto`, and an `X-Request-ID` unless the client sent one.
    ///
    /// Fields whose name holds an underscore are dropped unless `keepUnderscoreNames`. A request without `Host`
    /// (HTTP/1.0 allows that) gets `Host: hostIfMissing`, because the HTTP/1.1 request sent on needs one.
    static func upstreamRequest(
        _ head: RequestHead, clientIP: String?, ids: inout RequestIdentifier, keepUnderscoreNames: Bool = false,
        hostIfMissing: String? = nil, allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        let source = head.bytes
        var out = allocator.buffer(capacity: source.readableBytes + 128)
        let base = source.readerIndex
        out.writeImmutableBuffer(source.getSlice(at: base, length: head.target.upperBound)!)
        out.writeStaticString(" HTTP/1.1\r\n")
        if head.headers.hostCount == 0, let hostIfMissing {
            out.writeStaticString("host: ")
            out.writeString(hostIfMissing)
            out.writeStaticString("\r\n")
        }
        var priorForwardedFor: [Range<Int>] = []
        let dropUnderscoreNames = !keepUnderscoreNames && head.headers.underscoreNames > 0
        copyKeptFields(head.headers, from: source, into: &out, also: { dropUnderscoreNames && $0.nameHasUnderscore }, visit: { field in
            if field.kind == .xForwardedFor, !field.value.isEmpty { priorForwardedFor.append(field.value) }
        })
        if head.headers.chunked { out.writeStaticString("transfer-encoding: chunked\r\n") }
        if clientIP != nil || !priorForwardedFor.isEmpty {
            out.writeStaticString("x-forwarded-for: ")
            for (n, value) in priorForwardedFor.enumerated() {
                if n > 0 { out.writeStaticString(", ") }
                out.writeImmutableBuffer(source.getSlice(at: base + value.lowerBound, length: value.count)!)
            }
            if let clientIP {
                if !priorForwardedFor.isEmpty { out.writeStaticString(", ") }
                out.writeString(clientIP)
            }
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("x-forwarded-proto: http\r\n")
        if !head.headers.hasRequestID {
            out.writeStaticString("x-request-id: ")
            ids.write(into: &out)
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("\r\n")
        return out
    }

    /// The head sent to a client for a backend's response: the client's HTTP version with the backend's status
    /// and reason, fields without hop-by-hop ones or the backend header, then `Transfer-Encoding: chunked` when
    /// the body passes through chunked, the backend header, and `Connection: close` when the connection ends.
    /// `spareCapacity` is room left for body bytes the caller will append (so appending does not reallocate).
    static func downstreamResponse(
        _ head: ResponseHead, clientIsHTTP11: Bool, chunkedToClient: Bool, backendHeader: String, backendName: String,
        keepAlive: Bool, spareCapacity: Int = 0, allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        let source = head.bytes
        var out = allocator.buffer(capacity: source.readableBytes + 64 + backendName.utf8.count + spareCapacity)
        out.writeStaticString(clientIsHTTP11 ? "HTTP/1.1 " : "HTTP/1.0 ")
        out.writeImmutableBuffer(source.getSlice(at: source.readerIndex + head.statusText.lowerBound, length: head.statusText.count)!)
        out.writeStaticString("\r\n")
        let chunked = head.headers.chunked
        let backendHeaderLength = backendHeader.utf8.count
        source.withUnsafeReadableBytes { raw in
            copyKeptFields(head.headers, from: source, into: &out, also: { field in
                // A chunked body is re-framed only by us; a stale length must not reach the client with it.
                (chunked && field.kind == .contentLength) 
                    || (field.name.count == backendHeaderLength && WireBytes.equalsIgnoringCase(raw, field.name, text: backendHeader))
            })
        }
        if chunkedToClient { out.writeStaticString("transfer-encoding: chunked\r\n") }
        out.writeString(backendHeader)
        out.writeStaticString(": ")
        out.writeString(backendName)
        out.writeStaticString("\r\n")
        if !keepAlive {
            out.writeStaticString("connection: close\r\n")
        } else if !clientIsHTTP11 {
            // HTTP/1.0 closes after each response unless the server says otherwise.
            out.writeStaticString("connection: keep-alive\r\n")
        }
        out.writeStaticString("\r\n")
        return out
    }

    /// Copies every field not dropped (and not `also` dropped) from `source`, joining runs of consecutive kept
    /// lines into one copy; `visit` sees every field.
    private static func copyKeptFields(
        _ headers: HeaderSection, from source: ByteBuffer, into out: inout ByteBuffer,
        also drop: (HeaderField) -> Bool = { _ in false }, visit: (HeaderField) -> Void = { _ in }
    ) {
        let base = source.readerIndex
        var run: Range<Int>?
        for field in headers.fields {
            visit(field)
            if field.dropped || drop(field) {
                if let kept = run {
                    out.writeImmutableBuffer(source.getSlice(at: base + kept.lowerBound, length: kept.count)!)
                    run = nil
                }
            } else if let kept = run {
                run = kept.lowerBound..<field.line.upperBound
            } else {
                run = field.line
            }
        }
        if let kept = run { out.writeImmutableBuffer(source.getSlice(at: base + kept.lowerBound, length: kept.count)!) }
    }

    /// A response the proxy makes itself: a short plain-text body.
    static func localResponse(status: Int, reason: String, message: String, close: Bool, extraHeaders: [(String, String)], allocator: ByteBufferAllocator) -> ByteBuffer {
        let body = "\(status) \(reason): \(message)\n"
        var out = allocator.buffer(capacity: 160 + body.utf8.count)
        out.writeString("HTTP/1.1 \(status) \(reason)\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: \(body.utf8.count)\r\n")
        for (name, value) in extraHeaders { out.writeString("\(name): \(value)\r\n") }
        if close { out.writeStaticString("connection: close\r\n") }
        out.writeStaticString("\r\n")
        out.writeString(body)
        return out
    }
}
