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
                            let ok = await HealthProbe.check(
                                host: backend.config.address.host, port: backend.config.address.port,
                                path: health.path, timeout: health.timeout, group: group)
                            if Task.isCancelled { return }
                            backend.recordProbe(success: ok, rise: health.rise, fall: health.fall)
                            try? await Task.sleep(for: health.interval)
                        }
                    }
                }
            }
        }
    }
}
