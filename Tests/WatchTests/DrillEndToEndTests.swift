import Drill
import Foundation
import Logging
import Testing

extension WatchEndToEnd {
    /// The postmortem's outage as a drill, short: `skew-hash` is caught, named and announced; `clean` raises nothing.
    /// Real `evenkeel serve` replicas (the executable built beside the tests), the balancer, load and Watch.
    @Suite(.timeLimit(.minutes(3)))
    struct DrillEndToEndTests {
        static func runner() -> DrillRunner {
            var settings = DrillSettings()
            settings.warmSeconds = 25
            settings.faultSeconds = 20
            settings.cleanSeconds = 30
            settings.resolveSeconds = 45
            settings.seedJobs = 200
            // Through the HTTPS edge, as the site's traffic comes: the load is HTTP/1.1 over TLS to the balancer.
            settings.tls = true
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("evenkeel")
            return DrillRunner(
                settings: settings, executable: executable,
                folder: FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-drill-test-\(UUID().uuidString)"),
                logger: Logger(label: "evenkeel.drill.test") { _ in SwiftLogNoOpLogHandler() })
        }

        @Test func theOutageOfThePostmortemIsCaughtNamedAndAnnouncedAndACleanRunRaisesNothing() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let runner = Self.runner()
            defer { try? FileManager.default.removeItem(at: runner.folder) }
            let results = try await runner.run([.skewHash, .clean])
            let skew = try #require(results.first { $0.scenario == .skewHash })
            #expect(skew.passed, "\(skew.problems)")
            #expect(skew.given == "config_skew")
            #expect(skew.configChange?.contains("consistent_hash(key: source_ip)") == true)
            #expect((skew.detectionSeconds ?? 99) < 10)
            #expect(skew.firstNotice("/noc") != nil && skew.firstNotice("/engineering") != nil)
            #expect(!skew.history.isEmpty)
            let clean = try #require(results.first { $0.scenario == .clean })
            #expect(clean.passed, "\(clean.problems)")
            #expect(clean.falseIncidents.isEmpty)
            let text = DrillReport.text(results)
            #expect(text.contains("2 of 2 scenarios passed"), "\(text)")
            #expect(DrillReport.html(results).contains("<svg"))
        }
    }
}
