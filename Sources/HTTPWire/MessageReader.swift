import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cuts the bytes of one connection into HTTP/1.1 messages: a head, then body bytes, then the end of the message.
///
/// Bytes are fed as they arrive and events are pulled one at a time, so a message behind the current one
/// (pipelining) simply waits in the reader's buffer until the proxy asks for it. Body events are slices of the
/// bytes read (no copy). A chunked body passes through as it came, framing included, while the reader checks
/// the framing and counts the data; with `dechunk` set only the data comes out (for an HTTP/1.0 client).
/// LoadGen reads the responses it measures with this reader too, so both judge a message by the same rules.
package struct MessageReader {
    package enum Event {
        /// A complete head, from the start line through the empty line that ends it.
        case head(ByteBuffer)
        /// Body bytes to pass on.
        case body(ByteBuffer)
        /// The message is complete.
        case end
    }

    private enum Phase {
        case head
        /// A head was returned; waiting for ``startBody(_:)``.
        case awaitingFraming
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(bytes: Int)
        case untilClose
        /// The body is complete; `.end` is next.
        case complete
    }

    /// Largest head accepted; also bounds the trailer section.
    package var maxHeadBytes: Int
    /// Pass only the data of a chunked body, without its framing.
    package var dechunk = false
    /// Data bytes of the current message's body so far.
    package private(set) var bodyDataBytes = 0
    private var phase = Phase.head
    private var buffer: ByteBuffer?
    /// How far the search for the end of a partial head has got, so a slow head is not rescanned from the start.
    private var headScanned = 0

    /// Largest chunk-size line accepted, extensions included.
    package static let maxChunkLineBytes = 4096

    package init(maxHeadBytes: Int) {
        self.maxHeadBytes = maxHeadBytes
    }

    /// Adds bytes read from the connection.
    package mutating func feed(_ incoming: ByteBuffer) {
        // Taken out of `buffer`, not copied, so appending finds its storage uniquely held and does not copy it.
        if var buffered = buffer.take(), buffered.readableBytes > 0 {
            var incoming = incoming
            buffered.writeBuffer(&incoming)
            buffer = buffered
        } else {
            buffer = incoming
        }
    }

    /// Whether bytes are waiting to be read.
    package var hasBufferedBytes: Bool { (buffer?.readableBytes ?? 0) > 0 }

    /// Whether the reader is between messages: no part of one has been read.
    package var isAtMessageBoundary: Bool {
        if case .head = phase { return !hasBufferedBytes }
        return false
    }

    /// Sets how the body of the head just returned is framed.
    package mutating func startBody(_ framing: BodyFraming) {
        bodyDataBytes = 0
        switch framing {
        case .length(let length): phase = length > 0 ? .fixed(remaining: length) : .complete
        case .chunked: phase = .chunkSize
        case .untilClose: phase = .untilClose
        }
    }

    /// The connection closed: a body that runs until the close is complete.
    package mutating func endOfStream() -> Bool {
        guard case .untilClose = phase else { return false }
        phase = .head
        return true
    }

    /// Hands over the bytes buffered past the last event, unparsed, and empties the reader: after a switch of
    /// protocols (`101`) they belong to the new protocol.
    package mutating func takeBuffered() -> ByteBuffer? {
        defer { buffer = nil }
        guard let buffer, buffer.readableBytes > 0 else { return nil }
        return buffer
    }

    /// Drops everything buffered (the connection is being closed).
    package mutating func discardBuffered() {
        buffer = nil
    }

    /// The next event, or nil when more bytes are needed (or the framing of a head has not been set yet).
    package mutating func next() throws(WireError) -> Event? {
        switch phase {
        case .awaitingFraming:
            return nil
        case .complete:
            phase = .head
            return .end
        case .head:
            return try nextHead()
        case .fixed(let remaining):
            guard var bytes = buffer.take(), bytes.readableBytes > 0 else { return nil }
            let take = min(remaining, bytes.readableBytes)
            bodyDataBytes += take
            phase = take == remaining ? .complete : .fixed(remaining: remaining - take)
            // All that is buffered belongs to the body (the usual case): handed on whole, not sliced.
            guard take < bytes.readableBytes else { return .body(bytes) }
            let slice = bytes.readSlice(length: take)!
            buffer = bytes
            return .body(slice)
        case .untilClose:
            guard let bytes = buffer.take(), bytes.readableBytes > 0 else { return nil }
            bodyDataBytes += bytes.readableBytes
            return .body(bytes)
        case .chunkSize, .chunkData, .chunkDataEnd, .trailers:
            return try nextChunked()
        }
    }

    private mutating func nextHead() throws(WireError) -> Event? {
        guard var bytes = buffer.take(), bytes.readableBytes > 0 else { return nil }
        let limit = maxHeadBytes
        let scanned = headScanned
        let found: Int?
        do {
            found = try bytes.withUnsafeReadableBytes { raw throws(WireError) in try Self.headLength(raw, from: scanned, limit: limit) }
        } catch {
            buffer = bytes  // left as it was
            throw error
        }
        guard let length = found else {
            // Resume at the start of the last, unfinished line (its LF has not arrived).
            headScanned = bytes.withUnsafeReadableBytes { raw in
                var start = raw.count
                while start > 0, raw[start - 1] != WireBytes.lf { start -= 1 }
                return start
            }
            buffer = bytes
            if bytes.readableBytes > limit { throw .headTooLarge(limit: limit) }
            return nil
        }
        headScanned = 0
        var head: ByteBuffer
        if length == bytes.readableBytes {
            // Nothing behind the head (no body, nothing pipelined): handed on whole, not sliced.
            head = bytes
        } else {
            head = bytes.readSlice(length: length)!
            buffer = bytes
        }
        // Leading CRLFs (allowed between pipelined requests) are not part of the head.
        while head.readableBytes >= 2, head.getInteger(at: head.readerIndex, as: UInt16.self) == 0x0D0A {
            head.moveReaderIndex(forwardBy: 2)
        }
        if head.readableBytes < 4 {
            return try nextHead()
        }
        phase = .awaitingFraming
        return .head(head)
    }

    /// The length of the head at the start of `raw`, through the empty line that ends it; nil while that line has not
    /// arrived. The search resumes at `from`, the start of the first line not yet seen whole.
    private static func headLength(_ raw: UnsafeRawBufferPointer, from: Int, limit: Int) throws(WireError) -> Int? {
        // From line end to line end (memchr finds each LF); the head ends at the first empty line. Empty lines
        // before a request line are ignored (RFC 9112 §2.2); skipped ones count toward the limit.
        guard let base = raw.baseAddress else { return nil }
        var index = from
        while index < raw.count, let hit = memchr(base + index, Int32(WireBytes.lf), raw.count - index) {
            let lf = base.distance(to: UnsafeRawPointer(hit))
            guard lf > 0, raw[lf - 1] == WireBytes.cr else { throw .bareLineFeed(line: Self.lineNumber(raw, lf)) }
            if lf + 1 > limit { throw .headTooLarge(limit: limit) }
            if lf >= 3, raw[lf - 2] == WireBytes.lf, raw[lf - 3] == WireBytes.cr { return lf + 1 }
            index = lf + 1
        }
        return nil
    }

    private static func lineNumber(_ raw: UnsafeRawBufferPointer, _ index: Int) -> Int {
        var line = 0
        for i in 0..<index where raw[i] == WireBytes.lf { line += 1 }
        return line
    }

    /// Chunked framing. Passing through, it reads as far as the bytes go and returns them as one slice; dechunking,
    /// it returns each run of data on its own.
    private mutating func nextChunked() throws(WireError) -> Event? {
        guard var bytes = buffer, bytes.readableBytes > 0 else { return nil }
        // Slices can only be taken of readable bytes, so the pass-through slice is cut from the buffer as it was.
        let unread = bytes
        let start = bytes.readerIndex
        var dataSlice: ByteBuffer?
        loop: while bytes.readableBytes > 0 {
            switch phase {
            case .chunkSize:
                guard let lineLength = try Self.lineLength(bytes, else: .malformedChunk) else {
                    if bytes.readableBytes > Self.maxChunkLineBytes { throw .malformedChunk }
                    break loop
                }
                let size = try bytes.withUnsafeReadableBytes { raw throws(WireError) in try Self.chunkSize(raw, lineLength) }
                bytes.moveReaderIndex(forwardBy: lineLength + 2)
                phase = size == 0 ? .trailers(bytes: 0) : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let take = min(remaining, bytes.readableBytes)
                bodyDataBytes += take
                phase = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
                if dechunk {
                    dataSlice = bytes.readSlice(length: take)
                    break loop
                }
                bytes.moveReaderIndex(forwardBy: take)
            case .chunkDataEnd:
                guard bytes.readableBytes >= 2 else { break loop }
                guard bytes.readInteger(as: UInt16.self) == 0x0D0A else { throw .malformedChunk }
                phase = .chunkSize
            case .trailers(let seen):
                guard let lineLength = try Self.lineLength(bytes, else: .malformedTrailers) else {
                    if seen + bytes.readableBytes > maxHeadBytes { throw .malformedTrailers }
                    break loop
                }
                guard seen + lineLength + 2 <= maxHeadBytes else { throw .malformedTrailers }
                if lineLength > 0 {
                    let valid = bytes.withUnsafeReadableBytes { raw in
                        var i = 0
                        while i < lineLength, WireBytes.isTokenChar(raw[i]) { i += 1 }
                        guard i > 0, i < lineLength, raw[i] == WireBytes.colon else { return false }
                        return raw[(i + 1)..<lineLength].allSatisfy(WireBytes.isValueChar)
                    }
                    guard valid else { throw .malformedTrailers }
                }
                bytes.moveReaderIndex(forwardBy: lineLength + 2)
                phase = lineLength == 0 ? .complete : .trailers(bytes: seen + lineLength + 2)
                if lineLength == 0 { break loop }
            default:
                break loop
            }
        }
        let consumed = bytes.readerIndex - start
        let passed = consumed > 0 && !dechunk ? unread.getSlice(at: start, length: consumed) : nil
        buffer = bytes
        if let dataSlice { return .body(dataSlice) }
        if let passed { return .body(passed) }
        if case .complete = phase { return try next() }
        // Only framing was consumed (dechunking), or nothing: go on while bytes remain, else wait for more.
        return consumed > 0 && bytes.readableBytes > 0 ? try nextChunked() : nil
    }

    /// Length of the readable bytes before the first CRLF, nil if there is none yet; `fault` if a CR or LF
    /// stands alone.
    private static func lineLength(_ bytes: ByteBuffer, else fault: WireError) throws(WireError) -> Int? {
        try bytes.withUnsafeReadableBytes { raw throws(WireError) in
            for i in 0..<raw.count where raw[i] == WireBytes.cr || raw[i] == WireBytes.lf {
                guard raw[i] == WireBytes.cr else { throw fault }
                guard i + 1 < raw.count else { return nil }
                guard raw[i + 1] == WireBytes.lf else { throw fault }
                return i
            }
            return nil
        }
    }

    /// The size of a chunk from its size line: hex digits, then optionally `;` extensions (RFC 9112 §7.1.1).
    private static func chunkSize(_ raw: UnsafeRawBufferPointer, _ length: Int) throws(WireError) -> Int {
        var value = 0
        var index = 0
        while index < length {
            let byte = raw[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                guard index > 0 else { throw .malformedChunk }
                // Extensions: optional spaces, then `;` and visible characters.
                var rest = index
                while rest < length, raw[rest] == WireBytes.space || raw[rest] == WireBytes.tab { rest += 1 }
                guard rest == length || raw[rest] == UInt8(ascii: ";") else { throw .malformedChunk }
                guard raw[rest..<length].allSatisfy(WireBytes.isValueChar) else { throw .malformedChunk }
                return value
            }
            guard index < 15 else { throw .malformedChunk }
            value = value * 16 + Int(digit)
            index += 1
        }
        guard index > 0 else { throw .malformedChunk }
        return value
    }
}
