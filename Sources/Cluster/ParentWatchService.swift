import Foundation
import ServiceLifecycle

/// Returns once the process that started the replica is gone, so a killed `evenkeel up` leaves no orphan
/// replicas behind. Run it with `successTerminationBehavior: .gracefullyShutdownGroup`: its return then
/// drains and stops the replica.
public struct ParentWatchService: Service {
    let parent: pid_t

    public init(parent: pid_t) {
        self.parent = parent
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while getppid() == parent { try await Task.sleep(for: .milliseconds(500)) }
            }
        } catch is CancellationError {
            // The replica is shutting down anyway.
        }
    }
}
