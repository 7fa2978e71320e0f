import BalancerConfig
import Foundation
import Histogram
@testable import LoadGen
import Testing

@Suite("Thresholds, verdicts and reports")
struct VerdictTests {
    /// A report with the given figures; everything else empty.
    static func report(p99: Double = 120, errorRate: Double = 0.002, shareRatio: Double? = 1.05, rate: Double = 500) -> LoadReport {
        var latency = LoadReport.Latency(Recorder.histogram(digits: .three))
        latency.p99 = p99
        return LoadReport(
            model: "open", profile: "constant 500/s", durationSeconds: 10, scheduled: 5000, requests: 5000, achievedRate: rate,
            latency: latency, latencyByKind: [:], statuses: ["200": 4990, "503": 10], failures: [:], errorRate: errorRate,
            perSecond: [], backends: [], maxShareRatio: shareRatio, jainIndex: shareRatio.map { _ in 0.998 }, sendLagP99: 0.4,
            sendLagMax: 2)
    }

    @Test func thresholdsParseUnitsAndRejectNonsense() throws {
        #expect(try Threshold(parsing: "p99<250ms").limit == 250)
        #expect(try Threshold(parsing: "p99 < 1.5s").limit == 1500)
        #expect(try Threshold(parsing: "errors<1%").limit == 1)
        #expect(try Threshold(parsing: "share_ratio<=1.2").comparison == .lessOrEqual)
        #expect(try Threshold(parsing: "p99.9<1s").metric == .p999)
        #expect(throws: ThresholdError.self) { try Threshold(parsing: "latency<5ms") }
        #expect(throws: ThresholdError.self) { try Threshold(parsing: "p99 5ms") }
        #expect(throws: ThresholdError.self) { try Threshold(parsing: "p99<fast") }
    }

    @Test func allThresholdsHoldingExitsZero() throws {
        let thresholds = try ["p99<250ms", "errors<1%", "share_ratio<1.2", "rate>=450"].map { try Threshold(parsing: $0) }
        let verdict = LoadVerdict(report: Self.report(), thresholds: thresholds)
        #expect(verdict.broken.isEmpty)
        #expect(verdict.exitCode == .passed)
        #expect(verdict.exitCode.rawValue == 0)
        #expect(LoadVerdict(report: Self.report(), thresholds: []).exitCode == .passed)
    }

    @Test func aBrokenThresholdExitsOneAndSaysByHowMuch() throws {
        let thresholds = try ["p99<250ms", "errors<1%", "share_ratio<1.2"].map { try Threshold(parsing: $0) }
        let verdict = LoadVerdict(report: Self.report(p99: 312.5, shareRatio: 1.5), thresholds: thresholds)
        #expect(verdict.exitCode == .thresholdBroken)
        #expect(verdict.exitCode.rawValue == 1)
        #expect(verdict.broken.map(\.threshold) == ["p99<250ms", "share_ratio<1.2"])
        #expect(verdict.results[0].description == "p99<250ms: BROKEN, measured 312.5 ms, 62.5 ms (25%) over the limit 250 ms")
        #expect(verdict.results[1].description == "errors<1%: ok (0.2%)")
        #expect(verdict.results[2].excess == 0.30000000000000004 || abs(verdict.results[2].excess - 0.3) < 1e-9)

        var report = Self.report(p99: 312.5, shareRatio: 1.5)
        report.thresholds = verdict.results
        let summary = SummaryText.render(report)
        #expect(summary.contains("p99<250ms: BROKEN, measured 312.5 ms, 62.5 ms (25%) over the limit 250 ms"))
        #expect(summary.contains("share_ratio<1.2: BROKEN"))
    }

    @Test func anUnmeasuredMetricBreaksItsThreshold() throws {
        let verdict = LoadVerdict(report: Self.report(shareRatio: nil), thresholds: [try Threshold(parsing: "share_ratio<1.2")])
        #expect(verdict.exitCode == .thresholdBroken)
        #expect(verdict.results[0].description.contains("not measured"))
    }

    @Test func usageErrorsHaveTheirOwnExitCode() {
        #expect(LoadVerdict.ExitCode.usage.rawValue == 64)
        #expect(Set([LoadVerdict.ExitCode.passed, .thresholdBroken, .usage].map(\.rawValue)).count == 3)
    }

    @Test func expectedSharesUseTheBackendNamesTheBalancerSends() throws {
        let config = try BalancerConfigLoader.parse(yaml: """
            backend_header: X-Served-By
            pools:
              - name: api
                path_prefix: /api
                backends:
                  - { name: api1, address: 127.0.0.1:9001 }
              - name: web
                path_prefix: /
                backends:
                  - { name: web1, address: 127.0.0.1:9002, weight: 3 }
                  - { name: web2, address: 127.0.0.1:9003 }
                  - { name: spare, address: 127.0.0.1:9004, backup: true }
            """)
        let shares = try ExpectedShares(config: config)
        #expect(shares.header == "X-Served-By")
        #expect(shares.weights == ["web1": 3, "web2": 1])
        #expect(try ExpectedShares(config: config, path: "/api/v1/jobs").weights == ["api1": 1])
    }

    @Test func theJSONReportCarriesTheSeriesTheLagAndTheVerdict() throws {
        var report = Self.report(shareRatio: .infinity)
        report.perSecond = [
            .init(second: 0, target: 500, sent: 498, completed: 497, p50: 1, p90: 2, p99: 3, errors: 2, failures: ["timeout": 1],
                  statusClasses: ["2xx": 496, "5xx": 1], sendLagMax: 0.7)
        ]
        report.thresholds = LoadVerdict(report: report, thresholds: [try Threshold(parsing: "p99<250ms")]).results
        let json = try #require(String(data: try report.jsonData(), encoding: .utf8))
        for key in ["\"send_lag_p99_ms\"", "\"send_lag_max_ms\"", "\"per_second\"", "\"status_classes\"", "\"timeout\"", "\"target\" : 500",
                    "\"max_share_ratio\" : \"inf\"", "\"holds\" : true", "\"excess\""] {
            #expect(json.contains(key), "missing \(key)")
        }
    }

    @Test func theHTMLReportIsSelfContainedWithCharts() throws {
        var report = Self.report(p99: 300)
        report.perSecond = (0..<5).map { second in
            .init(second: second, target: 500, sent: 490 + second, completed: 490, p50: 1, p90: 5, p99: 9, errors: second == 2 ? 3 : 0,
                  failures: second == 2 ? ["reset": 3] : [:], statusClasses: ["2xx": 490], sendLagMax: 0.5)
        }
        report.backends = [.init(name: "app<1>", responses: 60, share: 0.6, intendedShare: 0.5), .init(name: "app2", responses: 40, share: 0.4, intendedShare: 0.5)]
        report.thresholds = LoadVerdict(report: report, thresholds: [try Threshold(parsing: "p99<250ms")]).results
        let html = HTMLReport.render(report, target: "http://127.0.0.1:8080")
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 4)
        #expect(!html.contains("<script"))
        #expect(!html.contains("src=\"http"))
        #expect(!html.contains("href=\"http"))
        #expect(html.contains("FAIL: 1 of 1 threshold broken."))
        #expect(html.contains("app&lt;1&gt;"))
        #expect(html.contains("Send lag"))
    }
}
