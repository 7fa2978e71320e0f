import NIOCore

/// A client's request head as read off the wire: its bytes, where the method and target lie, and what the proxy
/// acts on. The bytes are kept so the head sent upstream is written from ranges of them.
package struct RequestHead {
    /// The head, from the request line through the CRLF that ends it.
    package let bytes: ByteBuffer
    /// The method, up to the space before the target.
    package let method: Range<Int>
    package let target: Range<Int>
    /// For an absolute-form target (`http://host:port/path?query`, RFC 9112 §3.2.2), its `host:port`; the
    /// request goes on with this as its `Host`, whatever `Host` the client sent.
    package let authority: Range<Int>?
    /// The target as sent on: the path and query of an absolute-form target (empty if it has no path, and then
    /// written as `/`), or the whole origin-form target.
    package let originForm: Range<Int>
    /// HTTP/1.1 (else HTTP/1.0).
    package let isHTTP11: Bool
    package let headers: HeaderSection
    /// The target's path, before any `?` (`/` for an absolute-form target without one).
    package let path: String
    /// GET, HEAD, OPTIONS, TRACE, PUT or DELETE: may be sent again after a failed attempt (RFC 9110 §9.2.2).
    package let isIdempotent: Bool
    package let isHEAD: Bool

    /// Parses `bytes`, a complete head ending in CRLF CRLF (as ``MessageReader`` cuts it).
    package init(_ bytes: ByteBuffer) throws(WireError) {
        self.bytes = bytes
        let parsed = try bytes.withUnsafeReadableBytes { raw throws(WireError) in
            try Self.parse(raw)
        }
        (method, target, isHTTP11, headers, isIdempotent, isHEAD) = parsed
        let (authority, origin) = try bytes.withUnsafeReadableBytes { raw throws(WireError) in try Self.absoluteForm(raw, parsed.1) }
        (self.authority, originForm) = (authority, origin)
        let pathEnd = bytes.withUnsafeReadableBytes { raw in
            var end = origin.lowerBound
            while end < origin.upperBound, raw[end] != UInt8(ascii: "?") { end += 1 }
            return end
        }
        path = pathEnd == origin.lowerBound && authority != nil
            ? "/" : Self.text(of: bytes, origin.lowerBound..<pathEnd)
        // Exactly one Host in HTTP/1.1 (RFC 9112 §3.2); at most one in HTTP/1.0.
        if headers.hostCount > 1 || (isHTTP11 && headers.hostCount == 0) { throw .invalidHost }
    }

    /// The bytes at `range` of the head (offsets from its start, as every range here is) as text.
    package func text(_ range: Range<Int>) -> String { Self.text(of: bytes, range) }

    private static func text(of bytes: ByteBuffer, _ range: Range<Int>) -> String {
        bytes.getString(at: bytes.readerIndex + range.lowerBound, length: range.count) ?? ""
    }

    /// Whether the client asked to keep the connection open after this exchange.
    package var wantsKeepAlive: Bool { isHTTP11 ? !headers.close : headers.keepAlive && !headers.close }

    /// Whether the request asks to switch the connection to WebSocket (RFC 6455 §4.1) in a way the proxy passes on:
    /// HTTP/1.1 and no body, so the switch can only follow the request's end. Any other `Upgrade` (`h2c`, say) is
    /// removed as hop-by-hop and the request goes on as plain HTTP: a protocol the proxy does not know must not
    /// get a tunnel past it.
    package var asksWebSocketUpgrade: Bool {
        isHTTP11 && headers.upgradesToWebSocket && !headers.chunked && (headers.contentLength ?? 0) == 0
    }

    /// How the request body is framed.
    package var bodyFraming: BodyFraming {
        if headers.chunked { return .chunked }
        return .length(headers.contentLength ?? 0)
    }

    private static func parse(_ raw: UnsafeRawBufferPointer) throws(WireError) -> (Range<Int>, Range<Int>, Bool, HeaderSection, Bool, Bool) {
        let end = raw.count - 2
        var index = 0
        while index < end, WireBytes.isTokenChar(raw[index]) { index += 1 }
        guard index > 0, raw[index] == WireBytes.space else { throw .malformedStartLine }
        let method = 0..<index
        index += 1
        let targetStart = index
        while index < end, WireBytes.isTargetChar(raw[index]) { index += 1 }
        guard index > targetStart, raw[index] == WireBytes.space else { throw .malformedStartLine }
        let target = targetStart..<index
        index += 1
        // "HTTP/1.1" or "HTTP/1.0", then CRLF.
        guard index + 10 <= raw.count, WireBytes.equalsIgnoringCase(raw, index..<(index + 5), "http/") else {
            throw .malformedStartLine
        }
        guard raw[index + 5] == UInt8(ascii: "1"), raw[index + 6] == UInt8(ascii: "."),
            raw[index + 7] == UInt8(ascii: "1") || raw[index + 7] == UInt8(ascii: "0")
        else {
            throw raw[index + 5] &- UInt8(ascii: "0") < 10 ? .unsupportedVersion : .malformedStartLine
        }
        let isHTTP11 = raw[index + 7] == UInt8(ascii: "1")
        guard raw[index + 8] == WireBytes.cr, raw[index + 9] == WireBytes.lf else {
            throw raw[index + 8] == WireBytes.lf ? .bareLineFeed(line: 0) : .malformedStartLine
        }
        let headers = try HeaderSection(raw, from: index + 10, to: max(index + 10, end))
        let (idempotent, head) = Self.methodTraits(raw, method)
        return (method, target, isHTTP11, headers, idempotent, head)
    }

    /// The authority and the path-and-query of an absolute-form `http` or `https` target; for any other target,
    /// no authority and the whole target. An absolute-form target needs a host and must not carry userinfo
    /// (`user@host`, which RFC 9110 §4.2.4 tells recipients to treat as an error).
    private static func absoluteForm(_ raw: UnsafeRawBufferPointer, _ target: Range<Int>) throws(WireError) -> (Range<Int>?, Range<Int>) {
        let schemeLength: Int
        if target.count >= 7, WireBytes.equalsIgnoringCase(raw, target.lowerBound..<(target.lowerBound + 7), "http://") {
            schemeLength = 7
        } else if target.count >= 8, WireBytes.equalsIgnoringCase(raw, target.lowerBound..<(target.lowerBound + 8), "https://") {
            schemeLength = 8
        } else {
            return (nil, target)
        }
        let start = target.lowerBound + schemeLength
        var end = start
        while end < target.upperBound, raw[end] != UInt8(ascii: "/"), raw[end] != UInt8(ascii: "?") {
            guard raw[end] != UInt8(ascii: "@") else { throw .malformedStartLine }
            end += 1
        }
        guard end > start else { throw .malformedStartLine }
        return (start..<end, end..<target.upperBound)
    }

    private static func methodTraits(_ raw: UnsafeRawBufferPointer, _ method: Range<Int>) -> (idempotent: Bool, head: Bool) {
        func equals(_ name: StaticString) -> Bool {
            guard method.count == name.utf8CodeUnitCount else { return false }
            var offset = 0
            for index in method {
                guard raw[index] == name.utf8Start[offset] else { return false }
                offset += 1
            }
            return true
        }
        if equals("GET") { return (true, false) }
        if equals("HEAD") { return (true, true) }
        return (equals("PUT") || equals("DELETE") || equals("OPTIONS") || equals("TRACE"), false)
    }

    /// The values of every field named `name` (case-insensitive), for hash keys. `Host` is the target's
    /// authority for an absolute-form target, as it is sent on.
    package func values(of name: String) -> [String] {
        bytes.withUnsafeReadableBytes { raw in
            if let authority, name.lowercased() == "host" {
                return [String(decoding: UnsafeRawBufferPointer(rebasing: raw[authority]), as: UTF8.self)]
            }
            return headers.values(named: name, in: raw)
        }
    }
}
