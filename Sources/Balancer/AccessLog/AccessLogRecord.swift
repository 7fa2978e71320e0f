import BalancerConfig
import HTTPWire
import NIOCore

/// What the access log says about one request: who asked for what, how it ended, where it went and how long it
/// took. Made on the event loop when the exchange ends and written at once into the log's buffer.
struct AccessLogRecord {
    /// How the exchange ended.
    enum Outcome: String, CaseIterable {
        /// The backend's response went to the client whole.
        case relayed
        /// The proxy answered itself: a malformed or too large request, no backend, a full queue, or a failed or
        /// timed-out backend when no retry was left (the status says which).
        case local
        /// The proxy ended a response it had started: the backend failed or stalled halfway, the client stopped
        /// reading it, or the request body grew too large while it was sent.
        case cutOff = "cut_off"
        /// The client closed its connection before the response was complete (status 499 when none had begun).
        case clientClosed = "client_closed"
        /// A WebSocket tunnel closed; its duration is how long it was open.
        case tunnel

        /// `rawValue`, as written into a line.
        var literal: StaticString {
            switch self {
            case .relayed: "relayed"
            case .local: "local"
            case .cutOff: "cut_off"
            case .clientClosed: "client_closed"
            case .tunnel: "tunnel"
            }
        }
    }

    /// When the exchange ended.
    var time: UTCTimestamp
    var client: String?
    /// The request head, nil when the bytes could not be read as one.
    var head: RequestHead?
    var status: Int
    /// Bytes sent to the client: heads and bodies as written, or every byte passed down a tunnel.
    var bytesSent: Int
    var pool: String?
    var backend: String?
    /// Backends tried (more than 1 after retries).
    var attempts: Int
    /// How long the last backend took, from its slot to the end of its response; nil when none answered whole.
    var upstreamTime: Duration?
    /// From the request head's arrival to the exchange's end; nil when no head was read.
    var duration: Duration?
    /// The `X-Request-ID` sent upstream.
    var requestID: ByteBuffer?
    var outcome: Outcome

    /// Appends the record as one line in `format`, ending in a newline.
    func write(_ format: AccessLogConfig.Format, into out: inout [UInt8]) {
        switch format {
        case .text: writeText(into: &out)
        case .json: writeJSON(into: &out)
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// `2026-11-26T09:14:03.512Z 10.0.0.7 "GET /jobs?q=swift HTTP/1.1" 200 5120 pool=web backend=app2 attempts=1
    /// upstream=0.000412 duration=0.000530 outcome=relayed id=…`, with `-` for what is not known.
    private func writeText(into out: inout [UInt8]) {
        time.write(into: &out)
        out.append(UInt8(ascii: " "))
        Self.plain(client, into: &out)
        Self.literal(" \"", into: &out)
        if let head {
            Self.escapedText(head, head.method, into: &out)
            out.append(UInt8(ascii: " "))
            Self.escapedText(head, head.target, into: &out)
            Self.literal(head.isHTTP11 ? " HTTP/1.1\" " : " HTTP/1.0\" ", into: &out)
        } else {
            Self.literal("-\" ", into: &out)
        }
        out.appendDecimal(status)
        out.append(UInt8(ascii: " "))
        out.appendDecimal(bytesSent)
        Self.literal(" pool=", into: &out)
        Self.plain(pool, into: &out)
        Self.literal(" backend=", into: &out)
        Self.plain(backend, into: &out)
        Self.literal(" attempts=", into: &out)
        out.appendDecimal(attempts)
        Self.literal(" upstream=", into: &out)
        Self.seconds(upstreamTime, into: &out)
        Self.literal(" duration=", into: &out)
        Self.seconds(duration, into: &out)
        Self.literal(" outcome=", into: &out)
        Self.literal(outcome.literal, into: &out)
        Self.literal(" id=", into: &out)
        if let requestID, requestID.readableBytes > 0 {
            requestID.withUnsafeReadableBytes { raw in Self.escapedText(raw, into: &out) }
        } else {
            out.append(UInt8(ascii: "-"))
        }
    }

    /// One JSON object; absent values are `null`.
    private func writeJSON(into out: inout [UInt8]) {
        Self.literal("{\"time\":\"", into: &out)
        time.write(into: &out)
        Self.literal("\",\"client\":", into: &out)
        Self.jsonString(client, into: &out)
        if let head {
            Self.literal(",\"method\":\"", into: &out)
            Self.escapedJSON(head, head.method, into: &out)
            Self.literal("\",\"target\":\"", into: &out)
            Self.escapedJSON(head, head.target, into: &out)
            Self.literal(head.isHTTP11 ? "\",\"protocol\":\"HTTP/1.1\"" : "\",\"protocol\":\"HTTP/1.0\"", into: &out)
        } else {
            Self.literal(",\"method\":null,\"target\":null,\"protocol\":null", into: &out)
        }
        Self.literal(",\"status\":", into: &out)
        out.appendDecimal(status)
        Self.literal(",\"bytes\":", into: &out)
        out.appendDecimal(bytesSent)
        Self.literal(",\"pool\":", into: &out)
        Self.jsonString(pool, into: &out)
        Self.literal(",\"backend\":", into: &out)
        Self.jsonString(backend, into: &out)
        Self.literal(",\"attempts\":", into: &out)
        out.appendDecimal(attempts)
        Self.literal(",\"upstream_seconds\":", into: &out)
        if upstreamTime == nil { Self.literal("null", into: &out) } else { Self.seconds(upstreamTime, into: &out) }
        Self.literal(",\"duration_seconds\":", into: &out)
        if duration == nil { Self.literal("null", into: &out) } else { Self.seconds(duration, into: &out) }
        Self.literal(",\"outcome\":\"", into: &out)
        Self.literal(outcome.literal, into: &out)
        Self.literal("\",\"request_id\":", into: &out)
        if let requestID {
            out.append(UInt8(ascii: "\""))
            requestID.withUnsafeReadableBytes { raw in Self.escapedJSON(raw, into: &out) }
            out.append(UInt8(ascii: "\""))
        } else {
            Self.literal("null", into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// A value the proxy made or checked (an address, a configured name, a request id), or `-`. Names from the
    /// configuration may hold any character, so spaces and quotes are escaped like the request's own bytes.
    private static func plain(_ value: String?, into out: inout [UInt8]) {
        guard var value, !value.isEmpty else {
            out.append(UInt8(ascii: "-"))
            return
        }
        value.withUTF8 { escapedText(UnsafeRawBufferPointer($0), into: &out) }
    }

    /// Bytes of the request as the client sent them: control bytes, bytes past ASCII, `"`, `\` and the space are
    /// written as `\xHH`, so a hostile target cannot forge a line or a field.
    private static func escapedText(_ head: RequestHead, _ range: Range<Int>, into out: inout [UInt8]) {
        head.bytes.withUnsafeReadableBytes { raw in escapedText(UnsafeRawBufferPointer(rebasing: raw[range]), into: &out) }
    }

    /// `bytes` with every byte that needs it escaped; bytes that need none (nearly always all) go in one copy.
    private static func escapedText(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        guard bytes.contains(where: needsTextEscape) else {
            out.append(contentsOf: bytes)
            return
        }
        for byte in bytes {
            if needsTextEscape(byte) {
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            } else {
                out.append(byte)
            }
        }
    }

    private static func needsTextEscape(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static func jsonString(_ value: String?, into out: inout [UInt8]) {
        guard let value else {
            Self.literal("null", into: &out)
            return
        }
        out.append(UInt8(ascii: "\""))
        var text = value
        text.withUTF8 { escapedJSON(UnsafeRawBufferPointer($0), escapingNonASCII: false, into: &out) }
        out.append(UInt8(ascii: "\""))
    }

    /// Request bytes inside a JSON string. A byte past ASCII is written as the code point of the same number
    /// (`\u00HH`), so the line is valid UTF-8 whatever the client sent, and the byte can still be told.
    private static func escapedJSON(_ head: RequestHead, _ range: Range<Int>, into out: inout [UInt8]) {
        head.bytes.withUnsafeReadableBytes { raw in escapedJSON(UnsafeRawBufferPointer(rebasing: raw[range]), into: &out) }
    }

    /// `bytes` inside a JSON string: `"` and `\\` escaped, control bytes as `\\u00HH`, and bytes past ASCII too when
    /// `escapingNonASCII` (request bytes, which need not be UTF-8; a configured name is). Bytes that need nothing
    /// (nearly always all) go in one copy.
    private static func escapedJSON(_ bytes: UnsafeRawBufferPointer, escapingNonASCII: Bool = true, into out: inout [UInt8]) {
        func needsUnicodeEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F || (escapingNonASCII && byte >= 0x80) }
        func needsBackslash(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") }
        guard bytes.contains(where: { needsUnicodeEscape($0) || needsBackslash($0) }) else {
            out.append(contentsOf: bytes)
            return
        }
        for byte in bytes {
            if needsBackslash(byte) {
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            } else if needsUnicodeEscape(byte) {
                Self.literal("\\u00", into: &out)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            } else {
                out.append(byte)
            }
        }
    }

    /// Seconds with six decimals (microseconds), or `-`.
    private static func seconds(_ duration: Duration?, into out: inout [UInt8]) {
        guard let duration else {
            out.append(UInt8(ascii: "-"))
            return
        }
        let (whole, attoseconds) = duration.components
        let micros = max(0, whole * 1_000_000 + attoseconds / 1_000_000_000_000)
        out.appendDecimal(Int(micros / 1_000_000))
        out.append(UInt8(ascii: "."))
        out.appendDigits(micros % 1_000_000, count: 6)
    }

    /// Text the proxy writes itself, copied in one piece.
    private static func literal(_ text: StaticString, into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static let hex = Array("0123456789abcdef".utf8)
}
