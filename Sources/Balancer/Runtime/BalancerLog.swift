import BalancerConfig
import Logging

/// What the balancer tells its operators as it happens: a backend going down or coming back, an ejection, and
/// every request it could not serve with the reason, so that the log alone says which backend failed and how.
///
/// Failed requests are throttled (``LogThrottle``); state changes are rare and always logged.
public struct BalancerLog: Sendable {
    /// Failed requests logged per second at most; the next one logged counts those left out.
    public static let failuresPerSecond = 20

    let logger: Logger
    private let failures = LogThrottle(perSecond: BalancerLog.failuresPerSecond)

    /// Logs to `logger`.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// Logs nothing.
    public static var discarding: BalancerLog {
        BalancerLog(logger: Logger(label: "evenkeel.balancer", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Active health checks took `backend` out of service after `checks` failed probes in a row.
    func backendDown(pool: String, backend: String, address: String, checks: Int, lastFailure: String) {
        logger.warning(
            "backend down: \(checks) health check(s) failed in a row, the last: \(lastFailure)",
            metadata: ["pool": "\(pool)", "backend": "\(backend)", "address": "\(address)"])
    }

    /// Active health checks put `backend` back into service after `checks` passed probes in a row.
    func backendUp(pool: String, backend: String, address: String, checks: Int) {
        logger.notice(
            "backend up: \(checks) health check(s) passed in a row",
            metadata: ["pool": "\(pool)", "backend": "\(backend)", "address": "\(address)"])
    }

    /// Outlier detection ejected `backend` for `duration` after `failures` failed requests in a row.
    func backendEjected(pool: String, backend: String, failures: Int, duration: Duration, ejections: Int) {
        logger.warning(
            "backend ejected for \(DurationText.format(duration)) after \(failures) failed requests in a row (ejection \(ejections))",
            metadata: ["pool": "\(pool)", "backend": "\(backend)"])
    }

    /// Outlier detection would have ejected `backend` after `failures` failed requests in a row, but `ejected` of
    /// the pool's `of` backends are out already, as many as `max_ejection_percent` allows: it stays in, failing.
    func ejectionRefused(pool: String, backend: String, failures: Int, ejected: Int, of total: Int, maxEjectionPercent: Int) {
        logger.warning(
            "backend not ejected after \(failures) failed requests in a row: \(ejected) of \(total) backends are ejected already, the most max_ejection_percent \(maxEjectionPercent) allows",
            metadata: ["pool": "\(pool)", "backend": "\(backend)"])
    }

    /// An attempt of a request failed: `retrying` when it goes to another backend, else the client gets
    /// `failure.status` (or, with `responseStarted`, a cut-off response). The request's method, target and id are
    /// worked out only for a line that is logged.
    func requestFailed(
        _ failure: ProxyFailure, pool: String, request: () -> (method: String, target: String, id: String?), retrying: Bool,
        responseStarted: Bool, atSecond second: Int64
    ) {
        guard let held = failures.admit(atSecond: second) else { return }
        let outcome = retrying ? "retrying on another backend" : responseStarted ? "response cut off" : "answered \(failure.status)"
        let (method, target, requestID) = request()
        var metadata: Logger.Metadata = ["pool": "\(pool)", "method": "\(method)", "target": "\(target)"]
        if let requestID { metadata["request_id"] = "\(requestID)" }
        if held > 0 { metadata["failures_not_logged"] = "\(held)" }
        logger.warning("request failed, \(outcome): \(failure)", metadata: metadata)
    }
}
