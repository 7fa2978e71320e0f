import AsyncHTTPClient
import EvenkeelTestSupport
import Foundation
import NIOPosix
import Synchronization
import Testing
@testable import Watch

@Suite struct NginxLogLineTests {
    @Test func aLineGivesTheClientPathStatusAndEachUpstreamAttempt() throws {
        let line = try #require(NginxLogLine(#"203.0.113.9 [2026-12-04T14:00:00+00:00] "GET /jobs/7?x=1 HTTP/1.1" 200 127.0.0.1:9001, 127.0.0.1:9002 502, 200 0.004, 0.010"#))
        #expect(line.client == "203.0.113.9")
        #expect(line.path == "/jobs/7")
        #expect(line.status == 200)
        #expect(line.attempts.map(\.address) == ["127.0.0.1:9001", "127.0.0.1:9002"])
        #expect(line.attempts.map(\.status) == [502, 200])
        #expect(line.attempts.map(\.seconds) == [0.004, 0.010])
    }

    @Test func aFailedConnectionAndAnAnswerFromNginxItselfAreKept() throws {
        let failed = try #require(NginxLogLine(#"10.0.0.1 [t] "POST /api HTTP/1.1" 502 127.0.0.1:9003 - 0.001"#))
        #expect(failed.attempts.first?.status == nil)
        let local = try #require(NginxLogLine(#"10.0.0.1 [t] "GET /healthz HTTP/1.1" 204 - - -"#))
        #expect(local.attempts.isEmpty)
    }

    @Test func linesInAnotherFormatAreNotRead() {
        #expect(NginxLogLine(#"127.0.0.1 - - [04/Dec/2026:14:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl""#) == nil)
        #expect(NginxLogLine("garbage") == nil)
        #expect(NginxLogLine("") == nil)
    }

    static func line(_ upstream: String, status: Int = 200, client: String = "10.0.0.1") -> String {
        #"\#(client) [2026-12-04T14:00:00+00:00] "GET /jobs HTTP/1.1" \#(status) \#(upstream) \#(status) 0.005"# + "\n"
    }

    @Test func theLogIsFollowedAsItGrowsAndAcrossRotationAndTruncation() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nginx-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("access.log").path
        try (Self.line("127.0.0.1:9001") + Self.line("127.0.0.1:9002") + "not a line\n" + Self.line("127.0.0.1:9001").dropLast())
            .write(toFile: path, atomically: false, encoding: .utf8)
        let source = NginxLogSource(path: path)
        var pool = try #require(try await source.read(timeout: .seconds(1)).pools.first)
        #expect(pool.backends.map(\.requests) == [1, 1], "the last line is not finished yet")
        #expect(pool.backends.map(\.expectedShare) == [0.5, 0.5])
        #expect(source.unreadableLines == 1)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(("\n" + Self.line("127.0.0.1:9002", status: 503)).utf8))
        try handle.close()
        pool = try #require(try await source.read(timeout: .seconds(1)).pools.first)
        #expect(pool.backends.map(\.requests) == [2, 2])
        #expect(pool.backends.map(\.errors5xx) == [0, 1])
        // Rotation: the file moves away and a new one takes its place; counting goes on from the new one's start.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try Self.line("127.0.0.1:9003").write(toFile: path, atomically: false, encoding: .utf8)
        pool = try #require(try await source.read(timeout: .seconds(1)).pools.first)
        #expect(pool.backends.map(\.requests) == [2, 2, 1])
        // Truncation (copytruncate): shorter than what was read, so what comes next is read from the start.
        try "".write(toFile: path, atomically: false, encoding: .utf8)
        _ = try await source.read(timeout: .seconds(1))
        try Self.line("127.0.0.1:9003").write(toFile: path, atomically: false, encoding: .utf8)
        pool = try #require(try await source.read(timeout: .seconds(1)).pools.first)
        #expect(pool.backends.map(\.requests) == [2, 2, 2])
        #expect(pool.sources?.clients["10.0.0.1"] == 6)
        try FileManager.default.removeItem(atPath: path)
        await #expect(throws: SourceError.self) { try await source.read(timeout: .seconds(1)) }
    }
}

extension WatchEndToEnd {
    /// Watch following a real nginx's access log in front of backends that misbehave on cue.
    @Suite(.timeLimit(.minutes(2)))
    struct NginxLogSourceTests {
        @Test func aFailingServerBehindNginxIsBackendErrors() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let program = try #require(
                ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) },
                "nginx is needed: apt-get install nginx-light (scripts/test installs it)")
            var backends: [KnobBackend] = []
            for name in ["a", "b", "c"] { backends.append(try await KnobBackend.start(name)) }
            let proxyPort = RunningBalancer.freePort()
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nginx-watch-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let log = folder.appendingPathComponent("access.log").path
            let config = """
                daemon off;
                pid \(folder.path)/nginx.pid;
                error_log \(folder.path)/error.log;
                worker_processes 1;
                events { worker_connections 256; }
                http {
                    log_format evenkeel '$remote_addr [$time_iso8601] "$request" $status $upstream_addr $upstream_status $upstream_response_time';
                    access_log \(log) evenkeel;
                    upstream web {
                \(backends.map { "        server 127.0.0.1:\($0.port) max_fails=0;" }.joined(separator: "\n"))
                    }
                    server {
                        listen 127.0.0.1:\(proxyPort);
                        location / { proxy_pass http://web; proxy_next_upstream off; }
                    }
                }

                """
            let file = folder.appendingPathComponent("nginx.conf")
            try config.write(to: file, atomically: true, encoding: .utf8)
            let nginx = try await RunningBalancer.start(
                program: program, arguments: ["-p", folder.path, "-e", "\(folder.path)/error.log", "-c", file.path], folder: folder, waitingFor: proxyPort)
            defer { nginx.stop() }

            let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
            let store = try IncidentStore(path: ":memory:")
            let engine = WatchEngine(
                settings: WatchFixture.settings([]), sources: [NginxLogSource(path: log)],
                tracker: try await IncidentTracker(store: store, confirmations: 2, resolveAfter: 2), metrics: WatchMetrics(), logger: WatchFixture.quiet)
            let tasks = [
                Task { await engine.run() },
                Task { await WatchFixture.drive(client: client, url: "http://127.0.0.1:\(proxyPort)/", rate: 25) },
            ]
            try await Task.sleep(for: .seconds(3))
            let pool = try #require(await engine.status()["nginx"], "the log's upstreams are a pool")
            #expect(Set(pool.signals.backends.map(\.name)) == Set(backends.map { "127.0.0.1:\($0.port)" }))
            backends[2].knobs.withLock { $0.failEvery = 4 }
            var found: Incident?
            for _ in 0..<150 where found == nil {
                found = try await store.incidents(states: [.open]).first { $0.diagnosis == .backendErrors }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(found?.backends == ["127.0.0.1:\(backends[2].port)"], "\(String(describing: found))")
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }
            for backend in backends { await backend.stop() }
            try await client.shutdown()
        }
    }
}
