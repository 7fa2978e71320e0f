import Foundation
import HTTPTypes
import HummingbirdTesting
import JobBoard
import NIOCore
import Testing

/// `--fault-injection`: latency and errors a drill puts into one replica on cue, for a while, never on the health
/// checks, and not there at all without the flag.
@Suite struct FaultInjectionTests {
    @Test func withoutTheFlagThereIsNoFaultEndpoint() async throws {
        let fixture = try await JobBoardFixture()
        try await fixture.test(live: true) { client in
            let response = try await client.json(.post, "/admin/faults", body: #"{"error_ratio": 1}"#)
            #expect(response.status == .notFound)
            #expect(try await client.json(.get, "/api/v1/jobs").status == .ok)
        }
    }

    @Test func anInjectedFaultFailsAndSlowsRequestsButNotHealthChecks() async throws {
        let fixture = try await JobBoardFixture(faultInjection: true)
        try await fixture.test(live: true) { client in
            // A minute: longer than any pause a loaded machine puts between these requests, so each one meets the fault.
            let set = try await client.json(.post, "/admin/faults", body: #"{"error_ratio": 1, "latency_ms": 100, "seconds": 60}"#)
            #expect(set.status == .ok)
            #expect(String(buffer: set.body).contains("\"error_ratio\":1"))
            #expect(String(buffer: try await client.json(.get, "/admin/faults").body).contains("latency_ms"))
            let clock = ContinuousClock()
            let start = clock.now
            let failed = try await client.json(.get, "/api/v1/jobs")
            #expect(failed.status == .internalServerError)
            #expect(String(buffer: failed.body).contains("injected-fault"))
            #expect(clock.now - start >= .milliseconds(100), "the latency comes first")
            #expect(try await client.json(.get, "/readyz").status == .ok, "health checks are spared: a sick replica, not a dead one")
        }
    }

    @Test func anInjectedFaultEndsByItselfAtItsTime() async throws {
        let fixture = try await JobBoardFixture(faultInjection: true)
        try await fixture.test(live: true) { client in
            let set = try await client.json(.post, "/admin/faults", body: #"{"error_ratio": 1, "seconds": 1}"#)
            #expect(set.status == .ok)
            // The end the replica itself gave (a loaded machine may have answered the POST late).
            struct State: Decodable {
                struct Active: Decodable { var until: Date }
                var active: Active
            }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let until = try decoder.decode(State.self, from: Data(set.body.readableBytesView)).active.until
            try await Task.sleep(for: .seconds(max(0, until.timeIntervalSinceNow) + 1.2))  // (the time is given to the second)
            let ended = try await client.json(.get, "/api/v1/jobs")
            #expect(ended.status == .ok, "it ends by itself: \(String(buffer: ended.body))")
            #expect(String(buffer: try await client.json(.get, "/admin/faults").body) == #"{"active":null}"#)
        }
    }

    @Test func aFaultCanBeLimitedToPathsAndEndedEarlyAndBadOnesAreRefused() async throws {
        let fixture = try await JobBoardFixture(faultInjection: true)
        try await fixture.test(live: true) { client in
            #expect(try await client.json(.post, "/admin/faults", body: #"{"error_ratio": 1, "paths": ["/api/v1/jobs"]}"#).status == .ok)
            #expect(try await client.json(.get, "/api/v1/jobs").status == .internalServerError)
            #expect(try await client.json(.get, "/jobs.atom").status != .internalServerError, "other paths are spared")
            #expect(try await client.json(.delete, "/admin/faults").status == .ok)
            #expect(try await client.json(.get, "/api/v1/jobs").status == .ok)
            for bad in [#"{"error_ratio": 2}"#, #"{"latency_ms": -1}"#, #"{"seconds": 0}"#, "not json"] {
                let refused = try await client.json(.post, "/admin/faults", body: bad)
                #expect(refused.status == .badRequest, "\(bad)")
                #expect(refused.headers[.contentType] == "application/problem+json")
            }
        }
    }
}
