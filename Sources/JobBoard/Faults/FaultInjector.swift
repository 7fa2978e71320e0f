import Foundation
import Logging
import Synchronization

/// The fault a replica is injecting now, if any: set and cleared through `/admin/faults`, ended by itself at its
/// `until`, and every change logged.
public final class FaultInjector: Sendable {
    private let current = Mutex<InjectedFault?>(nil)
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// The active fault, nil when none (or when the last one has ended).
    public func active(now: Date = Date()) -> InjectedFault? {
        current.withLock { fault in
            if let f = fault, f.until <= now { fault = nil }
            return fault
        }
    }

    /// Injects `fault` (replacing any other).
    public func inject(_ fault: InjectedFault) {
        current.withLock { $0 = fault }
        logger.warning(
            "fault injected",
            metadata: [
                "latency_ms": "\(fault.latencyMs)", "error_ratio": "\(fault.errorRatio)", "paths": "\(fault.paths.joined(separator: ","))",
                "until": "\(fault.until.formatted(.iso8601))",
            ])
    }

    /// Ends any fault.
    public func clear() {
        let had = current.withLock { fault -> Bool in
            defer { fault = nil }
            return fault != nil
        }
        if had { logger.warning("fault cleared") }
    }
}
