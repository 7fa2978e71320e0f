/// A custom workload read from a YAML scenario file: the request mix and, optionally, the test's shape
/// (rate profile, duration, request count, connections), so a whole load test can live in the repository.
///
/// ```yaml
/// duration: 30
/// profile: { shape: spike, base: 100, factor: 5, start: 10, length: 10 }
/// values:
///   word: [swift, nurse, data]
///   job: { min: 1, max: 10000 }
/// requests:
///   - { name: search, weight: 5, path: "/api/v1/jobs?q={{word}}" }
///   - { name: job, weight: 3, path: "/api/v1/jobs/{{job}}" }
/// ```
public struct Scenario: Sendable {
    /// The weighted requests.
    public var mix: RequestMix
    /// The rate profile, when the file gives one (open model).
    public var profile: RateProfile?
    /// Test length in seconds, when given.
    public var duration: Double?
    /// Stop after this many requests, when given.
    public var maxRequests: Int?
    /// Connections to use at most, when given.
    public var connections: Int?

    /// Reads and parses the scenario file at `path`.
    public static func load(contentsOf path: String) throws(ScenarioError) -> Scenario {
        try ScenarioReader.load(contentsOf: path)
    }

    /// Parses scenario YAML; `file` names it in error messages.
    public static func parse(yaml: String, file: String = "<scenario>") throws(ScenarioError) -> Scenario {
        try ScenarioReader.parse(yaml: yaml, file: file)
    }
}
