import HTTPWire
import NIOCore

/// Writes the heads the proxy sends: the request head for a backend and the response head for a client. Fields
/// that pass through are copied as byte ranges of the received head (consecutive ones in a single copy); only
/// the proxy's own fields are written fresh. Nothing is parsed twice and no header strings are built.
///
/// A head is written into a buffer the caller keeps for the purpose: once the previous head written into it has gone
/// out (nothing else references it), it is reused as it is, so a keep-alive connection writes its heads without
/// allocating.
enum HeadWriter {
    /// The head sent to a backend: the request line as received but HTTP/1.1, fields without hop-by-hop ones,
    /// then `Transfer-Encoding: chunked` for a chunked body, `X-Forwarded-For` (prior values plus the client),
    /// `X-Forwarded-Proto` (`https` when the client's connection is `secure`), and an `X-Request-ID` unless the
    /// client sent one.
    ///
    /// Fields whose name holds an underscore are dropped unless `keepUnderscoreNames`. A request without `Host`
    /// (HTTP/1.0 allows that) gets `Host: hostIfMissing`, because the HTTP/1.1 request sent on needs one. An
    /// absolute-form target goes on in origin form, with its authority as the only `Host` (RFC 9112 §3.2.2). With
    /// `webSocket` the request keeps its `Upgrade` and says `Connection: upgrade`, asking the backend to switch.
    static func upstreamRequest(
        _ head: RequestHead, clientIP: String?, ids: inout RequestIdentifier, keepUnderscoreNames: Bool = false,
        hostIfMissing: String? = nil, webSocket: Bool = false, secure: Bool = false, into out: inout ByteBuffer
    ) {
        let hostIfMissing = head.headers.hostCount == 0 && head.authority == nil ? hostIfMissing : nil
        // The request line and the kept fields are copies of the received head, and the prior X-Forwarded-For
        // values with their separators are shorter than the lines they came from, so the received size bounds all
        // of that; the rest is the proxy's own fields: at most 132 bytes of literals and the request id, plus the
        // host and the client address, or for an absolute-form target its authority again in `Host` and a `/`.
        let bound = head.bytes.readableBytes + 133 + (hostIfMissing?.utf8.count ?? 0) + (clientIP?.utf8.count ?? 0)
            + (head.authority.map { $0.count + 9 } ?? 0) + (webSocket ? connectionUpgrade.utf8CodeUnitCount : 0)
        write(copyingFrom: head.bytes, bound: bound, into: &out) { source, w in
            if let authority = head.authority {
                w.append(source, head.method)
                w.append(" ")
                if head.originForm.isEmpty || source[head.originForm.lowerBound] == UInt8(ascii: "?") { w.append("/") }
                w.append(source, head.originForm)
                w.append(" HTTP/1.1\r\nhost: ")
                w.append(source, authority)
                w.append("\r\n")
            } else {
                w.append(source, 0..<head.target.upperBound)
                w.append(" HTTP/1.1\r\n")
            }
            if let hostIfMissing {
                w.append("host: ")
                w.append(contentsOf: hostIfMissing)
                w.append("\r\n")
            }
            var priorForwardedFor: [Range<Int>] = []
            let dropUnderscoreNames = !keepUnderscoreNames && head.headers.underscoreNames > 0
            let replaceHost = head.authority != nil
            copyKeptFields(head.headers, from: source, into: &w, also: { field in
                (dropUnderscoreNames && field.nameHasUnderscore) || (replaceHost && field.kind == .host)
            }, visit: { field in
                if field.kind == .xForwardedFor, !field.value.isEmpty { priorForwardedFor.append(field.value) }
            })
            if head.headers.chunked { w.append("transfer-encoding: chunked\r\n") }
            if webSocket {
                copyUpgradeFields(head.headers, from: source, into: &w)
                w.append(connectionUpgrade)
            }
            if clientIP != nil || !priorForwardedFor.isEmpty {
                w.append("x-forwarded-for: ")
                for (n, value) in priorForwardedFor.enumerated() {
                    if n > 0 { w.append(", ") }
                    w.append(source, value)
                }
                if let clientIP {
                    if !priorForwardedFor.isEmpty { w.append(", ") }
                    w.append(contentsOf: clientIP)
                }
                w.append("\r\n")
            }
            w.append(secure ? "x-forwarded-proto: https\r\n" : "x-forwarded-proto: http\r\n")
            if !head.headers.hasRequestID {
                w.append("x-request-id: ")
                ids.write(into: &w)
                w.append("\r\n")
            }
            w.append("\r\n")
        }
    }

    /// The head sent to a client for a backend's response: the client's HTTP version with the backend's status
    /// and reason, fields without hop-by-hop ones or the backend header, then `Transfer-Encoding: chunked` when
    /// the body passes through chunked, the backend header, and `Connection: close` when the connection ends.
    /// `spareCapacity` is room left for body bytes the caller will append (so appending does not reallocate).
    /// With `webSocket` (a `101` to a WebSocket upgrade) the backend's `Upgrade` is kept and the connection says
    /// `Connection: upgrade`: everything after this head is the new protocol's.
    static func downstreamResponse(
        _ head: ResponseHead, clientIsHTTP11: Bool, chunkedToClient: Bool, backendHeader: String, backendName: String,
        keepAlive: Bool, webSocket: Bool = false, spareCapacity: Int = 0, into out: inout ByteBuffer
    ) {
        let backendHeaderLength = backendHeader.utf8.count
        // The status line and the kept fields are copies of the received head (and so are `Upgrade` lines, which the
        // kept fields leave out); the rest is at most 58 bytes of literals plus the backend header's name and value.
        let bound = head.bytes.readableBytes + 58 + backendHeaderLength + backendName.utf8.count
        let chunked = head.headers.chunked
        write(copyingFrom: head.bytes, bound: bound, spareCapacity: spareCapacity, into: &out) { source, w in
            w.append(clientIsHTTP11 ? "HTTP/1.1 " : "HTTP/1.0 ")
            w.append(source, head.statusText)
            w.append("\r\n")
            copyKeptFields(head.headers, from: source, into: &w, also: { field in
                // A chunked body is re-framed only by us; a stale length must not reach the client with it.
                (chunked && field.kind == .contentLength)
                    || (field.name.count == backendHeaderLength && WireBytes.equalsIgnoringCase(source, field.name, text: backendHeader))
            })
            if chunkedToClient { w.append("transfer-encoding: chunked\r\n") }
            w.append(contentsOf: backendHeader)
            w.append(": ")
            w.append(contentsOf: backendName)
            w.append("\r\n")
            if webSocket {
                copyUpgradeFields(head.headers, from: source, into: &w)
                w.append(connectionUpgrade)
            } else if !keepAlive {
                w.append("connection: close\r\n")
            } else if !clientIsHTTP11 {
                // HTTP/1.0 closes after each response unless the server says otherwise.
                w.append("connection: keep-alive\r\n")
            }
            w.append("\r\n")
        }
    }

    private static let connectionUpgrade: StaticString = "connection: upgrade\r\n"

    /// Copies the `Upgrade` field lines, which as hop-by-hop fields the kept ones leave out.
    private static func copyUpgradeFields(_ headers: HeaderSection, from source: UnsafeRawBufferPointer, into out: inout HeadBuilder) {
        for field in headers.fields where field.kind == .upgrade { out.append(source, field.line) }
    }

    /// Empties `out` (reusing its storage when nothing else references it) and fills it with the head `build`
    /// appends, copying pieces of `source` (the received head); the head must fit in `bound` bytes, reserved once,
    /// and `spareCapacity` more are left for the caller.
    private static func write(
        copyingFrom source: ByteBuffer, bound: Int, spareCapacity: Int = 0, into out: inout ByteBuffer,
        _ build: (UnsafeRawBufferPointer, inout HeadBuilder) -> Void
    ) {
        out.clear(minimumCapacity: bound + spareCapacity)
        source.withUnsafeReadableBytes { raw in
            _ = out.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { target in
                var builder = HeadBuilder(target)
                build(raw, &builder)
                return builder.count
            }
        }
    }

    /// Copies every field not dropped (and not `also` dropped) from `source`, joining runs of consecutive kept
    /// lines into one copy; `visit` sees every field.
    private static func copyKeptFields(
        _ headers: HeaderSection, from source: UnsafeRawBufferPointer, into out: inout HeadBuilder,
        also drop: (HeaderField) -> Bool = { _ in false }, visit: (HeaderField) -> Void = { _ in }
    ) {
        var run: Range<Int>?
        for field in headers.fields {
            visit(field)
            if field.dropped || drop(field) {
                if let kept = run {
                    out.append(source, kept)
                    run = nil
                }
            } else if let kept = run {
                run = kept.lowerBound..<field.line.upperBound
            } else {
                run = field.line
            }
        }
        if let kept = run { out.append(source, kept) }
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
