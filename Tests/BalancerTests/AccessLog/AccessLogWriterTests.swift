@testable import Balancer
import BalancerConfig
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Testing

@Suite("Access log writer")
struct AccessLogWriterTests {
    static let quiet = Logger(label: "evenkeel.test") { _ in SwiftLogNoOpLogHandler() }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-access-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func record(_ n: Int) -> AccessLogRecord {
        AccessLogRecord(
            time: UTCTimestamp(millisecondsSince1970: 0), client: "127.0.0.1", head: nil, status: 200, bytesSent: n, pool: "web",
            backend: "a", attempts: 1, upstreamTime: nil, duration: nil, requestID: ByteBuffer(string: "r\(n)"), outcome: .relayed)
    }

    /// The buffer of one event loop of the test.
    static let loop = EmbeddedEventLoop()

    func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Waits up to 5 s for `condition` (the writer writes on its own queue, at most `flushDelay` after a line).
    func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func linesReachTheFileSoonAfterTheyAreAppended() async throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("access.log").path
        let writer = AccessLogWriter(logger: Self.quiet)
        try writer.open(path: path)
        for n in 0..<3 { writer.append(record(n), format: .text, to: writer.shard(for: Self.loop)) }
        try await eventually { lines(path).count == 3 }
        #expect(lines(path).enumerated().allSatisfy { n, line in line.hasSuffix("pool=web backend=a attempts=1 upstream=- duration=- outcome=relayed id=r\(n)") })
        #expect(writer.linesWritten == 3)
        #expect(writer.linesDropped == 0)
        writer.close()
    }

    @Test func eachEventLoopHasItsOwnBufferAndAllReachTheFile() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("access.log").path
        let writer = AccessLogWriter(capacity: 1000, flushDelay: .seconds(60), logger: Self.quiet)
        try writer.open(path: path)
        let other = EmbeddedEventLoop()
        #expect(writer.shard(for: Self.loop) === writer.shard(for: Self.loop))
        #expect(writer.shard(for: Self.loop) !== writer.shard(for: other))
        writer.withWritesHeld {
            // Each buffer takes about ten lines before it is full; the drops of both are counted.
            for n in 0..<20 {
                writer.append(record(n), format: .text, to: writer.shard(for: Self.loop))
                writer.append(record(100 + n), format: .text, to: writer.shard(for: other))
            }
        }
        writer.close()
        let written = lines(path)
        #expect(written.filter { $0.hasSuffix("id=r1") }.count == 1)
        #expect(written.filter { $0.hasSuffix("id=r101") }.count == 1)
        #expect(written.count + writer.linesDropped == 40)
        #expect(written.count >= 18)
    }

    @Test func closingWritesWhatIsWaiting() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("access.log").path
        let writer = AccessLogWriter(flushDelay: .seconds(60), logger: Self.quiet)
        try writer.open(path: path)
        writer.append(record(1), format: .json, to: writer.shard(for: Self.loop))
        #expect(lines(path).isEmpty)
        writer.close()
        #expect(lines(path).count == 1)
        #expect(!writer.isOpen)
    }

    @Test func aFullBufferDropsAndCountsLinesInsteadOfGrowing() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("access.log").path
        // Room for about ten lines of about 100 bytes.
        let writer = AccessLogWriter(capacity: 1000, logger: Self.quiet)
        try writer.open(path: path)
        writer.withWritesHeld {
            for n in 0..<50 { writer.append(record(n), format: .text, to: writer.shard(for: Self.loop)) }
        }
        writer.close()
        let written = lines(path)
        #expect((9...11).contains(written.count))
        #expect(writer.linesDropped == 50 - written.count)
        #expect(writer.linesWritten == written.count)
        // The lines kept are the first ones, whole.
        #expect(written.enumerated().allSatisfy { n, line in line.hasSuffix("id=r\(n)") })
    }

    @Test func openingAgainMovesToTheFileNowAtThePath() async throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("access.log").path
        let rotated = dir.appendingPathComponent("access.log.1").path
        let writer = AccessLogWriter(logger: Self.quiet)
        try writer.open(path: path)
        writer.append(record(1), format: .text, to: writer.shard(for: Self.loop))
        try FileManager.default.moveItem(atPath: path, toPath: rotated)
        // As logrotate does: move the file, then make the writer open the path again.
        try writer.open(path: path)
        writer.append(record(2), format: .text, to: writer.shard(for: Self.loop))
        writer.close()
        #expect(lines(rotated).count == 1 && lines(rotated)[0].hasSuffix("id=r1"))
        #expect(lines(path).count == 1 && lines(path)[0].hasSuffix("id=r2"))
    }

    @Test func aPathThatCannotBeOpenedIsRefusedAndTheOldFileKept() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("access.log").path
        let writer = AccessLogWriter(logger: Self.quiet)
        try writer.open(path: path)
        let missing = dir.appendingPathComponent("no-such-dir/access.log").path
        #expect(throws: AccessLogError.cannotOpen(path: missing, reason: "No such file or directory")) {
            try writer.open(path: missing)
        }
        #expect("\(AccessLogError.cannotOpen(path: missing, reason: "No such file or directory"))".contains("access_log.path"))
        writer.append(record(7), format: .text, to: writer.shard(for: Self.loop))
        writer.close()
        #expect(lines(path).count == 1)
    }
}
