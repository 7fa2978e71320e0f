import Testing

/// Every test that runs real traffic through a real balancer for Watch, one at a time: each keeps load on the
/// machine for several seconds, and the rest of the suite (timing-sensitive health checks and load tests among it)
/// runs beside them on two cores.
@Suite(.serialized) enum WatchEndToEnd {}
