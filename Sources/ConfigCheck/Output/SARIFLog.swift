/// The subset of a SARIF 2.1.0 log that `evenkeel check` writes: one run, its tool's rules, and one
/// result per finding.
///
/// Field names follow the OASIS SARIF 2.1.0 object model (sarifLog, run, toolComponent,
/// reportingDescriptor, result, physicalLocation) so that code-scanning tools read it as they read any
/// other analyser's output. Optional properties left `nil` are omitted from the JSON.
public struct SARIFLog: Codable, Sendable, Equatable {
    /// The schema URI SARIF consumers look for.
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    /// `$schema`: the SARIF 2.1.0 JSON schema.
    public var schema: String
    /// Always `2.1.0`.
    public var version: String
    /// One run per invocation.
    public var runs: [Run]

    /// A log of `runs` in SARIF 2.1.0.
    public init(runs: [Run]) {
        self.schema = Self.schemaURI
        self.version = "2.1.0"
        self.runs = runs
    }

    enum CodingKeys: String, CodingKey {
        case schema = "$schema"
        case version, runs
    }

    /// One invocation of the tool and what it found.
    public struct Run: Codable, Sendable, Equatable {
        /// The tool and its rules.
        public var tool: Tool
        /// One result per finding.
        public var results: [Result]
    }

    /// The analysis tool.
    public struct Tool: Codable, Sendable, Equatable {
        /// The component that produced the results.
        public var driver: Driver
    }

    /// The tool component that ran: its name, where to read about it, and the rules it knows.
    public struct Driver: Codable, Sendable, Equatable {
        /// `evenkeel check`.
        public var name: String
        /// Where the tool is described.
        public var informationUri: String
        /// Every rule the run applied, in id order.
        public var rules: [ReportingDescriptor]
    }

    /// One rule, as SARIF's `reportingDescriptor`.
    public struct ReportingDescriptor: Codable, Sendable, Equatable {
        /// The stable rule id, e.g. `EK101`.
        public var id: String
        /// The rule's title.
        public var name: String
        /// The title again, as SARIF viewers show it in lists.
        public var shortDescription: Message
        /// The rule's fix hint (the rules carry no longer description; the page at `helpUri` has it).
        public var fullDescription: Message
        /// How to fix what it finds, and where the rule's page is.
        public var help: Message
        /// The rule's page, `docs/rules/<ID>.md`.
        public var helpUri: String
        /// The level of its findings unless a finding says otherwise.
        public var defaultConfiguration: Configuration
    }

    /// A rule's configuration; only its default level here.
    public struct Configuration: Codable, Sendable, Equatable {
        /// The default level.
        public var level: Level
    }

    /// SARIF's result levels (`none` is not used: every finding is at least a note).
    public enum Level: String, Codable, Sendable, Equatable {
        /// A Severity.error finding.
        case error
        /// A Severity.warning finding.
        case warning
        /// A Severity.info finding.
        case note
    }

    /// Plain text for a person.
    public struct Message: Codable, Sendable, Equatable {
        /// The text.
        public var text: String
    }

    /// One finding.
    public struct Result: Codable, Sendable, Equatable {
        /// The id of the rule that found it.
        public var ruleId: String
        /// Index into `driver.rules`; nil when the finding's rule is not among them.
        public var ruleIndex: Int?
        /// The finding's own severity, as a SARIF level.
        public var level: Level
        /// What will happen to traffic.
        public var message: Message
        /// The file and line of the finding.
        public var locations: [Location]
    }

    /// Where a result is.
    public struct Location: Codable, Sendable, Equatable {
        /// The file and line.
        public var physicalLocation: PhysicalLocation
    }

    /// A file and, when known, a line in it.
    public struct PhysicalLocation: Codable, Sendable, Equatable {
        /// The file.
        public var artifactLocation: ArtifactLocation
        /// The line; nil when the finding has none (line 0).
        public var region: Region?
    }

    /// A file, as a URI reference; relative ones are relative to `uriBaseId` (the checkout's root).
    public struct ArtifactLocation: Codable, Sendable, Equatable {
        /// A relative reference, or a `file://` URI for an absolute path.
        public var uri: String
        /// `%SRCROOT%` for relative references; nil for absolute ones.
        public var uriBaseId: String?
    }

    /// A line range; only its first line here.
    public struct Region: Codable, Sendable, Equatable {
        /// 1-based line.
        public var startLine: Int
    }
}
