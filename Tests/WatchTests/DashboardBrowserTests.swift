import Cluster
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Watch

extension WatchEndToEnd {
    /// The dashboard in a real browser (headless Chromium from Debian's packages): it renders the pools and incidents,
    /// and redraws itself as Watch polls, over Server-Sent Events.
    @Suite(.timeLimit(.minutes(2)))
    struct DashboardBrowserTests {
        static func chromium() -> String? {
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        }

        static func arguments(profile: URL) -> [String] {
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(profile.path)"]
        }

        /// The page's DOM once Chromium has loaded it.
        static func dumpDOM(_ url: String, chromium: String) async throws -> String {
            let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: profile) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: chromium)
            process.arguments = arguments(profile: profile) + ["--timeout=10000", "--dump-dom", url]
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("dom-\(UUID().uuidString).html")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: output) }
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = FileHandle.nullDevice
            try process.run()
            while process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            return try String(contentsOf: output, encoding: .utf8)
        }

        @Test func theDashboardRendersThePoolAndUpdatesLiveInChromium() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let chromium = try #require(Self.chromium(), "chromium is needed: apt-get install chromium (scripts/test installs it)")
            let fixture = try await WatchFixture()
            let metrics = WatchMetrics()
            let router = WatchRouter.build(engine: fixture.engine, store: fixture.store, metrics: metrics)
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            // Until Watch has signals for the pool (a few polls; longer on a busy machine).
            for _ in 0..<200 where await fixture.engine.status()["web"] == nil { try await Task.sleep(for: .milliseconds(100)) }
            try await app.test(.live) { client in
                let url = "http://127.0.0.1:\(try #require(client.port))/"
                // What the page shows once loaded.
                let dom = try await Self.dumpDOM(url, chromium: chromium)
                #expect(dom.contains("Evenkeel Watch"), "\(dom.prefix(500))")
                #expect(dom.contains("Pool web"))
                #expect(dom.contains("<svg"), "the charts are drawn")
                // Left open, the page subscribes to /events and fetches a redraw after each poll.
                let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: profile) }
                let browser = Process()
                browser.executableURL = URL(fileURLWithPath: chromium)
                browser.arguments = Self.arguments(profile: profile) + ["--remote-debugging-port=0", url]
                browser.standardOutput = FileHandle.nullDevice
                browser.standardError = FileHandle.nullDevice
                try browser.run()
                defer {
                    // Its exit is waited for on a Dispatch thread, not on one of the test's cooperative ones.
                    browser.terminate()
                    Task { await browser.ended() }
                }
                var refreshes = 0
                for _ in 0..<200 where refreshes < 3 {
                    try await Task.sleep(for: .milliseconds(100))
                    refreshes = Self.value(of: "evenkeel_watch_dashboard_refreshes_total", in: metrics.render())
                }
                #expect(refreshes >= 3, "the page redrew itself on Server-Sent Events \(refreshes) times")
                #expect(Self.value(of: "evenkeel_watch_live_dashboards", in: metrics.render()) == 1)
            }
            await fixture.stop()
        }

        /// A metric's value in Prometheus text, 0 when absent.
        static func value(of name: String, in text: String) -> Int {
            for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
                return Int(Double(line.split(separator: " ").last ?? "0") ?? 0)
            }
            return 0
        }
    }
}
