import Drill
import Foundation
import Logging
import Testing

extension WatchEndToEnd {
    /// The postmortem's outage as a drill, short: `skew-hash` is caught, named and announced; `clean` raises nothing.
    /// Real `evenkeel serve` replicas (the executable built beside the tests), the balancer, load and Watch.
    @Suite(.timeLimit(.minutes(4)))
    struct DrillEndToEndTests {
        /// A short drill; over the HTTPS edge when `tls`, else over plain HTTP (`evenkeel drill` without `--tls`).
        static func runner(tls: Bool) -> DrillRunner {
            var settings = DrillSettings()
            settings.warmSeconds = 25
            settings.faultSeconds = 20
            settings.cleanSeconds = 30
            settings.resolveSeconds = 45
            settings.seedJobs = 200
            settings.tls = tls
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("evenkeel")
            return DrillRunner(
                settings: settings, executable: executable,
                folder: FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-drill-test-\(UUID().uuidString)"),
                logger: Logger(label: "evenkeel.drill.test") { _ in SwiftLogNoOpLogHandler() })
        }

        @Test func theOutageOverHTTPSIsCaughtNamedAndAnnouncedAndACleanRunOverPlainHTTPRaisesNothing() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            // The outage through the HTTPS edge, as the site's traffic comes: HTTP/1.1 over TLS to the balancer.
            let runner = Self.runner(tls: true)
            defer { try? FileManager.default.removeItem(at: runner.folder) }
            let skew = try #require(try await runner.run([.skewHash]).first)
            #expect(skew.scenario == .skewHash)
            #expect(skew.passed, "\(skew.problems)")
            #expect(skew.given == "config_skew")
            #expect(skew.configChange?.contains("consistent_hash(key: source_ip)") == true)
            #expect((skew.detectionSeconds ?? 99) < 10)
            #expect(skew.firstNotice("/noc") != nil && skew.firstNotice("/engineering") != nil)
            #expect(!skew.history.isEmpty)
            // The clean run on its own fleet over plain HTTP, the drill's default: the same fleet, load and Watch
            // without the edge, so neither path goes untried end to end.
            let plainRunner = Self.runner(tls: false)
            defer { try? FileManager.default.removeItem(at: plainRunner.folder) }
            let clean = try #require(try await plainRunner.run([.clean]).first)
            #expect(clean.scenario == .clean)
            #expect(clean.passed, "\(clean.problems)")
            #expect(clean.falseIncidents.isEmpty)
            let text = DrillReport.text([skew, clean])
            #expect(text.contains("2 of 2 scenarios passed"), "\(text)")
            #expect(DrillReport.html([skew, clean]).contains("<svg"))
        }
    }
}
