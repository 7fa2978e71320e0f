import ServiceLifecycle

/// On graceful shutdown, marks the replica not ready and waits `delay` before the HTTP server stops,
/// giving balancers time to see `/readyz` fail and stop sending new requests.
///
/// Add it after the application in the same service group (not as one of the application's own services: the
/// server stops accepting as soon as its own shutdown begins). Services shut down in reverse order, so this
/// one runs its drain first while the server still answers.
public struct DrainOnShutdownService: Service {
    let readiness: Readiness
    let delay: Duration

    public init(readiness: Readiness, delay: Duration) {
        self.readiness = readiness
        self.delay = delay
    }

    public func run() async throws {
        try? await gracefulShutdown()
        readiness.beginDraining()
        if delay > .zero { try? await Task.sleep(for: delay) }
    }
}
