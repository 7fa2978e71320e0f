import BalancerConfig
import Glibc
import NIOCore
import NIOPosix

/// Says in a few words why a connection to a backend failed ("Connection refused", "timed out after 2s"), for the
/// 502 body, the log line and a failed health check, instead of SwiftNIO's nested error dumps.
enum ConnectFailureReason {
    static func of(_ error: any Error, timeout: Duration) -> String {
        switch error {
        case let error as NIOConnectionError:
            // Connecting to an address (not a name) makes one attempt; its error is the reason.
            guard let attempt = error.connectionErrors.first else { return "\(error)" }
            return of(attempt.error, timeout: timeout)
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        case ChannelError.connectTimeout:
            return "timed out after \(DurationText.format(timeout))"
        default:
            return "\(error)"
        }
    }
}
