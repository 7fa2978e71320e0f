import Foundation
/// A group of servers that share requests: an Evenkeel pool, an HAProxy backend, an nginx upstream.
public struct CheckedPool: Sendable {
    public var name: String
    public var line: Int
    public var algorithm: PoolAlgorithm
    /// The line that chooses the algorithm (the pool's own line when it is the default).
    public var algorithmLine: Int
    public var servers: [CheckedServer]
    /// Active probes, nil when the pool has none.
    public var activeHealth: ActiveHealthCheck?
    /// Taking servers out after failed real requests, nil when the pool does not.
    public var passiveHealth: PassiveHealthCheck?
    /// Whether the balancer can probe actively at all (open-source nginx cannot).
    public var supportsActiveHealth: Bool
    /// Ramp-up of a new or recovered server's share, nil when none.
    public var slowStart: Duration?
    /// Whether the balancer offers slow start (open-source nginx does not).
    public var supportsSlowStart: Bool
    /// Retries that resend requests to other servers, nil when the pool does not retry on failures.
    public var retry: RetryPolicy?
    /// How requests wait when servers are at their connection limits, nil when they never queue.
    public var queue: QueuePolicy?
    /// Pinning a client to a server, nil when there is none.
    public var stickiness: Stickiness?

    public init(
        name: String, line: Int, algorithm: PoolAlgorithm, algorithmLine: Int, servers: [CheckedServer],
        activeHealth: ActiveHealthCheck? = nil, passiveHealth: PassiveHealthCheck? = nil, supportsActiveHealth: Bool = true,
        slowStart: Duration? = nil, supportsSlowStart: Bool = true, retry: RetryPolicy? = nil, queue: QueuePolicy? = nil,
        stickiness: Stickiness? = nil
    ) {
        self.name = name
        self.line = line
        self.algorithm = algorithm
        self.algorithmLine = algorithmLine
        self.servers = servers
        self.activeHealth = activeHealth
        self.passiveHealth = passiveHealth
        self.supportsActiveHealth = supportsActiveHealth
        self.slowStart = slowStart
        self.supportsSlowStart = supportsSlowStart
        self.retry = retry
        self.queue = queue
        self.stickiness = stickiness
    }

    /// Servers that take traffic while they are healthy (not backups, not marked down).
    public var primaries: [CheckedServer] { servers.filter { !$0.backup && !$0.down } }
    /// Servers that take traffic only when no primary can.
    public var backups: [CheckedServer] { servers.filter { $0.backup && !$0.down } }
}

/// Periodic probes of each server.
public struct ActiveHealthCheck: Sendable, Equatable {
    public var interval: Duration
    /// Successes in a row that bring a server back.
    public var rise: Int
    /// Failures in a row that take a server out.
    public var fall: Int
    public var line: Int
    public var intervalLine: Int
    public var thresholdsLine: Int

    public init(interval: Duration, rise: Int, fall: Int, line: Int, intervalLine: Int? = nil, thresholdsLine: Int? = nil) {
        self.interval = interval
        self.rise = rise
        self.fall = fall
        self.line = line
        self.intervalLine = intervalLine ?? line
        self.thresholdsLine = thresholdsLine ?? line
    }
}

/// Taking a server out after real requests to it fail.
public struct PassiveHealthCheck: Sendable, Equatable {
    /// Failures that take a server out.
    public var failures: Int
    public var line: Int

    public init(failures: Int, line: Int) {
        self.failures = failures
        self.line = line
    }
}

/// Resending a failed request to another server.
public struct RetryPolicy: Sendable, Equatable {
    /// Extra attempts per request at most.
    public var attempts: Int
    /// Extra requests allowed, as a percentage of requests; nil when retries are not budgeted at all.
    public var budgetPercent: Int?
    /// Whether requests that are not idempotent (POST) are resent too.
    public var includesNonIdempotent: Bool
    /// What triggers a retry, as written ("error timeout http_502").
    public var triggers: String
    public var line: Int

    public init(attempts: Int, budgetPercent: Int?, includesNonIdempotent: Bool = false, triggers: String, line: Int) {
        self.attempts = attempts
        self.budgetPercent = budgetPercent
        self.includesNonIdempotent = includesNonIdempotent
        self.triggers = triggers
        self.line = line
    }
}

/// Requests waiting for a server connection.
public struct QueuePolicy: Sendable, Equatable {
    /// How long a request may wait, nil when there is no limit.
    public var timeout: Duration?
    public var timeoutLine: Int
    /// How long a response may take, to compare with the wait.
    public var responseTimeout: Duration?
    /// Requests that may wait per pool, nil when unbounded.
    public var size: Int?
    public var sizeLine: Int

    public init(timeout: Duration?, timeoutLine: Int, responseTimeout: Duration?, size: Int?, sizeLine: Int) {
        self.timeout = timeout
        self.timeoutLine = timeoutLine
        self.responseTimeout = responseTimeout
        self.size = size
        self.sizeLine = sizeLine
    }
}

/// Keeping a client on the server it first reached.
public struct Stickiness: Sendable, Equatable {
    /// What pins it, as written ("cookie SERVERID insert").
    public var mechanism: String
    /// How long a pin lasts without use, nil when it never expires.
    public var expiry: Duration?
    public var line: Int

    public init(mechanism: String, expiry: Duration?, line: Int) {
        self.mechanism = mechanism
        self.expiry = expiry
        self.line = line
    }
}
