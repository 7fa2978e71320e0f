import BalancerConfig
import NIOCore

/// What the access log says about one request: who asked for what, how it ended, where it went and how long it
/// took. Made on the event loop when the exchange ends and written at once into the log's buffer.
struct AccessLogRecord {
    /// How the exchange ended.
    enum Outcome: String {
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
    var requestID: String?
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
        out.append(contentsOf: " \"".utf8)
        if let head {
            Self.escapedText(head, head.method, into: &out)
            out.append(UInt8(ascii: " "))
            Self.escapedText(head, head.target, into: &out)
            out.append(contentsOf: (head.isHTTP11 ? " HTTP/1.1\" " : " HTTP/1.0\" ").utf8)
        } else {
            out.append(contentsOf: "-\" ".utf8)
        }
        Self.decimal(status, into: &out)
        out.append(UInt8(ascii: " "))
        Self.decimal(bytesSent, into: &out)
        out.append(contentsOf: " pool=".utf8)
        Self.plain(pool, into: &out)
        out.append(contentsOf: " backend=".utf8)
        Self.plain(backend, into: &out)
        out.append(contentsOf: " attempts=".utf8)
        Self.decimal(attempts, into: &out)
        out.append(contentsOf: " upstream=".utf8)
        Self.seconds(upstreamTime, into: &out)
        out.append(contentsOf: " duration=".utf8)
        Self.seconds(duration, into: &out)
        out.append(contentsOf: " outcome=".utf8)
        out.append(contentsOf: outcome.rawValue.utf8)
        out.append(contentsOf: " id=".utf8)
        Self.plain(requestID, into: &out)
    }

    /// One JSON object; absent values are `null`.
    private func writeJSON(into out: inout [UInt8]) {
        out.append(contentsOf: "{\"time\":\"".utf8)
        time.write(into: &out)
        out.append(contentsOf: "\",\"client\":".utf8)
        Self.jsonString(client, into: &out)
        if let head {
            out.append(contentsOf: ",\"method\":\"".utf8)
            Self.escapedJSON(head, head.method, into: &out)
            out.append(contentsOf: "\",\"target\":\"".utf8)
            Self.escapedJSON(head, head.target, into: &out)
            out.append(contentsOf: (head.isHTTP11 ? "\",\"protocol\":\"HTTP/1.1\"" : "\",\"protocol\":\"HTTP/1.0\"").utf8)
        } else {
            out.append(contentsOf: ",\"method\":null,\"target\":null,\"protocol\":null".utf8)
        }
        out.append(contentsOf: ",\"status\":".utf8)
        Self.decimal(status, into: &out)
        out.append(contentsOf: ",\"bytes\":".utf8)
        Self.decimal(bytesSent, into: &out)
        out.append(contentsOf: ",\"pool\":".utf8)
        Self.jsonString(pool, into: &out)
        out.append(contentsOf: ",\"backend\":".utf8)
        Self.jsonString(backend, into: &out)
        out.append(contentsOf: ",\"attempts\":".utf8)
        Self.decimal(attempts, into: &out)
        out.append(contentsOf: ",\"upstream_seconds\":".utf8)
        if upstreamTime == nil { out.append(contentsOf: "null".utf8) } else { Self.seconds(upstreamTime, into: &out) }
        out.append(contentsOf: ",\"duration_seconds\":".utf8)
        if duration == nil { out.append(contentsOf: "null".utf8) } else { Self.seconds(duration, into: &out) }
        out.append(contentsOf: ",\"outcome\":\"".utf8)
        out.append(contentsOf: outcome.rawValue.utf8)
        out.append(contentsOf: "\",\"request_id\":".utf8)
        Self.jsonString(requestID, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// A value the proxy made or checked (an address, a configured name, a request id), or `-`. Names from the
    /// configuration may hold any character, so spaces and quotes are escaped like the request's own bytes.
    private static func plain(_ value: String?, into out: inout [UInt8]) {
        guard let value, !value.isEmpty else {
            out.append(UInt8(ascii: "-"))
            return
        }
        for byte in value.utf8 { textByte(byte, into: &out) }
    }

    /// Bytes of the request as the client sent them: control bytes, bytes past ASCII, `"`, `\` and the space are
    /// written as `\xHH`, so a hostile target cannot forge a line or a field.
    private static func escapedText(_ head: RequestHead, _ range: Range<Int>, into out: inout [UInt8]) {
        head.bytes.withUnsafeReadableBytes { raw in
            for byte in raw[range] { textByte(byte, into: &out) }
        }
    }

    private static func textByte(_ byte: UInt8, into out: inout [UInt8]) {
        if byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        } else {
            out.append(byte)
        }
    }

    private static func jsonString(_ value: String?, into out: inout [UInt8]) {
        guard let value else {
            out.append(contentsOf: "null".utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 { jsonByte(byte, into: &out) }
        out.append(UInt8(ascii: "\""))
    }

    /// Request bytes inside a JSON string. A byte past ASCII is written as the code point of the same number
    /// (`\u00HH`), so the line is valid UTF-8 whatever the client sent, and the byte can still be told.
    private static func escapedJSON(_ head: RequestHead, _ range: Range<Int>, into out: inout [UInt8]) {
        head.bytes.withUnsafeReadableBytes { raw in
            for byte in raw[range] { jsonByte(byte, into: &out, escapingNonASCII: true) }
        }
    }

    private static func jsonByte(_ byte: UInt8, into out: inout [UInt8], escapingNonASCII: Bool = false) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            out.append(UInt8(ascii: "\\"))
            out.append(byte)
        case 0..<0x20, 0x7F:
            out.append(contentsOf: "\\u00".utf8)
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        case 0x80...0xFF where escapingNonASCII:
            out.append(contentsOf: "\\u00".utf8)
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        default:
            out.append(byte)
        }
    }

    /// A count in decimal (counts are never negative; one that were would be written as 0).
    private static func decimal(_ value: Int, into out: inout [UInt8]) {
        let value = max(value, 0)
        if value >= 10 { decimal(value / 10, into: &out) }
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Seconds with six decimals (microseconds), or `-`.
    private static func seconds(_ duration: Duration?, into out: inout [UInt8]) {
        guard let duration else {
            out.append(UInt8(ascii: "-"))
            return
        }
        let (whole, attoseconds) = duration.components
        let micros = max(0, whole * 1_000_000 + attoseconds / 1_000_000_000_000)
        decimal(Int(micros / 1_000_000), into: &out)
        out.append(UInt8(ascii: "."))
        var rest = micros % 1_000_000
        var divisor: Int64 = 100_000
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)
}
