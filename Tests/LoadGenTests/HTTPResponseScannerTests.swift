import NIOCore
@testable import LoadGen
import Testing

@Suite("Reading HTTP/1.1 responses from raw bytes")
struct HTTPResponseScannerTests {
    /// Feeds `text` split into pieces of `piece` bytes and returns the responses read.
    func scan(_ text: String, piece: Int, head: Bool = false, headers: [String] = ["X-Evenkeel-Backend", "X-Evenkeel-Replica"]) throws -> [ResponseSummary] {
        var scanner = HTTPResponseScanner(backendHeaders: headers)
        scanner.awaitingHead = head
        var responses: [ResponseSummary] = []
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + piece)
            try scanner.feed(ByteBuffer(bytes: bytes[offset..<end])) { responses.append($0) }
            offset = end
        }
        if let last = scanner.endOfStream() { responses.append(last) }
        return responses
    }

    static let two = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\nX-Evenkeel-Backend: app1\r\n\r\nhello"
        + "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nx-evenkeel-replica: r2\r\n\r\n"
        + "4\r\nwiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\n"

    @Test(arguments: [1, 2, 3, 7, 64, 4096])
    func lengthAndChunkedBodiesAreSkippedInAnySplit(piece: Int) throws {
        let responses = try scan(Self.two, piece: piece)
        #expect(responses.map(\.status) == [200, 503])
        #expect(responses.map(\.backend) == ["app1", "r2"])
    }

    @Test func theFirstBackendHeaderWinsOverTheFallback() throws {
        let text = "HTTP/1.1 200 OK\r\nX-Evenkeel-Replica: replica-1\r\nX-Evenkeel-Backend: app2\r\nContent-Length: 0\r\n\r\n"
        #expect(try scan(text, piece: 4096).map(\.backend) == ["app2"])
    }

    @Test func bodilessResponsesEndAtTheirHead() throws {
        #expect(try scan("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", piece: 4096, head: true).map(\.status) == [200])
        #expect(try scan("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n", piece: 5).map(\.status) == [204, 304])
        // An interim 100 Continue is not the answer.
        #expect(try scan("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", piece: 3).map(\.status) == [201])
    }

    @Test func aBodyWithoutLengthEndsWithTheConnection() throws {
        var scanner = HTTPResponseScanner(backendHeaders: [])
        var responses: [ResponseSummary] = []
        try scanner.feed(ByteBuffer(string: "HTTP/1.0 200 OK\r\n\r\nsome body")) { responses.append($0) }
        #expect(responses.isEmpty)
        #expect(scanner.endOfStream()?.status == 200)
    }

    @Test func aResponseTheBalancerWouldRefuseIsMalformedAndSaysWhy() {
        func fault(_ text: String) -> String? {
            do {
                _ = try scan(text, piece: 4096)
                return nil
            } catch {
                return (error as? HTTPResponseScanner.Malformed)?.description
            }
        }
        #expect(fault("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nok")
            == "malformed response: both Content-Length and Transfer-Encoding are present")
        #expect(fault("HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n")
            == "malformed response: header line 1 is not 'name: value' (or is folded)")
        #expect(fault("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n") == "malformed response: line 0 of the head ends in LF without CR")
    }

    @Test(arguments: [1, 5, 4096])
    func keptBodiesAreTheDataWithoutChunkFraming(piece: Int) throws {
        var scanner = HTTPResponseScanner(backendHeaders: [])
        scanner.bodyLimit = 8
        var responses: [ResponseSummary] = []
        let bytes = Array(Self.two.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + piece)
            try scanner.feed(ByteBuffer(bytes: bytes[offset..<end])) { responses.append($0) }
            offset = end
        }
        #expect(responses.map { String(decoding: $0.body, as: UTF8.self) } == ["hello", "wikipedi"])
    }

    @Test func garbageIsMalformed() {
        #expect(throws: HTTPResponseScanner.Malformed.self) { try scan("SSH-2.0-OpenSSH\r\n\r\n", piece: 4096) }
        #expect(throws: HTTPResponseScanner.Malformed.self) { try scan("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", piece: 4096) }
        #expect(throws: HTTPResponseScanner.Malformed.self) {
            try scan("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", piece: 4096)
        }
    }

    @Test func requestsAreEncodedAsHTTP11() {
        let request = RequestSpec(kind: "k", method: "POST", path: "/a?b=c", headers: [("Content-Type", "application/json")], body: "{}")
        let bytes = request.encoded(host: "h:1", allocator: ByteBufferAllocator())
        #expect(String(buffer: bytes) == "POST /a?b=c HTTP/1.1\r\nHost: h:1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
    }
}
