import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// How one job-board replica runs.
public struct JobBoardConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The name in `X-Evenkeel-Replica`.
    public var replicaName: String
    /// nil turns rate limiting off (load tests).
    public var rateLimits: RateLimits?
    /// Take the client address from `X-Forwarded-For`. Only behind a balancer: a direct client could forge it
    /// and slip past the per-address rate limits.
    public var trustForwardedFor: Bool
    /// How long `/readyz` fails before the server stops on graceful shutdown.
    public var drainDelay: Duration
    public var bcryptCost: UInt8
    /// Serve `/admin/faults` so drills can inject latency and errors (never in production).
    public var faultInjection = false

    public init(
        host: String = "127.0.0.1", port: Int = 8080, replicaName: String = "replica-1", rateLimits: RateLimits? = RateLimits(),
        trustForwardedFor: Bool = false, drainDelay: Duration = .seconds(2), bcryptCost: UInt8 = 12
    ) {
        self.host = host
        self.port = port
        self.replicaName = replicaName
        self.rateLimits = rateLimits
        self.trustForwardedFor = trustForwardedFor
        self.drainDelay = drainDelay
        self.bcryptCost = bcryptCost
    }
}

/// The parts of a running replica that callers (the CLI, tests) need beside the app itself.
public struct JobBoardParts: Sendable {
    public let service: JobBoardService
    public let readiness: Readiness
    public let metrics: JobBoardMetrics
    /// The API routes as registered, for the OpenAPI conformance test.
    public let routes: RouteCatalog
    /// Put this after the application in the service group: on graceful shutdown it fails `/readyz` and waits
    /// while the server still answers, and only then lets the server stop.
    public let drain: DrainOnShutdownService
}

/// Builds the job board's router: API, pages, feed and operations endpoints with their middleware.
public func buildJobBoardRouter(
    configuration: JobBoardConfiguration, service: JobBoardService, readiness: Readiness, metrics: JobBoardMetrics
) async throws -> (Router<JobBoardContext>, RouteCatalog) {
    let pages = try await PageRenderer.load(replica: configuration.replicaName)
    // HEAD answers as GET does, without the body (RFC 9110), on every route: health checks are often written that way.
    let router = Router(context: JobBoardContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: ReplicaHeaderMiddleware(replica: configuration.replicaName))
    router.add(middleware: SecurityHeadersMiddleware<JobBoardContext>(trustForwardedProto: configuration.trustForwardedFor))
    let routeMethods = RouteMethods()
    router.add(middleware: MethodNotAllowedMiddleware<JobBoardContext>(routes: routeMethods))
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
    router.add(middleware: ErrorMiddleware(pages: pages))
    if configuration.faultInjection {
        // After the metrics, so the replica's own /metrics counts what the fault did, as it would a real one.
        let injector = FaultInjector(logger: Logger(label: "evenkeel.jobboard.faults"))
        router.add(middleware: FaultInjectionMiddleware<JobBoardContext>(injector: injector))
        FaultsController(injector: injector).addRoutes(to: router)
    }
    if configuration.trustForwardedFor { router.add(middleware: ClientAddressMiddleware()) }
    router.add(middleware: SessionMiddleware(service: service))
    router.add(middleware: CSRFMiddleware<JobBoardContext>())

    let limits = configuration.rateLimits
    let login = limits.map { RateLimiter(rule: $0.login) }
    let registration = limits.map { RateLimiter(rule: $0.registration) }
    let posting = limits.map { RateLimiter(rule: $0.posting) }
    let applying = limits.map { RateLimiter(rule: $0.applying) }

    OperationsController(
        store: service.store, readiness: readiness, metrics: metrics, openAPI: try OperationsController.loadDocument()
    ).addRoutes(to: router)
    let catalog = RouteCatalog()
    let api = CatalogedGroup(group: router.group("api/v1"), prefix: "api/v1", catalog: catalog)
    AccountsController(service: service, loginLimiter: login, registrationLimiter: registration).addRoutes(to: api)
    JobsController(service: service, postingLimiter: posting).addRoutes(to: api)
    ApplicationsController(service: service, applyingLimiter: applying).addRoutes(to: api)
    ModerationController(service: service).addRoutes(to: api)
    AtomFeedController(service: service).addRoutes(to: router)
    PagesController(
        service: service, pages: pages, loginLimiter: login, registrationLimiter: registration, postingLimiter: posting,
        applyingLimiter: applying
    ).addRoutes(to: router)
    routeMethods.load(router.routes.map { ("\($0.path)", $0.method.rawValue) })
    return (router, catalog)
}

/// Builds a whole replica over `store`: the Hummingbird application, and in its parts the drain-on-shutdown
/// service to run after it.
public func buildJobBoardApplication(
    configuration: JobBoardConfiguration, store: any JobBoardStore, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> (some ApplicationProtocol, JobBoardParts) {
    let service = JobBoardService(store: store, bcryptCost: configuration.bcryptCost)
    let readiness = Readiness()
    let metrics = JobBoardMetrics(usage: DatabaseUsage.of(store))
    let (router, catalog) = try await buildJobBoardRouter(
        configuration: configuration, service: service, readiness: readiness, metrics: metrics)
    let app = Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: nil,
            availableConnectionsDelegate: nil),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: logger)
    let drain = DrainOnShutdownService(readiness: readiness, delay: configuration.drainDelay)
    return (app, JobBoardParts(service: service, readiness: readiness, metrics: metrics, routes: catalog, drain: drain))
}
