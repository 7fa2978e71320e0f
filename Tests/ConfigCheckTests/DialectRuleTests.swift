import BalancerConfig
import ConfigCheck
import Foundation
import Testing

@Suite("HAProxy and nginx configurations: each rule fires on its failure and stays quiet on a close, sound config")
struct DialectRuleTests {
    @Test(arguments: DialectCases.all)
    func ruleFiresOnlyWhereItShould(_ example: DialectCase) throws {
        let findings = try example.findings()
        if example.rule == "any" {
            #expect(findings == [], "a sound configuration has no findings")
            return
        }
        let matching = findings.filter { $0.rule == example.rule }
        if example.fires {
            #expect(!matching.isEmpty, "expected \(example.rule); got \(findings.map(\.rule))")
            if let severity = example.severity { #expect(matching.first?.severity == severity) }
            for finding in matching {
                #expect(finding.line >= 1 && finding.line <= example.text.split(separator: "\n", omittingEmptySubsequences: false).count)
            }
        } else {
            #expect(matching.isEmpty, "unexpected \(matching.map(\.description))")
        }
    }

    @Test func haproxyWeightOutlierNamesTheShareAndTheServerLine() throws {
        let text = DialectCases.haproxy.with { $0.servers[2] = "server app3 10.0.0.3:8080 weight 100" }
        let finding = try #require(try text.findings().first { $0.rule == "EK101" })
        #expect(finding.message == "app3 will receive ~83% of requests in pool web: weight 100 vs 10 for the others")
        let line = text.text.split(separator: "\n", omittingEmptySubsequences: false)[finding.line - 1]
        #expect(line.contains("server app3"))
    }

    @Test func nginxIPHashIsJudgedBehindANAT() throws {
        let text = DialectCases.nginx.with { $0.upstream = ["ip_hash;"] }
        let finding = try #require(try text.findings().first { $0.rule == "EK108" })
        #expect(finding.message.contains("/24 network"))
        #expect(finding.message.contains("with 5 client addresses"))
        #expect(finding.hint.contains("ip_hash"))
    }

    @Test func simulationFollowsEachBalancersScheme() throws {
        let config = try CheckedConfig.parse(
            DialectCases.haproxy.with { $0.backend[0] = "balance roundrobin"; $0.servers[0] = "server app1 10.0.0.1:8080 weight 20" }.text,
            file: "h.cfg", dialect: .haproxy)
        let split = DistributionSimulator(traffic: TrafficModel(requests: 4_000)).simulate(config.pools[0])
        #expect(split.servers.map(\.expectedShare) == [0.5, 0.25, 0.25])
        let constant = try CheckedConfig.parse(DialectCases.nginx.with { $0.upstream = ["hash static;"] }.text, file: "n.conf", dialect: .nginx)
        #expect(DistributionSimulator().simulate(constant.pools[0]).maxExpectedShare == 1)
    }

    @Test func haproxyReadsDefaultsFrontendsAndListenSections() throws {
        let text = """
            global
                maxconn 3000
            defaults
                mode http
                timeout connect 5s
                balance leastconn
                default-server check inter 3s rise 3 fall 2 slowstart 1m
            frontend www
                bind :80
                use_backend api if { path_beg /api }
                default_backend web
            backend web
                server w1 10.1.0.1:80
                server w2 10.1.0.2:80 weight 2 backup
            backend api
                balance source
                hash-type consistent
                server a1 [fd00::1]:8080 maxconn 30
            listen stats
                bind :8404
                server s1 10.1.0.9:8404 disabled
            """
        let config = try CheckedConfig.parse(text, file: "h.cfg")
        #expect(config.dialect == .haproxy)
        #expect(config.pools.map(\.name) == ["web", "api", "stats"])
        #expect(config.pools[0].algorithm == .leastConnections)
        #expect(config.pools[0].activeHealth == ActiveHealthCheck(interval: .seconds(3), rise: 3, fall: 2, line: 7))
        #expect(config.pools[0].slowStart == .seconds(60))
        #expect(config.pools[0].servers[1].backup && config.pools[0].servers[1].weight == 2)
        #expect(config.pools[1].algorithm == .hash(HashPolicy(key: .sourceIP, placement: .ring(pointsPerWeight: 16))))
        #expect(config.pools[1].servers[0].host == "fd00::1" && config.pools[1].servers[0].port == 8080)
        #expect(config.pools[1].servers[0].maxConnections == 30)
        #expect(config.pools[2].servers[0].down)
        #expect(config.frontends.map(\.name) == ["frontend www", "listen stats"])
        #expect(config.frontends[0].pools == ["api", "web"])
        #expect(config.frontends[0].maxConnections == 3000 && config.frontends[0].maxConnectionsLine == 2)
    }

    @Test func nginxReadsUpstreamsAndTheServersThatUseThem() throws {
        let text = """
            upstream app {
                least_conn;
                server 10.2.0.1:9000 weight=3 max_conns=50;
                server [fd00::2]:9000 backup;
                server unix:/run/app.sock down;
                server app.internal resolve;
            }
            server {
                listen 80;
                location /api/ { proxy_pass http://app/v1/; proxy_next_upstream error http_503 non_idempotent; }
                location ~ "\\.(png|jpg)$" { root /srv; }
                set $target "${host}x";
            }
            """
        let config = try CheckedConfig.parse(text, file: "conf.d/app.conf")
        #expect(config.dialect == .nginx)
        let pool = try #require(config.pools.first)
        #expect(pool.algorithm == .leastConnections)
        #expect(pool.servers.map(\.host) == ["10.2.0.1", "fd00::2", "unix:/run/app.sock", "app.internal"])
        #expect(pool.servers[0].weight == 3 && pool.servers[0].maxConnections == 50)
        #expect(pool.servers[1].backup && pool.servers[2].down && pool.servers[3].resolvedAtRuntime)
        #expect(pool.servers[3].port == 80)
        #expect(pool.retry?.includesNonIdempotent == true && pool.retry?.line == 10)
        #expect(config.frontends.first?.pools == ["app"])
        #expect(config.frontends.first?.maxConnections == nil, "a conf.d part does not say how many connections nginx accepts")
    }

    @Test func dialectIsDetectedFromContent() {
        #expect(Dialect.detect(in: DialectCases.haproxy.text) == .haproxy)
        #expect(Dialect.detect(in: DialectCases.nginx.text) == .nginx)
        #expect(Dialect.detect(in: "upstream a { server 10.0.0.1; }\n") == .nginx)
        #expect(Dialect.detect(in: ConfigText().yaml) == .evenkeel)
        #expect(Dialect.detect(in: "hello\n") == nil)
    }

    @Test func undetectableTextIsAnErrorThatSaysWhatWasExpected() {
        #expect {
            _ = try CheckedConfig.parse("just words\n", file: "x.conf")
        } throws: { error in
            "\(error)".hasPrefix("x.conf:1:1: cannot tell which balancer") && "\(error)".contains("--dialect")
        }
    }
}

@Suite("HAProxy and nginx syntax errors name file, line and column")
struct DialectErrorTests {
    static func message(_ text: String, _ dialect: Dialect) -> String? {
        do {
            _ = try CheckedConfig.parse(text, file: "f", dialect: dialect)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func haproxyErrors() {
        #expect(Self.message("backend web\n    server a 10.0.0.1:80 weight abc\n", .haproxy)
            == "f:2:33: invalid value 'abc' for 'weight'; expected a whole number from 0 to 256")
        #expect(Self.message("backend web\n    server a 10.0.0.1:80 weight 300\n", .haproxy)?.hasPrefix("f:2:33: invalid value '300'") == true)
        #expect(Self.message("backend web\n  balance fastest\n", .haproxy)?.hasPrefix("f:2:11: invalid value 'fastest' for 'balance'; expected one of roundrobin") == true)
        #expect(Self.message("    server a 10.0.0.1:80\n", .haproxy)?.hasPrefix("f:1:5: 'server' is outside any section") == true)
        #expect(Self.message("backend web\n    http-request set-header X \"unterminated\n", .haproxy)?.hasPrefix("f:2:31: unterminated quote") == true)
        #expect(Self.message("backend web\n    server a\n", .haproxy)?.hasPrefix("f:2:13: 'server' is incomplete; expected a server name and an address") == true)
        #expect(Self.message("backend web\n    timeout queue soon\n", .haproxy)?.hasPrefix("f:2:19: invalid value 'soon' for 'timeout queue'") == true)
        #expect(Self.message("backend web\n    server a 10.0.0.1:80 weight\n", .haproxy) == "f:2:26: server parameter 'weight' needs a value after it")
    }

    @Test func nginxErrors() {
        #expect(Self.message("upstream a {\n    server 10.0.0.1:80\n}\n", .nginx)?.hasPrefix("f:2:5: 'server' is not ended; expected ';' before '}'") == true)
        #expect(Self.message("http {\n  upstream a {\n    server 10.0.0.1:80;\n", .nginx)?.hasPrefix("f:2:3: the 'upstream' block opened here is not closed") == true)
        #expect(Self.message("upstream a { server 10.0.0.1:80; }\n}\n", .nginx)?.hasPrefix("f:2:1: unexpected '}'") == true)
        #expect(Self.message("upstream a { server 10.0.0.1:80 weight=heavy; }\n", .nginx)
            == "f:1:33: invalid value 'heavy' for 'weight'; expected a whole number, 1 or more")
        #expect(Self.message("upstream a { server 10.0.0.1:80 wieght=2; }\n", .nginx)?.hasPrefix("f:1:33: invalid value 'wieght=2' for 'server'") == true)
        #expect(Self.message("upstream a { server 10.0.0.1:80; }\nserver { return 200 \"open;\n}\n", .nginx)?.hasPrefix("f:2:21: unterminated quote") == true)
        #expect(Self.message("upstream a { server 10.0.0.1:80 }", .nginx)?.hasPrefix("f:1:14: 'server' is not ended") == true)
    }

    @Test(arguments: [Dialect.haproxy, Dialect.nginx])
    func randomAndTruncatedInputsNeverCrash(_ dialect: Dialect) {
        let valid = dialect == .haproxy ? DialectCases.haproxy.with { $0.backend.append("cookie S insert maxidle 1m") }.text : DialectCases.nginx.text
        var inputs: [String] = []
        for length in stride(from: 0, to: valid.count, by: 3) { inputs.append(String(valid.prefix(length))) }
        var random = SystemRandomNumberGenerator()
        let alphabet = Array(" \t\n{};#\"'\\=:[]()$0123456789abcdefghijklmnopqrstuvwxyz".utf8)
        for _ in 0..<400 {
            var bytes = Array(valid.utf8)
            for _ in 0..<Int.random(in: 1...10, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = alphabet.randomElement(using: &random)!
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet.randomElement(using: &random)!, at: position)
                }
            }
            inputs.append(String(decoding: bytes, as: UTF8.self))
        }
        var errors = 0
        var parsed = 0
        for input in inputs {
            do {
                let config = try CheckedConfig.parse(input, file: "fuzz", dialect: dialect)
                _ = ConfigChecker(traffic: TrafficModel(clients: 100, requests: 500)).check(config)
                parsed += 1
            } catch let error as ConfigError {
                errors += 1
                #expect(error.location?.line ?? 0 >= 1, "\(error)")
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        #expect(errors > 0 && parsed > 0)
    }
}

@Suite("Walking folders")
struct FolderWalkTests {
    @Test func aFolderMixesDialectsAndPassesOverOtherYAML() throws {
        let folder = try RealBalancer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try DialectCases.haproxy.text.write(to: folder.appendingPathComponent("haproxy.cfg"), atomically: true, encoding: .utf8)
        try DialectCases.nginx.with { $0.upstream = ["ip_hash;"] }.text.write(to: folder.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        try ConfigText().yaml.write(to: folder.appendingPathComponent("evenkeel.yaml"), atomically: true, encoding: .utf8)
        try "name: smoke test\nrequests: []\n".write(to: folder.appendingPathComponent("scenario.yaml"), atomically: true, encoding: .utf8)
        // nginx's site files have no ending; other files are not read at all.
        let sites = folder.appendingPathComponent("sites-enabled")
        try FileManager.default.createDirectory(at: sites, withIntermediateDirectories: true)
        try "upstream api { server 10.9.0.1:80; server 10.9.0.1:80; }\n".write(to: sites.appendingPathComponent("default"), atomically: true, encoding: .utf8)
        try "not a configuration".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let report = try ConfigChecker().check(paths: [folder.path])
        #expect(report.pools.count == 4)
        #expect(Set(report.findings.map(\.rule)) == ["EK108", "EK117"])
        #expect(report.findings.first { $0.rule == "EK108" }?.file.hasSuffix("nginx.conf") == true)
        #expect(report.findings.first { $0.rule == "EK117" }?.file.hasSuffix("sites-enabled/default") == true)
        #expect(report.skipped.map { ($0 as NSString).lastPathComponent } == ["scenario.yaml"])
        // Named outright, a file that is no balancer configuration is an error.
        #expect(throws: ConfigError.self) { _ = try ConfigChecker().check(paths: [folder.appendingPathComponent("scenario.yaml").path]) }
    }
}
