import Cluster
import Foundation
import Testing

extension WatchEndToEnd {
    /// `evenkeel up --tls` as a new user runs it, seen by a real browser: headless Chromium loads the site over HTTPS,
    /// and the balancer counts the connection as HTTP/2.
    @Suite(.timeLimit(.minutes(2)))
    struct UpOverHTTPSBrowserTests {
        @Test func upWithTLSServesTheSiteOverHTTP2ToChromium() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let chromium = try #require(DashboardBrowserTests.chromium(), "chromium is needed: apt-get install chromium (scripts/test installs it)")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-up-tls-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("evenkeel")
            let up = Process()
            up.executableURL = executable
            up.arguments = [
                "up", "--tls", "--directory", folder.path, "--seed-jobs", "60", "--replicas", "2", "--port", "0", "--admin-port", "0",
                "--watch-port", "0",
            ]
            let output = Pipe()
            up.standardOutput = output
            up.standardError = FileHandle.nullDevice
            try up.run()
            defer {
                up.terminate()
                Task { await up.ended() }
            }
            // The banner names the ports: "site:         https://127.0.0.1:PORT/ …" and "admin stats:  http://127.0.0.1:PORT/…".
            let handle = output.fileHandleForReading
            let banner = try await blockingWork { () -> String in
                let end = Data("Ctrl-C stops everything".utf8)
                return String(decoding: PipeReading.until(from: handle, deadline: .now + .seconds(90)) { $0.range(of: end) != nil }, as: UTF8.self)
            }
            func url(after label: String) -> String? {
                banner.split(separator: "\n").first { $0.contains(label) }?.split(separator: " ").first { $0.hasPrefix("http") }.map(String.init)
            }
            let site = try #require(url(after: "site:"), "no site line in: \(banner)")
            #expect(site.hasPrefix("https://127.0.0.1:"))
            let stats = try #require(url(after: "admin stats:"), "no admin line in: \(banner)")

            let profile = folder.appendingPathComponent("chromium-profile")
            let dump = try await ChildProgram.run(
                chromium,
                DashboardBrowserTests.arguments(profile: profile) + ["--ignore-certificate-errors", "--timeout=15000", "--dump-dom", site])
            #expect(dump.output.contains("Evenkeel Jobs"), "the job board's page: \(dump.output.prefix(400))")
            #expect(dump.output.contains("Find a job"))

            let metrics = try await ChildProgram.run("/usr/bin/curl", ["-s", stats.replacingOccurrences(of: "/admin/stats", with: "/metrics")])
            let h2 = metrics.output.split(separator: "\n").first { $0.hasPrefix(#"evenkeel_tls_connections_total{protocol="h2"}"#) }
            #expect(h2.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0 >= 1, "Chromium spoke HTTP/2: \(h2 ?? "no line")")
        }
    }
}
