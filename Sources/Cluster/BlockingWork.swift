import Dispatch

/// Runs `work`, which blocks its thread (waiting for a child process, reading a pipe to its end), on a Dispatch
/// thread and awaits its result.
///
/// Swift concurrency has one cooperative thread per core. On a 2-core machine two blocked waits stop every other task
/// of the process: its timers, its load generator, its servers' answers. Blocking calls therefore never run on those
/// threads.
public func blockingWork<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result(catching: work))
        }
    }
}
