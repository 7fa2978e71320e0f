import NIOCore

/// A backend's response head as read off the wire: its bytes, the status, and what the proxy acts on.
package struct ResponseHead {
    /// The head, from the status line through the CRLF that ends it.
    package let bytes: ByteBuffer
    package let status: Int
    /// The status code and reason phrase, as sent ("200 OK"), without the CRLF.
    package let statusText: Range<Int>
    package let isHTTP11: Bool
    package let headers: HeaderSection

    /// Parses `bytes`, a complete head ending in CRLF CRLF.
    package init(_ bytes: ByteBuffer) throws(WireError) {
        self.bytes = bytes
        (status, statusText, isHTTP11, headers) = try bytes.withUnsafeReadableBytes { raw throws(WireError) in
            // "HTTP/1.1 200 OK\r\n": version, space, three digits, then a space and a reason or the line's end.
            guard raw.count >= 16, WireBytes.equalsIgnoringCase(raw, 0..<7, "http/1."),
                raw[7] == UInt8(ascii: "1") || raw[7] == UInt8(ascii: "0"), raw[8] == WireBytes.space
            else { throw .malformedStartLine }
            var status = 0
            for index in 9..<12 {
                let digit = raw[index] &- UInt8(ascii: "0")
                guard digit < 10 else { throw .malformedStartLine }
                status = status * 10 + Int(digit)
            }
            var lineEnd = 12
            while raw[lineEnd] != WireBytes.cr {
                guard lineEnd == 12 ? raw[lineEnd] == WireBytes.space : WireBytes.isValueChar(raw[lineEnd]) else {
                    throw .malformedStartLine
                }
                lineEnd += 1
            }
            guard raw[lineEnd + 1] == WireBytes.lf else { throw .malformedStartLine }
            let headers = try HeaderSection(raw, from: lineEnd + 2, to: max(lineEnd + 2, raw.count - 2))
            return (status, 9..<lineEnd, raw[7] == UInt8(ascii: "1"), headers)
        }
    }

    /// Whether the backend lets the connection carry another request after this response.
    package var allowsReuse: Bool { isHTTP11 ? !headers.close : headers.keepAlive && !headers.close }

    /// An interim (1xx) response other than 101: the final response follows on the same connection.
    package var isInterim: Bool { (100..<200).contains(status) && status != 101 }

    /// How the body is framed, given whether the request was HEAD (RFC 9112 §6.3).
    package func bodyFraming(requestWasHEAD: Bool) -> BodyFraming {
        if requestWasHEAD || status == 204 || status == 304 || (100..<200).contains(status) { return .length(0) }
        if headers.chunked { return .chunked }
        if let length = headers.contentLength { return .length(length) }
        return .untilClose
    }

    /// The value of the first field named `name` (compared ignoring ASCII case), if the head has one.
    package func value(ofField name: String) -> String? {
        bytes.withUnsafeReadableBytes { raw in headers.values(named: name, in: raw).first }
    }
}
