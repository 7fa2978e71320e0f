/// The header fields of one message head, with what the proxy needs to know of them read on the way.
///
/// Parsing is strict: every line ends in CRLF, names are tokens followed directly by a colon, values hold no
/// control characters, obs-fold is refused, and `Content-Length`/`Transfer-Encoding` must say unambiguously
/// where the body ends. Anything else is a ``WireError`` naming the line.
package struct HeaderSection {
    package var fields: [HeaderField] = []
    /// The declared body length, if any.
    package var contentLength: Int?
    /// Whether the body is chunked (`Transfer-Encoding: chunked`).
    package var chunked = false
    /// `Connection: close` was sent.
    package var close = false
    /// `Connection: keep-alive` was sent.
    package var keepAlive = false
    /// `Connection` named `upgrade`.
    package var connectionUpgrade = false
    /// The `Upgrade` fields, counted; and whether there is exactly one, naming only `websocket`.
    package var upgradeFields = 0
    package var upgradeIsWebSocket = false
    /// `Expect: 100-continue` was sent.
    package var expectsContinue = false
    /// A non-empty `X-Request-ID` was sent.
    package var hasRequestID = false
    package var hostCount = 0
    /// Fields whose name holds an underscore (see `limits.underscores_in_headers`).
    package var underscoreNames = 0

    /// Parses the fields in `bytes[start..<end]`, where `end` is the offset of the CRLF that closes the head.
    package init(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) throws(WireError) {
        var connectionTokens: [Range<Int>] = []
        // One allocation for a typical head instead of one per doubling.
        fields.reserveCapacity(16)
        var lineStart = start
        var lineNumber = 0
        while lineStart < end {
            lineNumber += 1
            // Name: one or more token characters, then the colon (no space before it: RFC 9112 §5.1).
            var index = lineStart
            var underscore = false
            while index < end, WireBytes.isTokenChar(bytes[index]) {
                underscore = underscore || bytes[index] == UInt8(ascii: "_")
                index += 1
            }
            guard index > lineStart, index < end, bytes[index] == WireBytes.colon else {
                throw .malformedHeader(line: lineNumber)
            }
            let name = lineStart..<index
            index += 1
            let valueStart = index
            // Eight bytes at a time while none is a control character; the byte loop below looks at the rest (and
            // at the word holding the CR). The head ends in CRLF at `end`, so the words read stay inside it.
            while index + 8 <= end, !WireBytes.hasControlByte(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index += 8
            }
            while bytes[index] != WireBytes.cr {
                guard WireBytes.isValueChar(bytes[index]) else {
                    throw bytes[index] == WireBytes.lf ? .bareLineFeed(line: lineNumber + 1) : .malformedHeader(line: lineNumber)
                }
                index += 1
            }
            // The head was cut at CRLF CRLF, so every CR inside it is followed by LF; a CR alone is not.
            guard bytes[index + 1] == WireBytes.lf else { throw .malformedHeader(line: lineNumber) }
            let value = WireBytes.trimmed(bytes, valueStart..<index)
            let lineEnd = index + 2
            let kind = FieldName.classify(bytes, name)
            var dropped = kind.isHopByHop
            switch kind {
            case .contentLength:
                guard contentLength == nil, let length = WireBytes.decimal(bytes, value) else {
                    throw .invalidContentLength(line: lineNumber)
                }
                contentLength = length
            case .transferEncoding:
                guard !chunked, WireBytes.equalsIgnoringCase(bytes, value, "chunked") else {
                    throw .unsupportedTransferCoding(line: lineNumber)
                }
                chunked = true
            case .connection:
                WireBytes.forEachListElement(bytes, value) { token in
                    if WireBytes.equalsIgnoringCase(bytes, token, "close") {
                        close = true
                    } else if WireBytes.equalsIgnoringCase(bytes, token, "keep-alive") {
                        keepAlive = true
                    } else if WireBytes.equalsIgnoringCase(bytes, token, "upgrade") {
                        // `Upgrade` is hop-by-hop already; the proxy writes it again itself for a WebSocket.
                        connectionUpgrade = true
                    } else {
                        connectionTokens.append(token)
                    }
                }
            case .expect:
                expectsContinue = WireBytes.equalsIgnoringCase(bytes, value, "100-continue")
                dropped = true
            case .upgrade:
                upgradeFields += 1
                upgradeIsWebSocket = upgradeFields == 1 && WireBytes.equalsIgnoringCase(bytes, value, "websocket")
            case .host:
                hostCount += 1
            case .xForwardedFor, .xForwardedProto:
                dropped = true
            case .xRequestID:
                if value.isEmpty { dropped = true } else { hasRequestID = true }
            default:
                break
            }
            if underscore { underscoreNames += 1 }
            fields.append(
                HeaderField(line: lineStart..<lineEnd, name: name, value: value, kind: kind, dropped: dropped, nameHasUnderscore: underscore))
            lineStart = lineEnd
            // A line that starts with a space or tab would fold onto this one (obs-fold): refused.
            if lineStart < end, bytes[lineStart] == WireBytes.space || bytes[lineStart] == WireBytes.tab {
                throw .malformedHeader(line: lineNumber + 1)
            }
        }
        if chunked, contentLength != nil { throw .lengthAndTransferEncoding }
        // Headers named in Connection are hop-by-hop too (RFC 9110 §7.6.1).
        for token in connectionTokens {
            for i in fields.indices where !fields[i].dropped && WireBytes.equalsIgnoringCase(bytes, fields[i].name, token) {
                fields[i].dropped = true
            }
        }
    }

    /// `Connection: upgrade` with a single `Upgrade: websocket`: the message asks for (or, from a backend, agrees
    /// to) a switch to the WebSocket protocol, and no other.
    package var upgradesToWebSocket: Bool { connectionUpgrade && upgradeIsWebSocket }

    /// The values of the fields named `name` (ASCII case ignored), in order, as text; `raw` is the head these
    /// fields were parsed from.
    package func values(named name: String, in raw: UnsafeRawBufferPointer) -> [String] {
        fields.filter { WireBytes.equalsIgnoringCase(raw, $0.name, text: name) }.map {
            String(decoding: UnsafeRawBufferPointer(rebasing: raw[$0.value]), as: UTF8.self)
        }
    }
}
