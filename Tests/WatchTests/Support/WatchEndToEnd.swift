import Testing

/// Every test that runs real traffic through a real balancer for Watch, one at a time: each keeps load on the
/// machine for several seconds, and the rest of the suite (timing-sensitive health checks and load tests among it)
/// runs beside them on two cores.
@Suite(.serialized) enum WatchEndToEnd {
    /// When the first of these tests began.
    static let firstStart = ContinuousClock.now

    /// Waits until 30 s after the first end-to-end test began: the rest of the suite starts all at once and is mostly
    /// done by then, so this traffic does not land on top of its timing-sensitive tests.
    static func afterTheSuitesStart() async throws {
        try await Task.sleep(until: firstStart.advanced(by: .seconds(30)), clock: ContinuousClock())
    }
}
