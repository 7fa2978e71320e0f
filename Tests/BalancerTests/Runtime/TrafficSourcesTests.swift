@testable import Balancer
import Distribution
import Testing

/// The pool's traffic sources cover the current 10-second period and the one before, and nothing older.
@Suite("Traffic sources: who sent a pool its requests lately")
struct TrafficSourcesTests {
    @Test func requestsOfThisPeriodAndTheOneBeforeAreCountedAndOlderOnesAreNot() {
        let sources = TrafficSources()
        sources.record(client: "10.0.0.1", path: "/old", atSecond: 1_005)
        for _ in 0..<3 { sources.record(client: "10.0.0.2", path: "/jobs", atSecond: 1_012) }
        sources.record(client: "10.0.0.3", path: "/jobs", atSecond: 1_023)

        let recent = sources.recent(atSecond: 1_024)
        #expect(recent.period.clients.total == 4, "the period 1,010–1,019 and the current one; 1,005 is two periods back")
        #expect(recent.period.clients.top(2).map(\.key) == ["10.0.0.2", "10.0.0.3"])
        #expect(recent.period.paths.top(5).map(\.key) == ["/jobs"])
        #expect(recent.seconds == 15, "ten seconds of the previous period and five of this one")
    }

    @Test func aQuietPeriodInBetweenDropsTheOneBeforeIt() {
        let sources = TrafficSources()
        sources.record(client: "10.0.0.1", path: "/", atSecond: 2_001)
        // Nothing in 2,010–2,019; asked at 2,025, the period before the current one is empty.
        #expect(sources.recent(atSecond: 2_025).period.clients.total == 0)
    }
}
