import AsyncHTTPClient
import BalancerAPI
import EvenkeelTestSupport
import Foundation
import NIOPosix
import Synchronization
import Testing
@testable import Watch

@Suite struct HAProxyStatsTests {
    static let header = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,"

    /// A CSV row for server `name` of proxy `proxy` with the given counters.
    static func row(_ proxy: String, _ name: String, status: String = "UP", weight: Int = 1, backup: Bool = false, lbtot: Int, h5xx: Int = 0, econ: Int = 0, scur: Int = 0, qcur: Int = 0, rtime: Int = 3) -> String {
        var fields = Array(repeating: "", count: header.split(separator: ",", omittingEmptySubsequences: false).count)
        let names = header.dropFirst(2).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func set(_ key: String, _ value: String) { fields[names.firstIndex(of: key)!] = value }
        set("pxname", proxy); set("svname", name); set("status", status); set("weight", "\(weight)"); set("bck", backup ? "1" : "0")
        set("lbtot", "\(lbtot)"); set("hrsp_5xx", "\(h5xx)"); set("econ", "\(econ)"); set("scur", "\(scur)"); set("qcur", "\(qcur)"); set("rtime", "\(rtime)")
        return fields.dropLast().joined(separator: ",")
    }

    @Test func serversBecomeBackendsWithExpectedSharesFromWeightsAndStatus() throws {
        let csv = [
            Self.header,
            Self.row("fe", "FRONTEND", status: "OPEN", lbtot: 0),
            Self.row("web", "a", weight: 1, lbtot: 100, h5xx: 2, rtime: 4),
            Self.row("web", "b", status: "UP 1/3", weight: 3, lbtot: 300),
            Self.row("web", "c", status: "DOWN", weight: 1, lbtot: 7, econ: 5),
            Self.row("web", "spare", weight: 1, backup: true, lbtot: 0),
            Self.row("web", "BACKEND", lbtot: 407, qcur: 4),
        ].joined(separator: "\n") + "\n"
        let pools = try HAProxyStats.parse(csv)
        #expect(pools.map(\.name) == ["web"])
        let web = pools[0]
        #expect(web.queueDepth == 4)
        #expect(web.backends.map(\.name) == ["a", "b", "c", "spare"])
        #expect(web.backends.map(\.state) == [.healthy, .healthy, .down, .healthy])
        #expect(web.backends.map(\.expectedShare) == [0.25, 0.75, 0, 0], "down and backup servers are meant to get nothing")
        #expect(web.backends[0].requests == 100)
        #expect(web.backends[0].errors5xx == 2)
        #expect(web.backends[2].connectErrors == 5)
        #expect(web.backends[0].reportedLatency == 4)
    }

    @Test func somethingElseThanHAProxysCSVIsRefusedWithTheReason() {
        #expect(throws: HAProxyStats.Malformed(description: "the first line is not HAProxy's CSV header ('# pxname,svname,…')")) {
            try HAProxyStats.parse("<html>stats</html>")
        }
        #expect(throws: HAProxyStats.Malformed(description: "the header has no 'lbtot' column")) {
            try HAProxyStats.parse("# pxname,svname,status,weight,bck,hrsp_5xx,econ,scur,qcur,rtime\n")
        }
        #expect(throws: HAProxyStats.Malformed.self) { try HAProxyStats.parse(Self.header + "\nweb,a\n") }
    }

    @Test func aReplacedConfigurationFileIsAChangeWithItsDiffAndFindings() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("haproxy-\(UUID().uuidString).cfg").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let before = "defaults\n  mode http\nbackend web\n  balance roundrobin\n  server a 127.0.0.1:9001 check\n  server b 127.0.0.1:9002 check\n"
        try before.write(toFile: path, atomically: true, encoding: .utf8)
        let kept = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-kept-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: kept) }
        let source = ConfigFileSource(path: path, keepFolder: kept)
        #expect(try await source.read(timeout: .seconds(1)).changes.isEmpty, "the first read learns the file")
        #expect(try await source.read(timeout: .seconds(1)).changes.isEmpty, "an unchanged file is no change")
        try before.replacingOccurrences(of: "balance roundrobin", with: "balance source").write(toFile: path, atomically: true, encoding: .utf8)
        let change = try #require(try await source.read(timeout: .seconds(1)).changes.first)
        #expect(change.source == path)
        #expect(change.diff.contains("-balance roundrobin +balance source"), "\(change.diff)")
        #expect(change.diff.contains("ConfigCheck: EK108"), "ConfigCheck's warning about hashing on the client address: \(change.diff)")
        // The text before is kept, and the incident says how to put it back with HAProxy's own tooling.
        let copy = try #require(change.previousCopy)
        #expect(try String(contentsOfFile: copy, encoding: .utf8) == before)
        #expect(!change.isOnBalancer)
        #expect(change.restoreCommand == "cp \(copy) \(path) && haproxy -c -f \(path) && systemctl reload haproxy")
        try FileManager.default.removeItem(atPath: path)
        await #expect(throws: SourceError.self) { try await source.read(timeout: .seconds(1)) }
    }
}

extension WatchEndToEnd {
    /// Watch reading a real HAProxy's CSV statistics in front of backends that misbehave on cue.
    @Suite(.timeLimit(.minutes(2)))
    struct HAProxySourceTests {
        static func haproxy() -> String? {
            ["/usr/sbin/haproxy", "/usr/bin/haproxy"].first { FileManager.default.isExecutableFile(atPath: $0) }
        }

        @Test func aFailingServerBehindHAProxyIsBackendErrors() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let program = try #require(Self.haproxy(), "haproxy is needed: apt-get install haproxy (scripts/test installs it)")
            var backends: [KnobBackend] = []
            for name in ["a", "b", "c"] { backends.append(try await KnobBackend.start(name)) }
            let proxyPort = RunningBalancer.freePort(), statsPort = RunningBalancer.freePort()
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("haproxy-watch-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let config = """
                global
                  maxconn 256
                defaults
                  mode http
                  timeout connect 2s
                  timeout client 10s
                  timeout server 10s
                frontend site
                  bind 127.0.0.1:\(proxyPort)
                  default_backend web
                backend web
                  balance roundrobin
                \(backends.map { "  server \($0.name) 127.0.0.1:\($0.port)" }.joined(separator: "\n"))
                listen stats
                  bind 127.0.0.1:\(statsPort)
                  stats enable
                  stats uri /stats

                """
            let file = folder.appendingPathComponent("haproxy.cfg")
            try config.write(to: file, atomically: true, encoding: .utf8)
            let haproxy = try await RunningBalancer.start(program: program, arguments: ["-f", file.path, "-db"], folder: folder, waitingFor: statsPort)
            defer { haproxy.stop() }

            let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
            let store = try IncidentStore(path: ":memory:")
            let url = "http://127.0.0.1:\(statsPort)/stats;csv"
            var settings = WatchFixture.settings([])
            settings.haproxy = [url]
            let engine = WatchEngine(
                settings: settings, sources: [HAProxySource(url: url, client: client)],
                tracker: try await IncidentTracker(store: store, confirmations: 2, resolveAfter: 2), metrics: WatchMetrics(), logger: WatchFixture.quiet)
            let tasks = [
                Task { await engine.run() },
                Task { await WatchFixture.drive(client: client, url: "http://127.0.0.1:\(proxyPort)/", rate: 25) },
            ]
            try await Task.sleep(for: .seconds(3))
            let status = await engine.status()
            let web = try #require(status["web"], "the HAProxy backend 'web' is a pool: \(status.keys)")
            #expect(web.signals.backends.map(\.name) == ["a", "b", "c"])
            #expect(web.signals.rate > 10)
            #expect(!status.keys.contains("stats"), "a proxy without servers is no pool")

            backends[2].knobs.withLock { $0.failEvery = 4 }
            var found: Incident?
            for _ in 0..<150 where found == nil {
                found = try await store.incidents(states: [.open]).first { $0.diagnosis == .backendErrors }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(found?.backends == ["c"], "\(String(describing: found))")
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }
            for backend in backends { await backend.stop() }
            try await client.shutdown()
        }
    }
}
