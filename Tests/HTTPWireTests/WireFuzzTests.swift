@testable import HTTPWire
import Picking
import NIOCore
import Testing

/// Hostile bytes never crash the reader or the head parsers, and never make them spin: tens of thousands of
/// mutated requests and responses, fed in random pieces, each end in events or a ``WireError``. (Tests run in
/// debug builds, where every out-of-range byte access traps.)
@Suite("Mutated messages are refused or read, never crash")
struct WireFuzzTests {
    static let requests = [
        "GET /a?b=c HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-A\r\nX-A: 1\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.0\r\n\r\n",
        "PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: 1\r\n\r\n",
        "\r\nOPTIONS / HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\nx-forwarded-for: 1.2.3.4\r\n\r\n",
    ]
    static let responses = [
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 103 Early\r\nLink: <x>\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.0 404 Not Found\r\nConnection: close\r\n\r\nbody until close",
    ]
    static let alphabet = Array("\r\n :;,0123456789abcdefABCDEF-\t\u{0}\u{7f}xHTP/".utf8) + [0x80, 0xFF]

    /// Applies a few random byte edits: replace, insert, delete, or cut the tail.
    func mutate(_ text: String, _ random: inout SplitMix64) -> [UInt8] {
        var bytes = Array(text.utf8)
        for _ in 0...Int(random.next() % 3) {
            guard !bytes.isEmpty else { break }
            let at = Int(random.next() % UInt64(bytes.count))
            let byte = Self.alphabet[Int(random.next() % UInt64(Self.alphabet.count))]
            switch random.next() % 4 {
            case 0: bytes[at] = byte
            case 1: bytes.insert(byte, at: at)
            case 2: bytes.remove(at: at)
            default: bytes.removeSubrange(at...)
            }
        }
        return bytes
    }

    /// Reads `bytes` as a stream of requests (or responses), in random pieces; returns how many events came out
    /// and what they said (heads, body bytes, ends, and the refusal if any).
    func read(_ bytes: [UInt8], asResponses: Bool, dechunk: Bool, _ random: inout SplitMix64) -> (events: Int, transcript: String) {
        var reader = MessageReader(maxHeadBytes: 256)
        reader.dechunk = dechunk
        var events = 0
        var transcript = ""
        var rest = bytes[...]
        do {
            while !rest.isEmpty {
                let piece = rest.prefix(1 + Int(random.next() % 12))
                rest = rest.dropFirst(piece.count)
                reader.feed(ByteBuffer(bytes: piece))
                while let event = try reader.next() {
                    events += 1
                    #expect(events < 10_000, "the reader must make progress")
                    if events >= 10_000 { return (events, transcript) }
                    switch event {
                    case .head(let head): transcript += "[H]" + String(buffer: head)
                    case .body(let body): transcript += String(buffer: body)
                    case .end: transcript += "[E]"
                    }
                    if case .head(let head) = event {
                        if asResponses {
                            let response = try ResponseHead(head)
                            reader.startBody(response.isInterim ? .length(0) : response.bodyFraming(requestWasHEAD: false))
                        } else {
                            reader.startBody(try RequestHead(head).bodyFraming)
                        }
                    }
                }
            }
            _ = reader.endOfStream()
        } catch {
            #expect(error.status >= 400)
            transcript += "[\(error)]"
        }
        return (events, transcript)
    }

    @Test func mutatedRequestsAndResponsesNeverCrash() async {
        var random = SplitMix64(seed: 0x5EED)
        var read = 0
        for round in 0..<20_000 {
            // Seconds of CPU: give the shared cooperative threads back now and then, so the timing-sensitive tests
            // running beside this one (health checks, load tests) are not starved.
            if round % 500 == 0 { await Task.yield() }
            let asResponses = round % 3 == 2
            let seeds = asResponses ? Self.responses : Self.requests
            let bytes = mutate(seeds[round % seeds.count], &random)
            read += self.read(bytes, asResponses: asResponses, dechunk: random.next() % 2 == 0, &random).events
        }
        // Most mutations leave something readable: the fuzzing reaches past the first refusal.
        #expect(read > 20_000)
    }

    @Test func unmutatedMessagesReadTheSameInAnyPieces() {
        var random = SplitMix64(seed: 7)
        for text in Self.requests {
            let transcripts = Set((0..<50).map { _ in read(Array(text.utf8), asResponses: false, dechunk: false, &random).transcript })
            #expect(transcripts.count == 1, "\(text.debugDescription): \(transcripts)")
            #expect(transcripts.first?.contains("[E]") == true)
        }
    }
}
