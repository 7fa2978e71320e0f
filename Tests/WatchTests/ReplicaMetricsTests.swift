import Foundation
import Testing
@testable import Watch

@Suite struct ReplicaMetricsTests {
    static let text = """
        # HELP evenkeel_http_requests_total HTTP requests answered.
        # TYPE evenkeel_http_requests_total counter
        evenkeel_http_requests_total{method="GET",route="/jobs",status="200"} 90
        evenkeel_http_requests_total{method="POST",route="/api/v1/jobs/{id}/applications",status="503"} 10
        # TYPE evenkeel_http_request_duration_seconds histogram
        evenkeel_http_request_duration_seconds_bucket{method="GET",route="/jobs",le="0.005"} 80
        evenkeel_http_request_duration_seconds_bucket{method="GET",route="/jobs",le="0.25"} 90
        evenkeel_http_request_duration_seconds_bucket{method="GET",route="/jobs",le="+Inf"} 90
        evenkeel_http_request_duration_seconds_bucket{method="POST",route="/x",le="0.005"} 0
        evenkeel_http_request_duration_seconds_bucket{method="POST",route="/x",le="0.25"} 9
        evenkeel_http_request_duration_seconds_bucket{method="POST",route="/x",le="+Inf"} 10
        evenkeel_db_operations_in_flight 0

        """

    @Test func theTextFormatIsReadWithEscapesInfinitiesAndTimestamps() throws {
        let samples = try PrometheusText.parse(#"a{path="/x\"y\\z\n",code="200"} 3 1700000000000"# + "\nb +Inf\nc NaN\n  # comment\nd{} -Inf\n")
        #expect(samples.count == 4)
        #expect(samples[0].labels == ["path": "/x\"y\\z\n", "code": "200"])
        #expect(samples[0].value == 3)
        #expect(samples[1].value == .infinity)
        #expect(samples[2].value.isNaN)
        #expect(samples[3].value == -.infinity)
    }

    @Test func malformedLinesAreRefusedWithTheirNumber() {
        #expect(throws: PrometheusText.Malformed(line: 2, reason: "'abc' is not a number")) { try PrometheusText.parse("a 1\nb abc\n") }
        #expect(throws: PrometheusText.Malformed.self) { try PrometheusText.parse(#"a{x="1} 2"#) }
        #expect(throws: PrometheusText.Malformed.self) { try PrometheusText.parse("<html>") }
        #expect(throws: PrometheusText.Malformed.self) { try PrometheusText.parse("a 1 2 3") }
    }

    @Test func theJobBoardsMetricsGiveRequestsErrorsAndAnIntervalsLatency() throws {
        let later = ReplicaSample(backend: "replica-2", samples: try PrometheusText.parse(Self.text))
        #expect(later.requests == 100)
        #expect(later.errors5xx == 10)
        #expect(later.latencyBuckets[5] == 80)
        #expect(later.latencyBuckets[250] == 19)
        #expect(later.latencyBuckets[nil] == 1)
        let earlier = ReplicaSample(backend: "replica-2", requests: 50, errors5xx: 0, latencyBuckets: [5: 50])
        let window = ReplicaSignals(from: earlier, to: later)
        #expect(window.requests == 50)
        #expect(window.errorRatio == 0.2)
        #expect(window.p50 == 5)
        #expect(window.p99 == 250)
    }
}
