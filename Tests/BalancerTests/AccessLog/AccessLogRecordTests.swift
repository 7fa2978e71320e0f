@testable import Balancer
import BalancerConfig
import Foundation
import HTTPWire
import NIOCore
import Testing

@Suite("Access log lines")
struct AccessLogRecordTests {
    func record(_ request: String, status: Int = 200, outcome: AccessLogRecord.Outcome = .relayed) throws -> AccessLogRecord {
        AccessLogRecord(
            time: UTCTimestamp(millisecondsSince1970: 1_795_684_443_512), client: "10.0.0.7",
            head: try RequestHead(ByteBuffer(string: request)), status: status, bytesSent: 5120, pool: "web", backend: "app2",
            attempts: 2, upstreamTime: .microseconds(412), duration: .microseconds(1_000_530), requestID: ByteBuffer(string: "abc123"), outcome: outcome)
    }

    func line(_ record: AccessLogRecord, _ format: AccessLogConfig.Format) -> String {
        var bytes: [UInt8] = []
        record.write(format, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func timestampsAreISO8601InUTCWithMilliseconds() {
        #expect(UTCTimestamp(millisecondsSince1970: 0).text == "1970-01-01T00:00:00.000Z")
        #expect(UTCTimestamp(millisecondsSince1970: 951_782_400_000).text == "2000-02-29T00:00:00.000Z")
        #expect(UTCTimestamp(millisecondsSince1970: 1_795_684_443_512).text == "2026-11-26T09:14:03.512Z")
        #expect(UTCTimestamp(millisecondsSince1970: 4_107_542_399_999).text == "2100-02-28T23:59:59.999Z")
        #expect(UTCTimestamp(millisecondsSince1970: 4_107_542_400_000).text == "2100-03-01T00:00:00.000Z")
        // A clock outside 1970–9999 still gives a well-formed time.
        #expect(UTCTimestamp(millisecondsSince1970: -5).text == "1970-01-01T00:00:00.000Z")
        #expect(UTCTimestamp(millisecondsSince1970: .max).text == "9999-12-31T23:59:59.999Z")
    }

    @Test func everyDayOfFourHundredYearsMatchesFoundationsCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for day in stride(from: Int64(0), to: 146_097 + 11_000, by: 37) {
            let milliseconds = day * 86_400_000 + 45_296_789
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            let expected = String(format: "%04d-%02d-%02dT12:34:56.789Z", c.year!, c.month!, c.day!)
            #expect(UTCTimestamp(millisecondsSince1970: milliseconds).text == expected)
        }
    }

    @Test func eachOutcomeIsWrittenAsItsName() throws {
        for outcome in AccessLogRecord.Outcome.allCases {
            #expect(line(try record("GET / HTTP/1.0\r\n\r\n", outcome: outcome), .text).contains(" outcome=\(outcome.rawValue) "))
        }
    }

    @Test func aTextLineHasTheRequestAndThePlacesItWent() throws {
        let text = line(try record("GET /jobs?q=swift HTTP/1.1\r\nHost: x\r\n\r\n"), .text)
        #expect(
            text == "2026-11-26T09:14:03.512Z 10.0.0.7 \"GET /jobs?q=swift HTTP/1.1\" 200 5120 pool=web backend=app2 attempts=2 "
                + "upstream=0.000412 duration=1.000530 outcome=relayed id=abc123\n")
    }

    @Test func aRequestWithoutAHeadIsWrittenWithDashes() {
        var r = AccessLogRecord(
            time: UTCTimestamp(millisecondsSince1970: 0), client: nil, head: nil, status: 400, bytesSent: 0, pool: nil, backend: nil,
            attempts: 0, upstreamTime: nil, duration: nil, requestID: nil, outcome: .local)
        #expect(line(r, .text) == "1970-01-01T00:00:00.000Z - \"-\" 400 0 pool=- backend=- attempts=0 upstream=- duration=- outcome=local id=-\n")
        r.status = 431
        let json = try? JSONSerialization.jsonObject(with: Data(line(r, .json).utf8)) as? [String: Any]
        #expect(json?["method"] is NSNull)
        #expect(json?["upstream_seconds"] is NSNull)
        #expect(json?["status"] as? Int == 431)
    }

    @Test func aJSONLineIsOneObjectWithEveryField() throws {
        let text = line(try record("POST /api/applications HTTP/1.0\r\nHost: x\r\n\r\n", status: 502, outcome: .local), .json)
        #expect(text.hasSuffix("}\n") && text.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2026-11-26T09:14:03.512Z")
        #expect(object["client"] as? String == "10.0.0.7")
        #expect(object["method"] as? String == "POST")
        #expect(object["target"] as? String == "/api/applications")
        #expect(object["protocol"] as? String == "HTTP/1.0")
        #expect(object["status"] as? Int == 502)
        #expect(object["bytes"] as? Int == 5120)
        #expect(object["pool"] as? String == "web")
        #expect(object["backend"] as? String == "app2")
        #expect(object["attempts"] as? Int == 2)
        #expect(object["upstream_seconds"] as? Double == 0.000412)
        #expect(object["duration_seconds"] as? Double == 1.00053)
        #expect(object["outcome"] as? String == "local")
        #expect(object["request_id"] as? String == "abc123")
    }

    /// A target may carry bytes the parser lets through (`"`, `\`, bytes past ASCII): none of them may end a field,
    /// a string or the line.
    @Test func hostileTargetBytesCannotForgeAFieldOrALine() throws {
        let request = Array("GET /a\"b\\c".utf8) + [0xFF, 0xC3, 0x28] + Array("?x=\" HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let head = try RequestHead(ByteBuffer(bytes: request))
        var r = try record("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        r.head = head
        let text = line(r, .text)
        #expect(text.contains("\"GET /a\\x22b\\x5cc\\xff\\xc3(?x=\\x22 HTTP/1.1\""))
        #expect(text.filter { $0 == "\"" }.count == 2)
        let json = line(r, .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["target"] as? String == "/a\"b\\c\u{FF}\u{C3}(?x=\"")
    }
}
