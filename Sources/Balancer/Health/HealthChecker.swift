import BalancerConfig
import NIOCore

/// Runs active health checks for every pool of one configuration generation until cancelled.
enum HealthChecker {
    static func run(generation: BalancerRuntime.Generation, group: any EventLoopGroup) async {
        await withTaskGroup(of: Void.self) { tasks in
            for pool in generation.pools where pool.config.health.enabled {
                let health = pool.config.health
                for backend in pool.backends {
                    tasks.addTask {
                        while !Task.isCancelled {
                            let outcome = await HealthProbe.check(
                                host: backend.config.address.host, port: backend.config.address.port,
                                path: health.path, timeout: health.timeout, group: group)
                            if Task.isCancelled { return }
                            let effect = backend.recordProbe(success: outcome == .passed, rise: health.rise, fall: health.fall)
                            if effect.changed { report(backend, of: pool, healthy: effect.healthy, outcome: outcome, health: health) }
                            try? await Task.sleep(for: health.interval)
                        }
                    }
                }
            }
        }
    }

    /// Logs a backend going down or coming back.
    private static func report(_ backend: BackendRuntime, of pool: PoolRuntime, healthy: Bool, outcome: HealthProbe.Outcome, health: HealthConfig) {
        let address = backend.config.address.description
        if healthy {
            pool.log.backendUp(pool: pool.config.name, backend: backend.config.name, address: address, checks: health.rise)
        } else if case .failed(let reason) = outcome {
            pool.log.backendDown(pool: pool.config.name, backend: backend.config.name, address: address, checks: health.fall, lastFailure: reason)
        }
    }
}
