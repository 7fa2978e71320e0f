import ArgumentParser
import Foundation
import Watch

/// `evenkeel incident`: list, show, acknowledge, note, resolve and report Watch's incidents from a terminal.
struct IncidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Act on Watch's incidents: list, show, ack, note, resolve, report.",
        discussion: "Talks to a running Watch (--watch). Actions need an operator token: --token or EVENKEEL_WATCH_TOKEN.",
        subcommands: [List.self, Show.self, Ack.self, Note.self, Resolve.self, Rollback.self, Report.self])

    struct Connection: ParsableArguments {
        @Option(help: "Watch's base URL.")
        var watch = "http://127.0.0.1:9100"

        @Option(help: "Operator token (default: EVENKEEL_WATCH_TOKEN).")
        var token: String?

        var resolvedToken: String? { token ?? ProcessInfo.processInfo.environment["EVENKEEL_WATCH_TOKEN"] }

        func run<T: Sendable>(_ body: (WatchClient) async throws -> T) async throws -> T {
            do {
                return try await WatchClient.with(baseURL: watch, token: resolvedToken, body)
            } catch let error as WatchClientError {
                throw ValidationError(error.description)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Incidents, newest first.")
        @OptionGroup var connection: Connection
        @Option(help: "Only these states, comma-separated: open, acknowledged, resolved.")
        var state: String?
        @Option(help: "At most this many.")
        var limit = 50

        func run() async throws {
            let states = try (state ?? "").split(separator: ",").map { text in
                guard let state = Incident.State(rawValue: String(text)) else { throw ValidationError("--state \(text): open, acknowledged or resolved") }
                return state
            }
            let incidents = try await connection.run { try await $0.incidents(states: states, limit: limit) }
            if incidents.isEmpty { say("no incidents") }
            for incident in incidents { say(IncidentText.row(incident)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One incident with its evidence and timeline.")
        @OptionGroup var connection: Connection
        @Argument(help: "The incident's id.") var id: Int64

        func run() async throws {
            say(IncidentText.detail(try await connection.run { try await $0.incident(id: id) }))
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge: you have it. The other team is told.")
        @OptionGroup var connection: Connection
        @Argument(help: "The incident's id.") var id: Int64
        @Option(help: "What you are doing about it.") var text: String?

        func run() async throws {
            say(IncidentText.row(try await connection.run { try await $0.act(.ack, id: id, text: text) }))
        }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a note to the timeline. The other team is told.")
        @OptionGroup var connection: Connection
        @Argument(help: "The incident's id.") var id: Int64
        @Argument(help: "The note.") var text: String

        func run() async throws {
            say(IncidentText.row(try await connection.run { try await $0.act(.notes, id: id, text: text) }))
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve by hand. Everyone routed is told.")
        @OptionGroup var connection: Connection
        @Argument(help: "The incident's id.") var id: Int64
        @Option(help: "How it was fixed.") var text: String?

        func run() async throws {
            say(IncidentText.row(try await connection.run { try await $0.act(.resolve, id: id, text: text) }))
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Roll the balancer back to the configuration before the change Watch linked to a config_skew incident.",
            discussion: "The balancer applies it through its reload gate and writes it back to its file. Exits 1 when it did not apply.")
        @OptionGroup var connection: Connection
        @Argument(help: "The incident's id.") var id: Int64

        func run() async throws {
            let result = try await connection.run { try await $0.rollback(id: id) }
            say("rollback \(result.applied ? "applied" : "NOT applied"): \(result.outcome)")
            if !result.applied { throw ExitCode(1) }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A postmortem draft of the incident, with its measured numbers.")
        @OptionGroup var connection: Connection
        @Argument(help: "The incident's id.") var id: Int64
        @Option(help: "markdown or json.") var format = "markdown"
        @Option(help: "Write to this file instead of standard output.") var output: String?

        func validate() throws {
            guard ["markdown", "json"].contains(format) else { throw ValidationError("--format \(format): markdown or json") }
        }

        func run() async throws {
            let text = try await connection.run { try await $0.report(id: id, format: format) }
            if let output {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
                say("wrote \(output)")
            } else {
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            }
        }
    }
}
