/// How Watch runs: what it reads, how often, where it listens and keeps incidents, and its detection thresholds.
public struct WatchSettings: Sendable, Equatable {
    /// Admin base URLs of Evenkeel balancers (several in front of the same pools are merged).
    public var balancers: [String]
    /// HAProxy statistics URLs in CSV (`…/stats;csv`).
    public var haproxy: [String] = []
    /// Replicas' own metrics: backend name → `/metrics` URL.
    public var replicaMetrics: [String: String] = [:]
    /// nginx access logs written with Evenkeel's log format.
    public var nginxLogs: [String] = []
    /// Balancer configuration files whose changes are recorded (any dialect ConfigCheck reads).
    public var configFiles: [String] = []

    /// Whether anything is to be read.
    public var hasSources: Bool { !balancers.isEmpty || !haproxy.isEmpty || !nginxLogs.isEmpty }
    /// Where the API and dashboard listen.
    public var listenHost: String
    /// Port of the API and dashboard.
    public var listenPort: Int
    /// The incident database's path.
    public var databasePath: String
    /// How often sources are read.
    public var interval: Duration
    /// The detection window: signals are rates and shares over this much time.
    public var window: Duration
    /// How long a source must fail before it is an incident, seconds.
    public var unreachableAfter: Double
    /// How long signals must be normal before an incident resolves, seconds.
    public var resolveAfter: Double
    /// Evaluations in a row a finding must hold before an incident opens.
    public var confirmations: Int
    /// Baseline samples kept per pool.
    public var baselineSamples: Int
    /// Baseline samples needed before volume and latency are compared.
    public var warmUpSamples: Int
    /// Seconds of history kept per pool for the dashboard.
    public var historySamples: Int
    /// The thresholds.
    public var detection: DetectionSettings
    /// The longest a pool's baseline stays frozen by an incident, seconds; after that the present is learnt as normal.
    public var maxFreeze: Double = 900
    /// The people allowed to act on incidents, each with the SHA-256 of their token (never the token itself).
    public var operators: [Operator] = []
    /// The address people reach Watch at, for the links in notifications and pages (e.g. `http://watch.example:9100`);
    /// nil when that is the listen address itself.
    public var externalURL: String? = nil

    /// A file holding the balancers' admin token (their `listeners.admin.token_file`), for rollbacks.
    public var adminTokenFile: String? = nil
    /// The pools whose configuration skews Watch rolls back by itself (off by default).
    public var autoRollback: AutoRollback = .none

    /// The base of Watch's links: `externalURL`, or the listen address (an IPv6 host in brackets).
    public var linkBase: String {
        if let externalURL { return externalURL }
        let host = listenHost.contains(":") ? "[\(listenHost)]" : listenHost
        return "http://\(host):\(listenPort)"
    }

    public init(
        balancers: [String] = [], listenHost: String = "127.0.0.1", listenPort: Int = 9100, databasePath: String = ".evenkeel/watch.sqlite",
        interval: Duration = .seconds(1), window: Duration = .seconds(5), unreachableAfter: Double = 5, resolveAfter: Double = 15,
        confirmations: Int = 2, baselineSamples: Int = 600, warmUpSamples: Int = 20, historySamples: Int = 300,
        detection: DetectionSettings = DetectionSettings()
    ) {
        self.balancers = balancers
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.databasePath = databasePath
        self.interval = interval
        self.window = window
        self.unreachableAfter = unreachableAfter
        self.resolveAfter = resolveAfter
        self.confirmations = confirmations
        self.baselineSamples = baselineSamples
        self.warmUpSamples = warmUpSamples
        self.historySamples = historySamples
        self.detection = detection
    }
}
