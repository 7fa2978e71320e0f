import NIOCore

/// Reads HTTP/1.1 responses from the raw bytes of one connection and keeps only what a load test reports:
/// the status and the backend header. Bodies are skipped, never copied; `Content-Length`, chunked encoding,
/// bodiless responses (HEAD, 1xx, 204, 304) and bodies that end with the connection are handled. This replaces
/// SwiftNIO's general HTTP codec on the load generator's hot path, where it cost more CPU per request than
/// the kernel's TCP work (see docs/benchmarks.md).
struct HTTPResponseScanner {
    /// The bytes are not an HTTP/1.1 response.
    struct Malformed: Error {}

    private enum Phase {
        case head
        case fixed(Int)
        case chunkSize
        case chunkData(Int)
        case chunkEnd
        case trailers
        case untilClose
    }

    private var phase = Phase.head
    private var pending: ByteBuffer?
    private var summary = ResponseSummary(status: 0, backend: nil)
    /// How the body of the response being read is framed.
    private var framing = (chunked: false, length: Int?.none)
    /// Backend header names in lower case, in order of preference.
    private let backendHeaders: [[UInt8]]
    /// Whether the request now awaiting its response was a HEAD (whose response has no body).
    var awaitingHead = false
    /// Body bytes to keep per response (0 on the load path: bodies are skipped). Setup requests, such as the
    /// logins that give the job-board mix its session tokens, keep theirs.
    var bodyLimit = 0

    static let contentLength = Array("content-length".utf8)
    static let transferEncoding = Array("transfer-encoding".utf8)

    /// Largest response head accepted.
    static let maxHeadBytes = 64 * 1024

    init(backendHeaders: [String]) {
        self.backendHeaders = backendHeaders.map { Array($0.lowercased().utf8) }
    }

    /// Consumes `incoming`, calling `complete` for every response that ends in it.
    mutating func feed(_ incoming: ByteBuffer, complete: (ResponseSummary) -> Void) throws(Malformed) {
        var buffer: ByteBuffer
        if var stashed = pending {
            var incoming = incoming
            stashed.writeBuffer(&incoming)
            buffer = stashed
            pending = nil
        } else {
            buffer = incoming
        }
        while buffer.readableBytes > 0 {
            switch phase {
            case .head:
                guard let headLength = Self.find(crlfcrlf: buffer) else {
                    guard buffer.readableBytes <= Self.maxHeadBytes else { throw Malformed() }
                    pending = buffer
                    return
                }
                try readHead(buffer.readableBytesView.prefix(headLength))
                buffer.moveReaderIndex(forwardBy: headLength + 4)
                if let done = bodyPhase() { complete(done) }
            case .fixed(let remaining):
                let take = min(remaining, buffer.readableBytes)
                keep(buffer, take)
                buffer.moveReaderIndex(forwardBy: take)
                if take == remaining {
                    phase = .head
                    complete(summary)
                } else {
                    phase = .fixed(remaining - take)
                }
            case .chunkSize, .trailers:
                guard let lineLength = Self.find(crlf: buffer) else {
                    guard buffer.readableBytes <= Self.maxHeadBytes else { throw Malformed() }
                    pending = buffer
                    return
                }
                let line = buffer.readableBytesView.prefix(lineLength)
                buffer.moveReaderIndex(forwardBy: lineLength + 2)
                if case .trailers = phase {
                    if lineLength == 0 {
                        phase = .head
                        complete(summary)
                    }
                } else {
                    let size = try Self.chunkSize(line)
                    phase = size == 0 ? .trailers : .chunkData(size)
                }
            case .chunkData(let remaining):
                let take = min(remaining, buffer.readableBytes)
                keep(buffer, take)
                buffer.moveReaderIndex(forwardBy: take)
                phase = take == remaining ? .chunkEnd : .chunkData(remaining - take)
            case .chunkEnd:
                guard buffer.readableBytes >= 2 else {
                    pending = buffer
                    return
                }
                guard buffer.readInteger(as: UInt16.self) == 0x0D0A else { throw Malformed() }
                phase = .chunkSize
            case .untilClose:
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            }
        }
    }

    /// Keeps up to `bodyLimit` bytes of the body, from the next `count` readable bytes of `buffer`.
    private mutating func keep(_ buffer: ByteBuffer, _ count: Int) {
        guard bodyLimit > summary.body.count else { return }
        summary.body += buffer.readableBytesView.prefix(min(count, bodyLimit - summary.body.count))
    }

    /// The connection closed: the response whose body runs to the end of the connection is complete now.
    mutating func endOfStream() -> ResponseSummary? {
        guard case .untilClose = phase else { return nil }
        phase = .head
        return summary
    }

    /// Whether part of a response has been read and not completed.
    var midResponse: Bool {
        if case .head = phase { return pending != nil }
        return true
    }

    /// Parses the status line and the headers that matter, and remembers how the body is framed.
    private mutating func readHead(_ head: ByteBufferView) throws(Malformed) {
        // "HTTP/1.1 200 OK"
        guard head.count >= 12, head.starts(with: "HTTP/1.".utf8) else { throw Malformed() }
        let start = head.startIndex
        var status = 0
        for index in (start + 9)..<(start + 12) {
            let digit = Int(head[index]) - 48
            guard (0...9).contains(digit) else { throw Malformed() }
            status = status * 10 + digit
        }
        summary = ResponseSummary(status: status, backend: nil)
        framing = (false, nil)
        var backendRank = Int.max
        var lineStart = head.firstIndex(of: 10).map { $0 + 1 } ?? head.endIndex
        while lineStart < head.endIndex {
            let lineEnd = head[lineStart...].firstIndex(of: 13) ?? head.endIndex
            let line = head[lineStart..<lineEnd]
            lineStart = lineEnd + 2
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = line[..<colon]
            var valueStart = colon + 1
            while valueStart < line.endIndex, line[valueStart] == 32 || line[valueStart] == 9 { valueStart += 1 }
            var valueEnd = line.endIndex
            while valueEnd > valueStart, line[valueEnd - 1] == 32 || line[valueEnd - 1] == 9 { valueEnd -= 1 }
            let value = line[valueStart..<valueEnd]
            if Self.equalsLowercased(name, Self.contentLength) {
                guard let length = Self.decimal(value) else { throw Malformed() }
                framing.length = length
            } else if Self.equalsLowercased(name, Self.transferEncoding) {
                framing.chunked = Self.lowercasedSuffix(value, is: "chunked")
            } else if let rank = backendHeaders.firstIndex(where: { Self.equalsLowercased(name, $0) }), rank < backendRank {
                backendRank = rank
                summary.backend = String(decoding: value, as: UTF8.self)
            }
        }
    }

    /// Chooses how to read the body; returns the response when it has none.
    private mutating func bodyPhase() -> ResponseSummary? {
        let status = summary.status
        if (100..<200).contains(status) && status != 101 {
            // An interim response: the real one follows.
            phase = .head
            return nil
        }
        if awaitingHead || status == 204 || status == 304 || status == 101 {
            phase = .head
        } else if framing.chunked {
            phase = .chunkSize
            return nil
        } else if let length = framing.length {
            phase = length > 0 ? .fixed(length) : .head
            if length > 0 { return nil }
        } else {
            phase = .untilClose
            return nil
        }
        return summary
    }

    // MARK: byte helpers

    /// Length of the readable bytes before the first CRLF CRLF.
    static func find(crlfcrlf buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            guard bytes.count >= 4 else { return nil }
            var i = 0
            while i + 3 < bytes.count {
                if bytes[i + 3] != 10 {
                    i += 1
                    continue
                }
                if bytes[i] == 13, bytes[i + 1] == 10, bytes[i + 2] == 13 { return i }
                i += 1
            }
            return nil
        }
    }

    /// Length of the readable bytes before the first CRLF.
    static func find(crlf buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            guard bytes.count >= 2 else { return nil }
            for i in 0..<(bytes.count - 1) where bytes[i] == 13 && bytes[i + 1] == 10 { return i }
            return nil
        }
    }

    static func equalsLowercased(_ bytes: ByteBufferView.SubSequence, _ lowercase: some Collection<UInt8>) -> Bool {
        guard bytes.count == lowercase.count else { return false }
        return zip(bytes, lowercase).allSatisfy { byte, expected in ((65...90).contains(byte) ? byte | 0x20 : byte) == expected }
    }

    static func lowercasedSuffix(_ bytes: ByteBufferView.SubSequence, is lowercase: String) -> Bool {
        let suffix = Array(lowercase.utf8)
        guard bytes.count >= suffix.count else { return false }
        return equalsLowercased(bytes.suffix(suffix.count), suffix)
    }

    static func decimal(_ bytes: ByteBufferView.SubSequence) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    static func chunkSize(_ line: ByteBufferView.SubSequence) throws(Malformed) -> Int {
        var value = 0
        var digits = 0
        for byte in line {
            let digit: Int
            switch byte {
            case 48...57: digit = Int(byte - 48)
            case 97...102: digit = Int(byte - 87)
            case 65...70: digit = Int(byte - 55)
            case UInt8(ascii: ";"), 32, 9:
                guard digits > 0 else { throw Malformed() }
                return value
            default: throw Malformed()
            }
            digits += 1
            guard digits <= 15 else { throw Malformed() }
            value = value * 16 + digit
        }
        guard digits > 0 else { throw Malformed() }
        return value
    }
}
