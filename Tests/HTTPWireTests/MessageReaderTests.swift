@testable import HTTPWire
import NIOCore
import Testing

/// The reader cuts a connection's bytes into heads, body bytes and message ends, however the bytes are split
/// into reads, and refuses framing that could be read two ways.
@Suite("Reading HTTP/1.1 messages off the wire")
struct MessageReaderTests {
    /// Feeds `text` in pieces of `split` bytes and collects the events: "H:<head>", "B:<body>", "E".
    func events(_ text: String, split: Int = .max, dechunk: Bool = false, maxHeadBytes: Int = 8192) throws(WireError) -> [String] {
        var reader = MessageReader(maxHeadBytes: maxHeadBytes)
        reader.dechunk = dechunk
        var out: [String] = []
        var bytes = Array(text.utf8)[...]
        var body = ""
        while !bytes.isEmpty || reader.hasBufferedBytes {
            if !bytes.isEmpty {
                let piece = bytes.prefix(split)
                bytes = bytes.dropFirst(piece.count)
                reader.feed(ByteBuffer(bytes: piece))
            }
            while let event = try reader.next() {
                switch event {
                case .head(let head):
                    out.append("H:" + String(buffer: head))
                    let request = try RequestHead(head)
                    reader.startBody(request.bodyFraming)
                case .body(let bytes):
                    body += String(buffer: bytes)
                case .end:
                    if !body.isEmpty { out.append("B:" + body) }
                    body = ""
                    out.append("E")
                }
            }
            if bytes.isEmpty { break }
        }
        return out
    }

    @Test func contentLengthBodiesAndPipelinedRequestsComeOutInOrder() throws {
        let text = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
        let expected = [
            "H:POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n", "B:hello", "E", "H:GET /b HTTP/1.1\r\nHost: x\r\n\r\n", "E",
        ]
        for split in [1, 2, 3, 7, 1000] {
            #expect(try events(text, split: split) == expected, "split \(split)")
        }
    }

    @Test func chunkedBodyPassesThroughWithItsFramingAndEndsAtTheLastChunk() throws {
        let body = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-trailer: t\r\n\r\n"
        let text = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
        for split in [1, 4, 9, 1000] {
            let out = try events(text, split: split)
            #expect(out.count == 5, "split \(split): \(out)")
            #expect(out[1] == "B:" + body, "split \(split)")
            #expect(out[3].hasPrefix("H:GET /b"))
        }
    }

    @Test func dechunkingPassesOnlyTheData() throws {
        let text = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        for split in [1, 5, 1000] {
            #expect(try events(text, split: split, dechunk: true).dropFirst().elementsEqual(["B:hello world", "E"]), "split \(split)")
        }
    }

    @Test func bodyDataIsCountedWithoutFraming() throws {
        var reader = MessageReader(maxHeadBytes: 1024)
        reader.feed(ByteBuffer(string: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n3\r\nabc\r\n"))
        guard case .head = try reader.next() else { Issue.record("no head"); return }
        reader.startBody(.chunked)
        while try reader.next() != nil {}
        #expect(reader.bodyDataBytes == 13)
    }

    @Test(arguments: [
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", WireError.malformedChunk),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", WireError.malformedChunk),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\rhello\r\n0\r\n\r\n", WireError.malformedChunk),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", WireError.malformedChunk),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", WireError.malformedTrailers),
        ("GET / HTTP/1.1\nHost: x\r\n\r\n", WireError.bareLineFeed(line: 0)),
        ("GET / HTTP/1.1\r\nHost: x\n\n", WireError.bareLineFeed(line: 1)),
    ])
    func malformedFramingIsRefused(text: String, error: WireError) {
        #expect(throws: error) { _ = try events(text) }
    }

    @Test func aHeadLargerThanTheLimitIsRefusedBeforeItEnds() {
        let text = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "v", count: 3000)
        #expect(throws: WireError.headTooLarge(limit: 1024)) { _ = try events(text, split: 100, maxHeadBytes: 1024) }
    }

    @Test func aHeadThatEndsJustPastTheLimitIsRefused() throws {
        let head = "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + String(repeating: "v", count: 60) + "\r\n\r\n"
        #expect(try events(head, maxHeadBytes: head.utf8.count).count == 2)
        #expect(throws: WireError.headTooLarge(limit: head.utf8.count - 1)) { _ = try events(head, maxHeadBytes: head.utf8.count - 1) }
    }

    @Test func aRefusedHeadLeavesItsBytesInTheReader() {
        for (text, limit) in [("GET / HTTP/1.1\nHost: x\r\n\r\n", 1024), ("GET / HTTP/1.1\r\nX-Big: " + String(repeating: "v", count: 200), 64)] {
            var reader = MessageReader(maxHeadBytes: limit)
            reader.feed(ByteBuffer(string: text))
            #expect(throws: WireError.self) { _ = try reader.next() }
            #expect(reader.takeBuffered().map { String(buffer: $0) } == text)
        }
    }

    @Test func aWholeReadThatIsOneHeadThenOneBodyIsHandedOnWithoutLoss() throws {
        var reader = MessageReader(maxHeadBytes: 1024)
        reader.feed(ByteBuffer(string: "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"))
        guard case .head(let head) = try reader.next() else { Issue.record("no head"); return }
        #expect(String(buffer: head) == "GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(!reader.hasBufferedBytes)
        reader.startBody(.length(4))
        reader.feed(ByteBuffer(string: "ab"))
        reader.feed(ByteBuffer(string: "cd"))
        guard case .body(let body) = try reader.next() else { Issue.record("no body"); return }
        #expect(String(buffer: body) == "abcd")
        guard case .end = try reader.next() else { Issue.record("no end"); return }
        #expect(try reader.next() == nil)
    }

    @Test func emptyLinesBeforeARequestAreSkipped() throws {
        #expect(try events("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n") == ["H:GET / HTTP/1.1\r\nHost: x\r\n\r\n", "E"])
    }

    @Test func aBodyUntilCloseEndsAtEndOfStream() throws {
        var reader = MessageReader(maxHeadBytes: 1024)
        reader.feed(ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\nabc"))
        guard case .head(let bytes) = try reader.next() else { Issue.record("no head"); return }
        let head = try ResponseHead(bytes)
        #expect(head.bodyFraming(requestWasHEAD: false) == .untilClose)
        reader.startBody(.untilClose)
        guard case .body(let body) = try reader.next() else { Issue.record("no body"); return }
        #expect(String(buffer: body) == "abc")
        let more = try reader.next()
        #expect(more == nil)
        let ended = reader.endOfStream()
        #expect(ended)
    }
}

extension MessageReader.Event: Equatable {
    public static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case (.head(let x), .head(let y)), (.body(let x), .body(let y)): x == y
        case (.end, .end): true
        default: false
        }
    }
}
