import Cluster
import Foundation
import HTTPTypes
import HummingbirdTesting
import JobBoard
import Testing

@Suite("Health, readiness, metrics and the replica header")
struct OperationsTests {
    @Test func everyResponseNamesTheReplica() async throws {
        let board = try await JobBoardFixture(replica: "replica-7")
        try await board.test { client in
            for (uri, method) in [("/healthz", HTTPRequest.Method.get), ("/api/v1/jobs", .get), ("/nope", .get), ("/api/v1/jobs", .post)] {
                let response = try await client.execute(uri: uri, method: method)
                #expect(response.headers[.init("X-Evenkeel-Replica")!] == "replica-7", "\(method) \(uri)")
            }
        }
    }

    @Test func readinessFailsOnceDrainingBegins() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let before = try await client.execute(uri: "/readyz", method: .get)
            #expect(before.status == .ok)
            board.readiness.beginDraining()
            let draining = try await client.execute(uri: "/readyz", method: .get)
            #expect(draining.status == .serviceUnavailable)
            let alive = try await client.execute(uri: "/healthz", method: .get)
            #expect(alive.status == .ok)
        }
    }

    @Test func readinessFailsWhenTheDatabaseIsGone() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            try await board.store.close()
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .serviceUnavailable)
        }
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            _ = try await client.execute(uri: "/api/v1/jobs", method: .get)
            _ = try await client.execute(uri: "/api/v1/jobs/12345", method: .get)
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains(#"evenkeel_http_requests_total{method="GET",route="/api/v1/jobs",status="200"} 1"#))
            #expect(metrics.contains(#"evenkeel_http_requests_total{method="GET",route="/api/v1/jobs/{id}",status="404"} 1"#))
            #expect(metrics.contains("evenkeel_http_request_duration_seconds_bucket"))
            #expect(metrics.contains("evenkeel_db_operations_in_flight"))
        }
    }

    @Test func metricsPassPromtool() async throws {
        let board = try await JobBoardFixture()
        let metrics = try await board.test { client in
            _ = try await client.execute(uri: "/api/v1/jobs", method: .get)
            return try await client.execute(uri: "/metrics", method: .get).text
        }
        let promtool = try #require(
            ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "promtool is not installed: apt-get install prometheus (.ci/run does)")
        let check = try await ChildProgram.run(promtool, ["check", "metrics"], input: Data(metrics.utf8))
        #expect(check.status == 0, "promtool: \(check.output)")
    }
}
