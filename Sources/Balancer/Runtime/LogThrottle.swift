import Synchronization

/// Lets at most `perSecond` messages of one kind through each second and counts the ones it holds back.
///
/// An outage can fail thousands of requests a second; logging each would bury the first messages that say
/// what went wrong, and every event loop would queue on the log handler's lock. The message let through after
/// a held-back stretch says how many were left out, so counts in the log stay true.
final class LogThrottle: Sendable {
    let perSecond: Int
    private struct Window {
        var second: Int64 = .min
        var passed = 0
        var held = 0
    }
    private let window = Mutex(Window())

    init(perSecond: Int) {
        self.perSecond = perSecond
    }

    /// Whether a message at `second` may be logged, and if so how many were held back since the last one that
    /// was (nil when it must be dropped).
    func admit(atSecond second: Int64) -> Int? {
        window.withLock { w in
            if w.second != second {
                w.second = second
                w.passed = 0
            }
            guard w.passed < perSecond else {
                w.held += 1
                return nil
            }
            w.passed += 1
            defer { w.held = 0 }
            return w.held
        }
    }
}
